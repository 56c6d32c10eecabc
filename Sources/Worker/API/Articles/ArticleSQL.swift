/// The SQL of the article endpoints. Every value is a bound parameter; the only text ever
/// assembled is from the fixed fragments in this file and `ArticleListQuery`.
///
/// Each endpoint is one statement (update is two): writes use data-modifying CTEs so the
/// response comes back in the same round trip, and `ArticleRecord` decodes the same column
/// layout (`columns`) everywhere.
enum ArticleSQL {
    /// The tags of article `a`, in the order the author gave them: the copy that migration 4's
    /// triggers keep on the article row, so no list item costs an index scan of `article_tags`.
    static let storedTags = "a.tag_list"

    /// The author's username, bio and image as copied onto article `a` (migration 5), for
    /// statements that read no `users` row.
    static let copiedAuthor = "a.author_username, a.author_bio, a.author_image"

    /// The `ArticleRecord` columns for article alias `a` and author alias `u`, as seen by the
    /// user id bound at `viewer` (NULL for anonymous readers: both flags are then false).
    static func columns(
        viewer: String,
        body: String = "a.body",
        tags: String = storedTags,
        favorited: String? = nil,
        favoritesCount: String = "a.favorites_count",
        author: String = "u.username, u.bio, u.image"
    ) -> String {
        let favoritedExpression =
            favorited ?? "EXISTS (SELECT 1 FROM favorites fv WHERE fv.user_id = \(viewer) AND fv.article_id = a.id)"
        return """
            a.slug, a.title, a.description, \(body), a.created_at, a.updated_at, \(favoritesCount), \
            \(favoritedExpression), \(tags), \(author), \
            EXISTS (SELECT 1 FROM follows fo WHERE fo.follower_id = \(viewer) AND fo.followee_id = a.author_id)
            """
    }

    /// $1 slug, $2 viewer id or NULL. The last column is the `ViewerCheck`.
    static let bySlug = """
        SELECT \(columns(viewer: "$2::bigint")), \(ViewerCheck.column(viewer: "$2::bigint"))
        FROM articles a JOIN users u ON u.id = a.author_id WHERE a.slug = $1
        """

    /// Inserts the article, its tags and their links, and returns the new article.
    /// $1 preferred slug, $2 fallback slug (used when $1 is taken), $3 author id, $4 title,
    /// $5 description, $6 body, $7 tags (text[], normalized, in order).
    ///
    /// `tag_list` starts as $7, which is what migration 4's trigger computes from the links at the
    /// end of the statement, so the trigger finds it current and writes no second row version.
    ///
    /// Tags are upserted in name order so two inserts sharing tags lock them in the same order;
    /// `DO UPDATE` (not `DO NOTHING`) makes `RETURNING` yield tags committed by others after
    /// this statement's snapshot was taken.
    static let create = """
        WITH a AS (
            INSERT INTO articles (slug, author_id, title, description, body, tag_list)
            VALUES (CASE WHEN EXISTS (SELECT 1 FROM articles x WHERE x.slug = $1) THEN $2 ELSE $1 END,
                    $3::bigint, $4, $5, $6, $7::text[])
            RETURNING id, slug, author_id, title, description, body, favorites_count, created_at, updated_at
        ),
        tag_input AS (SELECT x.name, x.ord FROM unnest($7::text[]) WITH ORDINALITY AS x(name, ord)),
        tag_rows AS (
            INSERT INTO tags (name) SELECT name FROM tag_input ORDER BY name
            ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
            RETURNING id, name
        ),
        links AS (
            INSERT INTO article_tags (article_id, tag_id, position)
            SELECT a.id, tr.id, ti.ord::smallint FROM a, tag_input ti JOIN tag_rows tr ON tr.name = ti.name
        )
        SELECT \(columns(viewer: "$3::bigint", tags: "$7::text[]", favorited: "false"))
        FROM a JOIN users u ON u.id = a.author_id
        """

    /// What an update needs to decide 404/403 and the new slug. $1 slug.
    static let updateTarget = "SELECT id, author_id, title FROM articles WHERE slug = $1"

