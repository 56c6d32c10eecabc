/// The SQL of the comment endpoints: one statement each, every value bound.
enum CommentSQL {
    /// The `CommentRecord` columns for comment alias `c` and author alias `u`, seen by `viewer`.
    static func columns(viewer: String) -> String {
        """
        c.id, c.created_at, c.updated_at, c.body, u.username, u.bio, u.image, \
        EXISTS (SELECT 1 FROM follows fo WHERE fo.follower_id = \(viewer) AND fo.followee_id = c.author_id)
        """
    }

    /// $1 slug, $2 viewer or NULL; the last column is the `ViewerCheck`. Column 0 is the article id, so an article without comments
    /// still returns one row (with NULL comment columns) and no row means an unknown slug.
    /// Oldest first, the order people read a conversation in (and the index's order).
    static let list = """
        SELECT t.id, \(columns(viewer: "$2::bigint")), \(ViewerCheck.column(viewer: "$2::bigint"))
        FROM articles t
        LEFT JOIN comments c ON c.article_id = t.id
        LEFT JOIN users u ON u.id = c.author_id
        WHERE t.slug = $1
        ORDER BY c.id
        """

    /// $1 slug, $2 author, $3 body. No row: unknown slug.
    static let create = """
        WITH c AS (
            INSERT INTO comments (article_id, author_id, body)
            SELECT t.id, $2::bigint, $3 FROM articles t WHERE t.slug = $1
            RETURNING id, author_id, body, created_at, updated_at
        )
        SELECT \(columns(viewer: "$2::bigint")) FROM c JOIN users u ON u.id = c.author_id
        """

    /// $1 slug, $2 comment id (NULL when the path segment is not an integer), $3 viewer.
    /// No row: unknown article; NULL: unknown comment (on that article); `false`: someone else's.
    static let delete = """
        WITH target AS (
            SELECT c.id, c.author_id FROM comments c JOIN articles t ON t.id = c.article_id
            WHERE t.slug = $1 AND c.id = $2::bigint
        ),
        gone AS (DELETE FROM comments x USING target WHERE x.id = target.id AND target.author_id = $3::bigint)
        SELECT (SELECT target.author_id = $3::bigint FROM target) FROM articles WHERE slug = $1
        """
}
