/// `POST` and `DELETE /api/articles/:slug/favorite` (auth): idempotent, answer with the article.
extension ArticlesController {
    static func favorite(_ context: RequestContext) throws -> HTTPResponse {
        try self.setFavorite(context, sql: ArticleSQL.favorite)
    }

    static func unfavorite(_ context: RequestContext) throws -> HTTPResponse {
        try self.setFavorite(context, sql: ArticleSQL.unfavorite)
    }

    private static func setFavorite(_ context: RequestContext, sql: String) throws -> HTTPResponse {
        let user = try context.requireUser()
        let slug = try self.slug(context)
        let rows = try context.services.database.query(sql, [slug, user.id.postgresText])
        guard let row = rows.row(at: 0) else {
            throw APIError.notFound("article")
        }
        return .json(bytes: ArticleJSON.single(try ArticleRecord(row: row)))
    }
}
