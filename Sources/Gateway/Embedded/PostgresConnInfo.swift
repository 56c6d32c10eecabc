/// Builds libpq `key=value` connection strings.
enum PostgresConnInfo {
    /// Quotes a value for a conninfo string: single quotes, with `\` and `'` escaped by a
    /// backslash, so paths with spaces or quotes survive.
    static func quote(_ value: String) -> String {
        var quoted = "'"
        for character in value {
            if character == "\\" || character == "'" {
                quoted.append("\\")
            }
            quoted.append(character)
        }
        quoted.append("'")
        return quoted
    }

    /// `key='value' key='value'`, in the given order.
    static func make(_ parameters: KeyValuePairs<String, String>) -> String {
        parameters.map { "\($0.key)=\(quote($0.value))" }.joined(separator: " ")
    }

    /// The conninfo for a server on a UNIX socket in `socketDirectory`.
    static func unixSocket(directory socketDirectory: String, database: String, user: String, port: Int) -> String {
        make(["host": socketDirectory, "port": String(port), "dbname": database, "user": user])
    }
}
