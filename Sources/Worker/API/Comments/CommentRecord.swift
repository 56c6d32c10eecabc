import FoundationEssentials

/// One comment as the viewer sees it, decoded from the column layout of `CommentSQL`.
struct CommentRecord: Equatable {
    var id: Int64
    var createdAt: Date
    var updatedAt: Date
    var body: String
    var author: AuthorProfile

    /// Number of columns `init(row:at:)` reads.
    static let columnCount = 8

    /// Decodes `id, created_at, updated_at, body, username, bio, image, following` from `first` on.
    init(row: PostgresRow, at first: Int = 0) throws {
        let idText = try row.string(first)
        guard let id = Int64(idText) else {
            throw DatabaseError(kind: .other, message: "column \(first): not a valid bigint")
        }
        self.id = id
        self.createdAt = try row.date(first + 1)
        self.updatedAt = try row.date(first + 2)
        self.body = try row.string(first + 3)
        self.author = AuthorProfile(
            username: try row.string(first + 4),
            bio: try row.optionalString(first + 5),
            image: try row.optionalString(first + 6),
            following: try row.bool(first + 7)
        )
    }

    init(id: Int64, createdAt: Date, updatedAt: Date, body: String, author: AuthorProfile) {
        self.id = id
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.body = body
        self.author = author
    }
}

/// Renders comments in the RealWorld shapes.
enum CommentJSON {
    /// `{"comment":{...}}`.
    static func single(_ comment: CommentRecord) -> [UInt8] {
        var json = JSONWriter(capacity: 256 + comment.body.utf8.count)
        json.beginObject()
        json.key("comment")
        self.write(comment, to: &json)
        json.endObject()
        return json.bytes
    }

    /// `{"comments":[...]}`.
    static func list(_ comments: [CommentRecord]) -> [UInt8] {
        var json = JSONWriter(capacity: 32 + comments.reduce(0) { $0 + 256 + $1.body.utf8.count })
        json.beginObject()
        json.key("comments")
        json.beginArray()
        for comment in comments {
            self.write(comment, to: &json)
        }
        json.endArray()
        json.endObject()
        return json.bytes
    }

    static func write(_ comment: CommentRecord, to json: inout JSONWriter) {
        json.beginObject()
        json.key("id")
        // Ids are bigint; `Int` is 64 bits on every platform we build for.
        json.int(Int(truncatingIfNeeded: comment.id))
        json.key("createdAt")
        json.string(PostgresTimestamp.format(comment.createdAt))
        json.key("updatedAt")
        json.string(PostgresTimestamp.format(comment.updatedAt))
        json.key("body")
        json.string(comment.body)
        json.key("author")
        comment.author.write(to: &json)
        json.endObject()
    }
}
