import FoundationEssentials

/// Creates the application database on first start, so a fresh PostgreSQL needs no
/// manual setup.
enum DatabaseBootstrap {
    /// The database every PostgreSQL installation has, used to run `CREATE DATABASE`.
    static let maintenanceDatabase = "postgres"

    /// Creates the database named in `conninfo` if it does not exist, connecting to the
    /// same server with `dbname=postgres` (all other options kept).
    ///
    /// Safe when several processes start together: losing the race to create the database
    /// (42P04, or 23505 on `pg_database`'s unique index) counts as success. Does nothing
    /// when the connection string names no database and no user.
    static func ensureDatabaseExists(conninfo: String) throws {
        let info = try PostgresConnectionInfo(parsing: conninfo)
        guard let name = info.databaseName(environment: ProcessInfo.processInfo.environment) else {
            return
        }
        let quotedName = try PostgresIdentifier.quote(name)
        var maintenance = info
        maintenance["dbname"] = maintenanceDatabase
        let connection = try PostgresConnection(conninfo: maintenance.conninfo)
        let existing = try connection.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])
        guard existing.isEmpty else {
            return
        }
        do {
            try connection.executeScript("CREATE DATABASE \(quotedName)")
        } catch let error as DatabaseError where error.sqlState == "42P04" || error.kind == .uniqueViolation {
            // Another process created it between our check and our CREATE.
        }
    }
}
