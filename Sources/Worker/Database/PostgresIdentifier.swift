/// Quotes SQL identifiers for the few statements that cannot take a bound parameter
/// (`CREATE DATABASE`). Everything else binds values instead.
enum PostgresIdentifier {
    /// PostgreSQL's NAMEDATALEN - 1. Longer names are silently truncated by the server,
    /// which would create a database under a different name than the one checked.
    static let maximumLength = 63

    /// `"name"`, with inner double quotes doubled. Throws for an empty name, one longer
    /// than 63 UTF-8 bytes, or one containing a NUL byte.
    static func quote(_ name: String) throws -> String {
        let length = name.utf8.count
        guard length > 0 else {
            throw DatabaseError(kind: .other, message: "identifier is empty")
        }
        guard length <= maximumLength else {
            throw DatabaseError(
                kind: .other,
                message: "identifier is \(length) bytes long; PostgreSQL allows \(maximumLength)"
            )
        }
        guard !name.utf8.contains(0) else {
            throw DatabaseError(kind: .other, message: "identifier contains a NUL byte")
        }
        // Scalars, not Characters: a quote followed by a combining mark is one Character
        // that is not equal to "\"", but the server still sees the quote.
        var quoted = "\""
        for scalar in name.unicodeScalars {
            quoted.unicodeScalars.append(scalar)
            if scalar == "\"" {
                quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }
}
