import FoundationEssentials

/// The JSON encoder and decoder settings the API uses everywhere.
///
/// Dates are ISO 8601 in UTC with milliseconds (`2016-02-18T03:22:56.637Z`): RealWorld
/// clients compare `updatedAt` values a few milliseconds apart, so the fraction matters.
enum JSONCoding {
    nonisolated(unsafe) static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(PostgresTimestamp.format(date))
        }
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    nonisolated(unsafe) static let decoder: JSONDecoder = {
        JSONDecoder()
    }()
}
