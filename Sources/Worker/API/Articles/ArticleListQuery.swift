/// Builds the one statement behind `GET /api/articles` and `GET /api/articles/feed`.
///
/// The statement returns the page with everything a list item shows (author, following,
/// favorited, count, tags) plus the total number of matching articles in column 0. It always
/// returns at least one row, which also carries the `ViewerCheck` in its last column: the count comes from a one-row CTE that the page is left-joined to,
/// so an offset past the end still yields the total (with NULL article columns), which
/// `count(*) OVER ()` on the page alone could not. The filter appears twice so that the page
/// can walk `articles_newest_idx` with its `LIMIT` instead of sorting every match.
///
/// Each filter combination is its own SQL text, built from fixed fragments with parameters
/// numbered in order; each text is prepared once per worker and there are at most 8 + 1.
struct ArticleListQuery {
    /// What the list is filtered by; `nil` fields do not filter.
    struct Filter: Equatable {
        var tag: String?
        var author: String?
        var favoritedBy: String?
        /// The feed: only authors followed by the viewer.
        var followedByViewer = false
    }

    private(set) var sql: String
    private(set) var parameters: [String?]

    init(filter: Filter, page: PageParameters, viewerID: Int64?) {
        // $1 viewer, $2 limit, $3 offset; filters follow.
        var parameters: [String?] = [viewerID.postgresText, page.limit.postgresText, page.offset.postgresText]
        var conditions: [String] = []
        if filter.followedByViewer {
            conditions.append("a.author_id IN (SELECT f.followee_id FROM follows f WHERE f.follower_id = $1::bigint)")
        }
        if let tag = filter.tag {
            parameters.append(tag)
            conditions.append(
                "a.id IN (SELECT at.article_id FROM article_tags at WHERE at.tag_id = "
                    + "(SELECT t.id FROM tags t WHERE t.name = $\(parameters.count)))"
            )
        }
        if let author = filter.author {
            parameters.append(author)
            conditions.append(
                "a.author_id = (SELECT ua.id FROM users ua WHERE lower(ua.username) = lower($\(parameters.count)))"
            )
        }
        if let favoritedBy = filter.favoritedBy {
            parameters.append(favoritedBy)
            conditions.append(
                "a.id IN (SELECT fv.article_id FROM favorites fv WHERE fv.user_id = "
                    + "(SELECT uf.id FROM users uf WHERE lower(uf.username) = lower($\(parameters.count))))"
            )
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        self.parameters = parameters
        self.sql = """
            WITH total AS (SELECT count(*) AS n FROM articles a \(whereClause))
            SELECT total.n, \(ArticleSQL.columns(viewer: "$1::bigint", body: "NULL::text")),
                \(ViewerCheck.column(viewer: "$1::bigint"))
            FROM total
            LEFT JOIN LATERAL (
                SELECT a.id, a.slug, a.author_id, a.title, a.description, a.favorites_count, a.created_at, a.updated_at
                FROM articles a \(whereClause)
                ORDER BY a.created_at DESC, a.id DESC
                LIMIT $2::integer OFFSET $3::integer
            ) a ON true
            LEFT JOIN users u ON u.id = a.author_id
            ORDER BY a.created_at DESC, a.id DESC
            """
    }

    /// The page and the total from the statement's rows.
    static func decode(_ rows: PostgresRows) throws -> (articles: [ArticleRecord], totalCount: Int) {
        var articles: [ArticleRecord] = []
        articles.reserveCapacity(rows.count)
        var total = 0
        for row in rows {
            try ViewerCheck.verify(row, column: 1 + ArticleRecord.columnCount)
            total = try row.int(0)
            // The single row of an empty page has NULL article columns.
            if try row.optionalString(1) != nil {
                articles.append(try ArticleRecord(row: row, at: 1))
            }
        }
        return (articles, total)
    }
}
