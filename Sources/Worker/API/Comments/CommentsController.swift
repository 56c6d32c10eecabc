/// `GET`/`POST /api/articles/:slug/comments` and `DELETE /api/articles/:slug/comments/:id`.
/// One round trip each; the writes add one for `requireUser()`.
enum CommentsController {
    /// Comment bodies are at most 16 KiB of UTF-8: plenty for a comment, and it bounds the
    /// size of a comment list response.
    static let maxBodyBytes = 16 * 1024

    static func register(in router: inout Router<RouteHandler>) {
        router.add("GET", "/api/articles/:slug/comments", list)
        router.add("POST", "/api/articles/:slug/comments", create)
        router.add("DELETE", "/api/articles/:slug/comments/:id", delete)
    }

    static func list(_ context: RequestContext) throws -> HTTPResponse {
        let slug = try ArticlesController.slug(context)
        let viewer = try context.optionalToken()
        let rows = try context.services.database.query(CommentSQL.list, [slug, viewer?.id.postgresText])
        guard let first = rows.row(at: 0) else {
            throw APIError.notFound("article")
        }
        try ViewerCheck.verify(first, column: 1 + CommentRecord.columnCount)
        var comments: [CommentRecord] = []
        comments.reserveCapacity(rows.count)
        // An article without comments gives one row whose comment columns are NULL.
        for row in rows where try row.optionalString(1) != nil {
            comments.append(try CommentRecord(row: row, at: 1))
        }
        return .json(bytes: CommentJSON.list(comments))
    }

    static func create(_ context: RequestContext) throws -> HTTPResponse {
        let user = try context.requireUser()
        let slug = try ArticlesController.slug(context)
        let body = try self.validate(try context.decodeBody(NewCommentRequest.self).comment)
        let rows = try context.services.database.query(CommentSQL.create, [slug, user.id.postgresText, body])
        guard let row = rows.row(at: 0) else {
            throw APIError.notFound("article")
        }
        return .json(status: 201, bytes: CommentJSON.single(try CommentRecord(row: row)))
    }

    static func delete(_ context: RequestContext) throws -> HTTPResponse {
        let user = try context.requireUser()
        let slug = try ArticlesController.slug(context)
        // A non-integer id names no comment; the query still tells an unknown article apart.
        let commentID = context.parameters["id"].flatMap { Int64($0) }
        let rows = try context.services.database.query(
            CommentSQL.delete,
            [slug, commentID?.postgresText, user.id.postgresText]
        )
        guard let row = rows.row(at: 0) else {
            throw APIError.notFound("article")
        }
        guard let isAuthor = try row.optionalBool(0) else {
            throw APIError.notFound("comment")
        }
        guard isAuthor else {
            throw APIError.forbidden("comment")
        }
        return .noContent()
    }

    /// The comment body: required, not blank, at most `maxBodyBytes`; stored as sent.
    static func validate(_ fields: NewCommentRequest.Fields) throws -> String {
        var errors: [String: [String]] = [:]
        guard let body = TextRules.text(fields.body, field: "body", maxBytes: self.maxBodyBytes, errors: &errors) else {
            throw APIError.validation(errors)
        }
        return body
    }
}

/// `POST /api/articles/:slug/comments` body: `{"comment":{"body":"..."}}`.
struct NewCommentRequest: Decodable {
    var comment: Fields

    struct Fields: Decodable {
        var body: String?
    }
}
