/// One schema change, identified by `version`. `sql` may hold several statements but no
/// transaction control: `MigrationRunner` wraps it in its own transaction.
struct Migration: Sendable, Hashable {
    var version: Int
    /// Recorded with the version; a later build renaming an applied migration is an error,
    /// since that usually means two branches claimed the same version number.
    var name: String
    /// Names this migration was recorded under by earlier builds: accepted as they are (the
    /// row is not rewritten, so an earlier build still starts on the same database).
    var formerNames: [String]
    var sql: String

    init(version: Int, name: String, formerNames: [String] = [], sql: String) {
        self.version = version
        self.name = name
        self.formerNames = formerNames
        self.sql = sql
    }
}
