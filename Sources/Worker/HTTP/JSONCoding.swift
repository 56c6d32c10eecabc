import Foundation

/// The JSON encoder and decoder settings the API uses everywhere.
///
/// Dates are ISO 8601 in UTC with milliseconds (`2016-02-18T03:22:56.637Z`): RealWorld
/// clients compare `updatedAt` values a few milliseconds apart, so the fraction matters.
enum JSONCoding {
    nonisolated(unsafe) static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    nonisolated(unsafe) static let decoder: JSONDecoder = {
        JSONDecoder()
    }()
}

/// ISO 8601 formatting with milliseconds, without Foundation's locale-dependent formatters.
enum Timestamp {
    static func format(_ date: Date) -> String {
        let millisecondsSinceEpoch = (date.timeIntervalSince1970 * 1000).rounded(.down)
        let totalMilliseconds = Int64(millisecondsSinceEpoch)
        let milliseconds = Int(((totalMilliseconds % 1000) + 1000) % 1000)
        let seconds = (totalMilliseconds - Int64(milliseconds)) / 1000
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
            Int(parts.tm_year) + 1900,
            Int(parts.tm_mon) + 1,
            Int(parts.tm_mday),
            Int(parts.tm_hour),
            Int(parts.tm_min),
            Int(parts.tm_sec),
            milliseconds
        )
    }
}
