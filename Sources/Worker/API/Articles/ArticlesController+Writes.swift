import Logging

/// Create, update and delete.
extension ArticlesController {
    /// A new slug lost a race to a concurrent insert this many times in a row: give up (500).
    static let slugAttempts = 4

    /// `POST /api/articles` (auth) → 201.
    static func create(_ context: RequestContext) throws -> HTTPResponse {
        let user = try context.requireUser()
        let draft = try ArticleValidator.validate(try context.decodeBody(NewArticleRequest.self).article)
        for attempt in 1...self.slugAttempts {
            let slugs = SlugGenerator.candidates(for: draft.title)
            let parameters: [String?] = [
                slugs.preferred, slugs.fallback, user.id.postgresText, draft.title, draft.description, draft.body,
                draft.tags.postgresText,
            ]
            do {
                let rows = try context.services.database.query(ArticleSQL.create, parameters)
                guard let row = rows.row(at: 0) else {
                    throw DatabaseError(kind: .other, message: "article insert returned no row")
                }
                return .json(status: 201, bytes: ArticleJSON.single(try ArticleRecord(row: row)))
            } catch let error as DatabaseError where self.isSlugCollision(error) && attempt < self.slugAttempts {
                context.logger.debug("slug collision, retrying", metadata: ["attempt": "\(attempt)"])
            }
        }
        throw DatabaseError(kind: .other, message: "no free slug after \(self.slugAttempts) attempts")
    }

    /// `PUT /api/articles/:slug` (author only). A new title gives a new slug; `tagList`
    /// omitted keeps the tags, `[]` clears them, `null` is a 422.
    static func update(_ context: RequestContext) throws -> HTTPResponse {
        let user = try context.requireUser()
        let slug = try self.slug(context)
        let changes = try ArticleValidator.validate(try context.decodeBody(UpdateArticleRequest.self).article)
        let database = context.services.database
        guard let target = try database.query(ArticleSQL.updateTarget, [slug]).row(at: 0) else {
            throw APIError.notFound("article")
        }
        let articleID = try target.string(0)
        guard try target.string(1) == String(user.id) else {
            throw APIError.forbidden("article")
        }
        // Only a title that slugs differently moves the slug: a case or punctuation edit keeps links working.
        var slugs: SlugGenerator.Candidates?
        if let title = changes.title, SlugGenerator.slug(for: title) != SlugGenerator.slug(for: try target.string(2)) {
            slugs = SlugGenerator.candidates(for: title)
        }
        for attempt in 1...self.slugAttempts {
            let parameters: [String?] = [
                articleID, slugs?.preferred, slugs?.fallback, changes.title, changes.description, changes.body,
                (changes.tags ?? []).postgresText, (changes.tags != nil).postgresText, user.id.postgresText,
            ]
            do {
                // No row: deleted (or handed over) since the lookup.
                guard let row = try database.query(ArticleSQL.update, parameters).row(at: 0) else {
                    throw APIError.notFound("article")
                }
                return .json(bytes: ArticleJSON.single(try ArticleRecord(row: row)))
            } catch let error as DatabaseError where self.isSlugCollision(error) && attempt < self.slugAttempts {
                slugs = changes.title.map { SlugGenerator.candidates(for: $0) }
            }
        }
        throw DatabaseError(kind: .other, message: "no free slug after \(self.slugAttempts) attempts")
    }

    /// `DELETE /api/articles/:slug` (author only) → 204. Comments, tags links and favorites go with it.
    static func delete(_ context: RequestContext) throws -> HTTPResponse {
        let user = try context.requireUser()
        let slug = try self.slug(context)
        let rows = try context.services.database.query(ArticleSQL.delete, [slug, user.id.postgresText])
        guard let row = rows.row(at: 0) else {
            throw APIError.notFound("article")
        }
        guard try row.bool(0) else {
            throw APIError.forbidden("article")
        }
        return .noContent()
    }

    static func isSlugCollision(_ error: DatabaseError) -> Bool {
        error.kind == .uniqueViolation && error.constraint == "articles_slug_key"
    }
}
