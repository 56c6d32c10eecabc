/// The rule that keeps workers within PostgreSQL's connection limit: each worker holds one
/// connection, and `workers ≤ max_connections − superuser_reserved_connections − reserve`,
/// where the reserve leaves room for migrations, the gateway's probe and an operator's psql.
enum ConnectionBudget {
    static let reserve = 5

    /// Whether a connection failure is PostgreSQL refusing a connection for want of slots
    /// (SQLSTATE 53300: "sorry, too many clients already", or "remaining connection slots are
    /// reserved …"), as opposed to a server that is down.
    static func isRefusal(_ message: String) -> Bool {
        message.contains("too many clients") || message.contains("remaining connection slots are reserved")
    }

    /// Connections available to workers on this server.
    static func available(on connection: PostgresConnection) throws -> Int {
        let rows = try connection.query(
            """
            SELECT current_setting('max_connections')::int,
                   current_setting('superuser_reserved_connections')::int
            """
        )
        guard let row = rows.first else { return 0 }
        return try row.int(0) - row.int(1) - Self.reserve
    }

    /// Fails with a clear message when `workers` would not fit.
    static func check(workers: Int, on connection: PostgresConnection) throws {
        let available = try Self.available(on: connection)
        guard workers <= available else {
            throw ConfigurationError(
                "\(workers) workers need \(workers) database connections but the server allows \(available) "
                    + "(max_connections minus superuser_reserved_connections minus \(Self.reserve) in reserve); "
                    + "lower --workers or raise max_connections"
            )
        }
    }
}
