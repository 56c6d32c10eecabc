/// One schema change, identified by `version`. `sql` may hold several statements but no
/// transaction control: `MigrationRunner` wraps it in its own transaction.
struct Migration: Sendable, Hashable {
    var version: Int
    /// Recorded with the version; a later build renaming an applied migration is an error,
    /// since that usually means two branches claimed the same version number.
    var name: String
    var sql: String

    init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}
