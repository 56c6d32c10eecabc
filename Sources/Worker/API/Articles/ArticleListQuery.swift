/// Builds the one statement behind `GET /api/articles` and `GET /api/articles/feed`.
///
/// The statement returns the page with everything a list item shows (author, following,
/// favorited, count, tags) plus the total number of matching articles in column 0. It always
/// returns at least one row, which also carries the `ViewerCheck` in its last column: the
/// count comes from a one-row CTE that the page is left-joined to, so an offset past the end
/// still yields the total (with NULL article columns), which `count(*) OVER ()` on the page
/// alone could not. `ArticleListJSON` renders the rows, fetched in binary format.
///
/// Every item is read from its article row alone: the tags and the author's username, bio and
/// image are copies kept there by migrations 4 and 5, so a page costs no `users` lookups.
///
/// The four lists of the read mix (no filter, `?tag=` alone, `?author=` alone, the feed) read
/// their total from the counters that migration 3 maintains (docs/data-model.md) and take
/// their page from one index range: `articles_newest_idx`, `article_tags_tag_newest_idx`,
/// `articles_author_newest_idx`, or that index once per followee. Every other combination
/// counts the matching articles and walks `articles_newest_idx` with the filter.
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
        // $1 viewer, $2 limit, $3 offset; then each filter that is present, in this order.
        var parameters: [String?] = [viewerID.postgresText, page.limit.postgresText, page.offset.postgresText]
        for value in [filter.tag, filter.author, filter.favoritedBy] where value != nil {
            parameters.append(value)
        }
        self.parameters = parameters
        self.sql = Self.texts[Shape(filter).index]
    }

    /// Which filters are present: all a statement's text depends on.
    private struct Shape {
        static let count = 16
        var followedByViewer: Bool
        var tag: Bool
        var author: Bool
        var favoritedBy: Bool

        init(_ filter: Filter) {
            self.followedByViewer = filter.followedByViewer
            self.tag = filter.tag != nil
            self.author = filter.author != nil
            self.favoritedBy = filter.favoritedBy != nil
        }

        init(index: Int) {
            self.followedByViewer = index & 8 != 0
            self.tag = index & 1 != 0
            self.author = index & 2 != 0
            self.favoritedBy = index & 4 != 0
        }

        var index: Int {
            (self.tag ? 1 : 0) | (self.author ? 2 : 0) | (self.favoritedBy ? 4 : 0) | (self.followedByViewer ? 8 : 0)
        }
    }

    /// The text of every shape, built once: a list request only picks its text.
    private static let texts: [String] = (0..<Shape.count).map { ArticleListQuery.text(for: Shape(index: $0)) }

    private static func text(for shape: Shape) -> String {
        // Placeholders are numbered in the order `init` appends the values, after $1–$3.
        var next = 3
        func placeholder(_ present: Bool) -> Placeholder? {
            guard present else { return nil }
            next += 1
            return Placeholder(number: next)
        }
        let selection = Selection(
            followedByViewer: shape.followedByViewer,
            tag: placeholder(shape.tag),
            author: placeholder(shape.author),
            favoritedBy: placeholder(shape.favoritedBy)
        )
        return """
            WITH total AS (\(selection.total))
            SELECT total.n,
                \(ArticleSQL.columns(viewer: "$1::bigint", body: "NULL::text", author: ArticleSQL.copiedAuthor)),
                \(ViewerCheck.column(viewer: "$1::bigint"))
            FROM total
            LEFT JOIN LATERAL (
                \(selection.page)
            ) a ON true
            ORDER BY a.created_at DESC, a.id DESC
            """
    }
}

/// A bound parameter's place in the SQL text (`$4`). Only `ArticleListQuery.text(for:)` makes
/// them, from a shape that says only which filters are present, so a filter value can never
/// reach the text.
private struct Placeholder: CustomStringConvertible {
    let number: Int
    var description: String { "$\(self.number)" }
}

/// Which articles a list shows, and the SQL for their total (`total`, one row, column `n`) and
/// for the page (`page`, the columns the outer `SELECT` reads from alias `a`). The filters are
/// parameter placeholders (`$4`), never values.
private enum Selection {
    /// No filter: the sharded total, the page from `articles_newest_idx` (`newestFromFirstKey`).
    case everything
    /// `?tag=` alone: the tag's maintained count, ids from `article_tags_tag_newest_idx`.
    case tag(Placeholder)
    /// `?author=` alone: the author's maintained count, the page from `articles_author_newest_idx`.
    case author(Placeholder)
    /// The feed alone: the followees' maintained counts; the newest `limit + offset` of each
    /// followee, merged.
    case feed
    /// Any other combination: counts the articles that meet every condition.
    case matching(conditions: [String])

    init(followedByViewer: Bool, tag: Placeholder?, author: Placeholder?, favoritedBy: Placeholder?) {
        switch (followedByViewer, tag, author, favoritedBy) {
        case (false, nil, nil, nil):
            self = .everything
        case (false, let tag?, nil, nil):
            self = .tag(tag)
        case (false, nil, let author?, nil):
            self = .author(author)
        case (true, nil, nil, nil):
            self = .feed
        default:
            let conditions = [
                followedByViewer ? Self.byFollowedAuthor : nil,
                tag.map(Self.hasTag),
                author.map(Self.writtenBy),
                favoritedBy.map(Self.favorited(by:)),
            ]
            self = .matching(conditions: conditions.compactMap { $0 })
        }
    }