    /// Applies an update and returns the article. $1 article id, $2 new preferred slug or NULL to
    /// keep the slug, $3 fallback slug, $4 title, $5 description, $6 body (NULL keeps each),
    /// $7 tags, $8 whether to replace the tags with $7, $9 viewer (the author).
    ///
    /// Replacing tags deletes the links not in the new list and upserts the others with their
    /// new positions, so the two touch disjoint rows. The returned tags are $7 when replaced,
    /// else the stored ones (the statement's snapshot still shows them).
    static let update = """
        WITH a AS (
            UPDATE articles x SET
                slug = CASE
                    WHEN $2::text IS NULL THEN x.slug
                    WHEN EXISTS (SELECT 1 FROM articles o WHERE o.slug = $2 AND o.id <> x.id) THEN $3
                    ELSE $2 END,
                title = COALESCE($4, x.title),
                description = COALESCE($5, x.description),
                body = COALESCE($6, x.body),
                updated_at = now()
            WHERE x.id = $1::bigint AND x.author_id = $9::bigint
            RETURNING x.id, x.slug, x.author_id, x.title, x.description, x.body, x.favorites_count,
                x.created_at, x.updated_at, x.tag_list
        ),
        tag_input AS (
            SELECT x.name, x.ord FROM unnest($7::text[]) WITH ORDINALITY AS x(name, ord)
            WHERE $8::boolean AND EXISTS (SELECT 1 FROM a)
        ),
        tag_rows AS (
            INSERT INTO tags (name) SELECT name FROM tag_input ORDER BY name
            ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
            RETURNING id, name
        ),
        unlinked AS (
            DELETE FROM article_tags d
            WHERE $8::boolean AND d.article_id IN (SELECT id FROM a) AND d.tag_id NOT IN (SELECT id FROM tag_rows)
        ),
        links AS (
            INSERT INTO article_tags (article_id, tag_id, position)
            SELECT a.id, tr.id, ti.ord::smallint FROM a, tag_input ti JOIN tag_rows tr ON tr.name = ti.name
            ON CONFLICT (article_id, tag_id) DO UPDATE SET position = EXCLUDED.position
        )
        SELECT \(columns(viewer: "$9::bigint", tags: "CASE WHEN $8::boolean THEN $7::text[] ELSE \(storedTags) END"))
        FROM a JOIN users u ON u.id = a.author_id
        """

    /// Deletes the article if $2 wrote it. No row: unknown slug; `false`: someone else's.
    ///
    /// The caller's `users` row is locked before the article row (the delete needs a row of
    /// `caller`), the order migration 5's triggers lock them in when that user's profile changes,
    /// so the two cannot deadlock.
    static let delete = """
        WITH caller AS (SELECT u.id FROM users u WHERE u.id = $2::bigint FOR NO KEY UPDATE),
        target AS (SELECT id, author_id FROM articles WHERE slug = $1),
        gone AS (DELETE FROM articles x USING target t, caller c WHERE x.id = t.id AND t.author_id = c.id)
        SELECT t.author_id = $2::bigint FROM target t
        """

    /// The favorites count after a `counted` CTE that may or may not have bumped it (the
    /// statement's snapshot does not show its own update).
    static let countedFavorites = "COALESCE((SELECT favorites_count FROM counted), a.favorites_count)"

    /// Favorites article $1 for user $2. The insert and the counter bump are one statement: a
    /// second favorite by the same user inserts nothing and bumps nothing, and the row lock
    /// `UPDATE` takes on the article serializes concurrent bumps (PostgreSQL re-reads the
    /// latest count before adding), so the count stays exact. No row: unknown slug.
    static let favorite = """
        WITH target AS (SELECT id FROM articles WHERE slug = $1),
        added AS (
            INSERT INTO favorites (user_id, article_id) SELECT $2::bigint, id FROM target
            ON CONFLICT DO NOTHING RETURNING article_id
        ),
        counted AS (
            UPDATE articles SET favorites_count = favorites_count + 1
            WHERE id IN (SELECT article_id FROM added) RETURNING favorites_count
        )
        SELECT \(columns(viewer: "$2::bigint", favorited: "true", favoritesCount: countedFavorites))
        FROM target JOIN articles a ON a.id = target.id JOIN users u ON u.id = a.author_id
        """

    /// The inverse of `favorite`, with the same guarantees.
    static let unfavorite = """
        WITH target AS (SELECT id FROM articles WHERE slug = $1),
        removed AS (
            DELETE FROM favorites WHERE user_id = $2::bigint AND article_id IN (SELECT id FROM target)
            RETURNING article_id
        ),
        counted AS (
            UPDATE articles SET favorites_count = favorites_count - 1
            WHERE id IN (SELECT article_id FROM removed) RETURNING favorites_count
        )
        SELECT \(columns(viewer: "$2::bigint", favorited: "false", favoritesCount: countedFavorites))
        FROM target JOIN articles a ON a.id = target.id JOIN users u ON u.id = a.author_id
        """
}
