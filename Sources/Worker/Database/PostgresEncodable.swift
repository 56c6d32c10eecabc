import FoundationEssentials

/// A Swift value that can be bound as a text-format query parameter.
///
/// Parameters travel as `[String?]` (text format, `nil` is SQL NULL); this protocol only
/// spells the conversions once, e.g. `[user.email.postgresText, limit.postgresText]`.
protocol PostgresEncodable {
    /// The PostgreSQL text input form of the value, or `nil` for NULL.
    var postgresText: String? { get }
}

extension String: PostgresEncodable {
    var postgresText: String? { self }
}

extension Int: PostgresEncodable {
    var postgresText: String? { String(self) }
}

extension Int64: PostgresEncodable {
    var postgresText: String? { String(self) }
}

extension Bool: PostgresEncodable {
    var postgresText: String? { self ? "t" : "f" }
}

extension Double: PostgresEncodable {
    /// PostgreSQL spells the special values `Infinity`, `-Infinity` and `NaN`; Swift's
    /// `description` (`inf`, `nan`) is not accepted by `float8in`.
    var postgresText: String? {
        if isNaN {
            return "NaN"
        }
        if isInfinite {
            return self < 0 ? "-Infinity" : "Infinity"
        }
        return String(self)
    }
}

extension Date: PostgresEncodable {
    /// ISO 8601 in UTC with milliseconds, e.g. `2026-11-29T03:04:05.123Z`.
    var postgresText: String? { PostgresTimestamp.format(self) }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    var postgresText: String? { self.flatMap { $0.postgresText } }
}

extension Array: PostgresEncodable where Element == String {
    /// A text array literal such as `{"a","b"}`, for SQL like `$1::text[]`.
    var postgresText: String? { PostgresArrayLiteral.encode(self) }
}