    var total: String {
        switch self {
        case .everything:
            return "SELECT sum(s.n)::bigint AS n FROM articles_count_shards s"
        case .tag(let tag):
            return "SELECT COALESCE((SELECT t.article_count + COALESCE((SELECT sum(d.delta) FROM tag_count_deltas d "
                + "WHERE d.tag_id = t.id), 0) FROM tags t WHERE t.name = \(tag)), 0)::bigint AS n"
        case .author(let author):
            return "SELECT COALESCE((SELECT ua.article_count FROM users ua "
                + "WHERE lower(ua.username) = lower(\(author))), 0) AS n"
        case .feed:
            return "SELECT COALESCE(sum(fu.article_count), 0)::bigint AS n FROM follows f "
                + "JOIN users fu ON fu.id = f.followee_id WHERE f.follower_id = $1::bigint"
        case .matching(let conditions):
            return "SELECT count(*) AS n FROM articles a \(Self.whereClause(conditions))"
        }
    }

    var page: String {
        switch self {
        case .everything:
            return Self.newestFromFirstKey
        case .tag(let tag):
            return Self.articles(
                idsInPageOrder: """
                    SELECT at.article_id FROM article_tags at
                    WHERE at.tag_id = (SELECT t.id FROM tags t WHERE t.name = \(tag))
                    ORDER BY at.article_created_at DESC, at.article_id DESC
                    \(Self.cachedPlanLimit)
                    """
            )
        case .author(let author):
            return Self.newestMatching(Self.whereClause([Self.writtenBy(author)]))
        case .feed:
            return Self.newestOfFollowees
        case .matching(let conditions):
            return Self.newestMatching(Self.whereClause(conditions))
        }
    }

    static let pageColumns =
        "a.id, a.slug, a.author_id, a.title, a.description, a.favorites_count, a.created_at, a.updated_at, "
        + "a.tag_list, \(ArticleSQL.copiedAuthor)"

    static let limit = "LIMIT $2::integer OFFSET $3::integer"

    /// `limit` behind sub-selects: the planner estimates them the same way in custom and generic
    /// plans, so the plan cache keeps the generic plan and the statement is not planned anew
    /// on every call.
    static let cachedPlanLimit = "LIMIT (SELECT $2::integer) OFFSET (SELECT $3::integer)"

    static let byFollowedAuthor =
        "a.author_id IN (SELECT f.followee_id FROM follows f WHERE f.follower_id = $1::bigint)"

    static func hasTag(_ tag: Placeholder) -> String {
        "a.id IN (SELECT at.article_id FROM article_tags at WHERE at.tag_id = "
            + "(SELECT t.id FROM tags t WHERE t.name = \(tag)))"
    }

    static func writtenBy(_ author: Placeholder) -> String {
        "a.author_id = (SELECT ua.id FROM users ua WHERE lower(ua.username) = lower(\(author)))"
    }

    static func favorited(by username: Placeholder) -> String {
        "a.id IN (SELECT fv.article_id FROM favorites fv WHERE fv.user_id = "
            + "(SELECT uf.id FROM users uf WHERE lower(uf.username) = lower(\(username))))"
    }

    static func whereClause(_ conditions: [String]) -> String {
        conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    }

    /// The page's articles, fetched by primary key from the ids of the page (the outer
    /// `ORDER BY` sorts them). The planner estimates `unnest` of a computed array at a fixed
    /// size whatever the statistics say, which keeps the cached generic plan.
    static func articles(idsInPageOrder: String) -> String {
        """
        SELECT \(pageColumns)
            FROM unnest(ARRAY(
                \(idsInPageOrder)
            )) AS p(id)
            JOIN articles a ON a.id = p.id
        """
    }

    /// Walks the index that matches the conditions (or `articles_newest_idx`) newest first and
    /// stops after the page.
    static func newestMatching(_ whereClause: String) -> String {
        """
        SELECT \(pageColumns)
            FROM articles a \(whereClause)
            ORDER BY a.created_at DESC, a.id DESC
            \(limit)
        """
    }

    /// The unfiltered page in two steps: the key of its first article comes from
    /// `articles_newest_idx` alone (an index-only scan, so skipping `offset` entries reads no
    /// article row), then the index is walked from that key and only the page's rows are read.
    /// The row comparison follows the index's column order, so it is the walk's index condition;
    /// past the end the key is NULL and the page empty.
    static let newestFromFirstKey = """
        SELECT \(pageColumns)
            FROM articles a
            WHERE (a.created_at, a.id) <= (
                SELECT x.created_at, x.id FROM articles x
                ORDER BY x.created_at DESC, x.id DESC
                OFFSET (SELECT $3::integer) LIMIT 1
            )
            ORDER BY a.created_at DESC, a.id DESC
            LIMIT (SELECT $2::integer)
        """

    /// The newest `limit + offset` of the followees' articles are among the newest
    /// `limit + offset` of each followee (`follows` has one row per followee, every article one
    /// author), so each followee contributes a short range of `articles_author_newest_idx`.
    static let newestOfFollowees = """
        SELECT \(pageColumns)
            FROM (
                SELECT x.id FROM follows f
                CROSS JOIN LATERAL (
                    SELECT x.id, x.created_at FROM articles x WHERE x.author_id = f.followee_id
                    ORDER BY x.created_at DESC, x.id DESC
                    LIMIT $2::integer + $3::integer
                ) x
                WHERE f.follower_id = $1::bigint
                ORDER BY x.created_at DESC, x.id DESC
                \(limit)
            ) p
            JOIN articles a ON a.id = p.id
        """
}
