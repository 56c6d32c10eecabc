/// `GET /api/profiles/:username` (optional auth) and `POST`/`DELETE
/// /api/profiles/:username/follow` (auth). Each request is one round trip: the statement checks
/// that the token's user still exists, finds the profile and (un)follows in one go.
///
/// Following yourself: the Hurl suite is silent. `POST` answers 422 `profile: cannot follow
/// yourself` (a self-follow would only put your own articles in your feed); `DELETE` on
/// yourself is the same harmless no-op as any other unfollow of someone you do not follow.
enum ProfilesController {
    static func register(in router: inout Router<RouteHandler>) {
        router.add("GET", "/api/profiles/:username", getProfile)
        router.add("POST", "/api/profiles/:username/follow", follow)
        router.add("DELETE", "/api/profiles/:username/follow", unfollow)
    }

    /// Columns of every statement below: viewer exists, username, bio, image, following, is self.
    /// The `(SELECT 1)` anchor makes the result exactly one row even when nobody matches.
    static let profileSQL = """
        SELECT v.id IS NOT NULL, p.username, p.bio, p.image, f.follower_id IS NOT NULL, v.id = p.id
        FROM (SELECT 1) AS anchor
        LEFT JOIN users v ON v.id = $2::bigint
        LEFT JOIN users p ON lower(p.username) = lower($1::text)
        LEFT JOIN follows f ON f.follower_id = v.id AND f.followee_id = p.id
        """

    static let followSQL = """
        WITH viewer AS (SELECT id FROM users WHERE id = $2::bigint),
        target AS (SELECT id, username, bio, image FROM users WHERE lower(username) = lower($1::text)),
        inserted AS (
            INSERT INTO follows (follower_id, followee_id)
            SELECT viewer.id, target.id FROM viewer, target WHERE viewer.id <> target.id
            ON CONFLICT DO NOTHING
        )
        SELECT v.id IS NOT NULL, t.username, t.bio, t.image, v.id <> t.id, v.id = t.id
        FROM (SELECT 1) AS anchor
        LEFT JOIN viewer v ON true
        LEFT JOIN target t ON true
        """

    static let unfollowSQL = """
        WITH viewer AS (SELECT id FROM users WHERE id = $2::bigint),
        target AS (SELECT id, username, bio, image FROM users WHERE lower(username) = lower($1::text)),
        deleted AS (
            DELETE FROM follows USING viewer, target
            WHERE follows.follower_id = viewer.id AND follows.followee_id = target.id
        )
        SELECT v.id IS NOT NULL, t.username, t.bio, t.image, false, v.id = t.id
        FROM (SELECT 1) AS anchor
        LEFT JOIN viewer v ON true
        LEFT JOIN target t ON true
        """

    static func getProfile(_ context: RequestContext) throws -> HTTPResponse {
        let viewer = try context.optionalToken()
        let row = try run(profileSQL, context, viewer: viewer)
        return try profile(from: row, viewer: viewer).response()
    }

    static func follow(_ context: RequestContext) throws -> HTTPResponse {
        let viewer = try context.requireToken()
        let row = try run(followSQL, context, viewer: viewer)
        let profile = try profile(from: row, viewer: viewer)
        if try row.optionalBool(5) == true {
            throw APIError.validation(["profile": ["cannot follow yourself"]])
        }
        return profile.response()
    }

    static func unfollow(_ context: RequestContext) throws -> HTTPResponse {
        let viewer = try context.requireToken()
        let row = try run(unfollowSQL, context, viewer: viewer)
        return try profile(from: row, viewer: viewer).response()
    }

    private static func run(_ sql: String, _ context: RequestContext, viewer: AuthenticatedUser?) throws -> PostgresRow
    {
        let username = context.parameters["username"] ?? ""
        // No stored username can contain U+0000 (and PostgreSQL text cannot carry it).
        guard !TextRules.containsNUL(username) else {
            throw APIError.notFound("profile")
        }
        let rows: PostgresRows
        do {
            rows = try context.services.database.query(sql, [username, viewer?.id.postgresText])
        } catch let error as DatabaseError where error.kind == .foreignKeyViolation {
            // The viewer was deleted between the CTE's read and the insert.
            throw APIError.invalidToken
        }
        guard let row = rows.row(at: 0) else {
            throw DatabaseError(kind: .other, message: "profile query returned no row")
        }
        return row
    }

    /// 401 for a token whose user is gone (checked before 404, as for any authenticated
    /// request), 404 for an unknown username, else the profile.
    private static func profile(from row: PostgresRow, viewer: AuthenticatedUser?) throws -> ProfileResponse {
        if viewer != nil, try !row.bool(0) {
            throw APIError.invalidToken
        }
        guard let username = try row.optionalString(1) else {
            throw APIError.notFound("profile")
        }
        return ProfileResponse(
            username: username,
            bio: try row.optionalString(2),
            image: try row.optionalString(3),
            following: try row.optionalBool(4) ?? false
        )
    }
}
