/// The article routes: lists, feed, read, write, favorites.
///
/// Round trips per request, after each statement's first use in the worker (which adds one
/// `PREPARE`): reads 1, authentication included (`ViewerCheck`); writes 1 plus 1 for
/// `requireUser()`, except update (2 + 1: look up, then write and read back).
enum ArticlesController {
    static func register(in router: inout Router<RouteHandler>) {
        // `feed` before `:slug`: the router takes the first template that matches.
        router.add("GET", "/api/articles/feed", feed)
        router.add("GET", "/api/articles", list)
        router.add("POST", "/api/articles", create)
        router.add("GET", "/api/articles/:slug", get)
        router.add("PUT", "/api/articles/:slug", update)
        router.add("DELETE", "/api/articles/:slug", delete)
        router.add("POST", "/api/articles/:slug/favorite", favorite)
        router.add("DELETE", "/api/articles/:slug/favorite", unfavorite)
    }

    /// `GET /api/articles?tag=&author=&favorited=&limit=&offset=` (optional auth).
    static func list(_ context: RequestContext) throws -> HTTPResponse {
        let page = try PageParameters.parse(context.request.query)
        let viewer = try context.optionalToken()
        let query = context.request.query
        let filter = ArticleListQuery.Filter(
            tag: self.nonEmpty(query["tag"]),
            author: self.nonEmpty(query["author"]),
            favoritedBy: self.nonEmpty(query["favorited"])
        )
        return try self.respondWithList(filter: filter, page: page, viewerID: viewer?.id, context: context)
    }

    /// `GET /api/articles/feed?limit=&offset=` (auth): articles by the authors the viewer follows.
    static func feed(_ context: RequestContext) throws -> HTTPResponse {
        let viewer = try context.requireToken()
        let page = try PageParameters.parse(context.request.query)
        let filter = ArticleListQuery.Filter(followedByViewer: true)
        return try self.respondWithList(filter: filter, page: page, viewerID: viewer.id, context: context)
    }

    /// `GET /api/articles/:slug` (optional auth).
    static func get(_ context: RequestContext) throws -> HTTPResponse {
        let slug = try self.slug(context)
        let viewer = try context.optionalToken()
        let rows = try context.services.database.query(ArticleSQL.bySlug, [slug, viewer?.id.postgresText])
        guard let row = rows.row(at: 0) else {
            throw APIError.notFound("article")
        }
        try ViewerCheck.verify(row, column: ArticleRecord.columnCount)
        return .json(bytes: ArticleJSON.single(try ArticleRecord(row: row)))
    }

    private static func respondWithList(
        filter: ArticleListQuery.Filter,
        page: PageParameters,
        viewerID: Int64?,
        context: RequestContext
    ) throws -> HTTPResponse {
        // A NUL can be in no stored name, and the driver refuses it as a parameter.
        let values = [filter.tag, filter.author, filter.favoritedBy].compactMap { $0 }
        guard !values.contains(where: TextRules.containsNUL) else {
            return .json(bytes: ArticleJSON.list([], totalCount: 0))
        }
        let query = ArticleListQuery(filter: filter, page: page, viewerID: viewerID)
        let result = try context.services.database.binaryResult(query.sql, query.parameters)
        return .json(bytes: try ArticleListJSON.render(result))
    }

    /// The `:slug` parameter. One with a NUL cannot exist (and cannot be bound): 404 right away.
    static func slug(_ context: RequestContext) throws -> String {
        guard let slug = context.parameters["slug"], !slug.isEmpty, !TextRules.containsNUL(slug) else {
            throw APIError.notFound("article")
        }
        return slug
    }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else {
            return nil
        }
        return value
    }
}
