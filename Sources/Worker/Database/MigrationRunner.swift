/// Brings a database up to date with a list of migrations, safely when several workers
/// start at once.
enum MigrationRunner {
    /// The `pg_advisory_lock` key that serialises migration runs across processes: the
    /// ASCII bytes of "RookeryM" read as a big-endian Int64. Fixed so that every build
    /// agrees on it; anything else taking advisory locks on this database must avoid it.
    static let advisoryLockKey: Int64 = 0x526F_6F6B_6572_794D

    static let createTableSQL = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version integer PRIMARY KEY,
            name text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """

    /// Applies the migrations not yet recorded in `schema_migrations`, in version order,
    /// each in its own transaction, and returns the versions it applied.
    ///
    /// Holds the advisory lock for the whole run, so a second process waits and then finds
    /// nothing to do. A failing migration is rolled back and thrown; the ones before it stay.
    static func apply(
        _ migrations: [Migration],
        on connection: PostgresConnection,
        log: (String) -> Void
    ) throws -> [Int] {
        let pending = migrations.sorted { $0.version < $1.version }
        for (previous, next) in zip(pending, pending.dropFirst()) where previous.version == next.version {
            throw DatabaseError(
                kind: .other,
                message: "migrations \"\(previous.name)\" and \"\(next.name)\" share version \(next.version)"
            )
        }

        let lockParameters = [String(advisoryLockKey)]
        try connection.execute("SELECT pg_advisory_lock($1::bigint)", lockParameters)
        defer {
            // If the session is gone the server has released the lock already.
            _ = try? connection.execute("SELECT pg_advisory_unlock($1::bigint)", lockParameters)
        }

        try connection.executeScript(createTableSQL)
        var recorded: [Int: String] = [:]
        for row in try connection.query("SELECT version, name FROM schema_migrations") {
            recorded[try row.int(0)] = try row.string(1)
        }
        let known = Set(pending.map(\.version))
        for version in recorded.keys.sorted() where !known.contains(version) {
            log("database has migration \(version) which this build does not know")
        }

        var applied: [Int] = []
        for migration in pending {
            if let recordedName = recorded[migration.version] {
                guard recordedName == migration.name || migration.formerNames.contains(recordedName) else {
                    throw DatabaseError(
                        kind: .other,
                        message: "migration \(migration.version) is recorded as \"\(recordedName)\" "
                            + "but this build calls it \"\(migration.name)\""
                    )
                }
                continue
            }
            log("applying migration \(migration.version) \(migration.name)")
            try connection.transaction {
                try connection.executeScript(migration.sql)
                try connection.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                    [String(migration.version), migration.name]
                )
            }
            applied.append(migration.version)
        }
        return applied
    }
}
