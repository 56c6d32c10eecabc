/// Folds "does the token's user still exist?" into a read's own statement.
///
/// `requireUser()` spends a round trip on that check; the read endpoints use
/// `requireToken()`/`optionalToken()` instead and select `ViewerCheck.column(...)` along with
/// their data, so an authenticated read is one round trip. A token whose user is gone is then
/// refused with the same 401 `token: is invalid`. (When the read finds nothing, e.g. an unknown
/// slug, the 404 wins: there is no row to carry the check.)
enum ViewerCheck {
    /// A boolean column: true for anonymous readers and for viewers whose row exists.
    static func column(viewer: String) -> String {
        "(\(viewer) IS NULL OR EXISTS (SELECT 1 FROM users vu WHERE vu.id = \(viewer)))"
    }

    /// Throws 401 when `column` of `row` says the viewer's user row is gone.
    static func verify(_ row: PostgresRow, column: Int) throws {
        guard try row.bool(column) else {
            throw APIError.invalidToken
        }
    }
}
