/// Renders `{"articles":[...],"articlesCount":N}` straight from the binary result of an
/// `ArticleListQuery`, with no `String`, `Date` or array per field in between: text columns
/// are copied from libpq's buffer into the JSON (escaped only when they need it), timestamps
/// are formatted from their integer form, tags are read from the binary array in place.
///
/// The output is what `ArticleRecord` + `ArticleJSON.list` gave for the same text rows (the
/// end-to-end tests read lists and single articles alike), except that a timestamp's
/// milliseconds are now exact where a `Date` far from 1970 could round them off by one.
enum ArticleListJSON {
    /// The statement's columns: the total, the `ArticleRecord` layout, the `ViewerCheck`.
    private enum Column {
        static let total = 0
        static let slug = 1
        static let title = 2
        static let description = 3
        // 4 is the body, NULL in lists.
        static let createdAt = 5
        static let updatedAt = 6
        static let favoritesCount = 7
        static let favorited = 8
        static let tags = 9
        static let username = 10
        static let bio = 11
        static let image = 12
        static let following = 13
        static let viewerCheck = 14
        static let count = 15
    }

    /// The expected type of each column, so a schema change fails the request instead of
    /// being misread: integers may be any width, text may be `varchar`.
    private static let expectedTypes: [Set<UInt32>] = {
        typealias OID = PostgresBinary.TypeOID
        let integer: Set = [OID.int2, OID.int4, OID.int8]
        let text: Set = [OID.text, OID.varchar]
        return [
            integer, text, text, text, text, [OID.timestamptz], [OID.timestamptz], integer, [OID.bool],
            [OID.textArray, OID.varcharArray], text, text, text, [OID.bool], [OID.bool],
        ]
    }()

    /// The response body; throws `APIError.invalidToken` when the `ViewerCheck` says the
    /// viewer's user is gone, and a `DatabaseError` when the result does not have the
    /// expected shape.
    static func render(_ result: PostgresResult) throws -> [UInt8] {
        try self.checkShape(result)
        var json = JSONWriter(capacity: 64 + 560 * result.rowCount)
        json.beginObject()
        json.key("articles")
        json.beginArray()
        var total: Int64 = 0
        for row in 0..<result.rowCount {
            var reader = PostgresBinaryRow(result: result, row: row)
            guard try reader.bool(Column.viewerCheck) else {
                throw APIError.invalidToken
            }
            total = try reader.integer(Column.total)
            // The single row of an empty page has NULL article columns.
            if reader.isNull(Column.slug) {
                continue
            }
            try self.writeArticle(&reader, to: &json)
        }
        json.endArray()
        json.key("articlesCount")
        json.int(Int(clamping: total))
        json.endObject()
        return json.bytes
    }

    /// One list item, in `ArticleJSON.write`'s key order, without `body`.
    private static func writeArticle(_ reader: inout PostgresBinaryRow, to json: inout JSONWriter) throws {
        json.beginObject()
        json.key(ArticleJSONKey.slug)
        try reader.string(Column.slug, to: &json)
        json.key(ArticleJSONKey.title)
        try reader.string(Column.title, to: &json)
        json.key(ArticleJSONKey.description)
        try reader.string(Column.description, to: &json)
        json.key(ArticleJSONKey.tagList)
        try reader.stringArray(Column.tags, to: &json)
        json.key(ArticleJSONKey.createdAt)
        try reader.timestamp(Column.createdAt, to: &json)
        json.key(ArticleJSONKey.updatedAt)
        try reader.timestamp(Column.updatedAt, to: &json)
        json.key(ArticleJSONKey.favorited)
        json.bool(try reader.bool(Column.favorited))
        json.key(ArticleJSONKey.favoritesCount)
        json.int(Int(clamping: try reader.integer(Column.favoritesCount)))
        json.key(ArticleJSONKey.author)
        json.beginObject()
        json.key(ArticleJSONKey.username)
        try reader.string(Column.username, to: &json)
        json.key(ArticleJSONKey.bio)
        try reader.optionalString(Column.bio, to: &json)
        json.key(ArticleJSONKey.image)
        try reader.optionalString(Column.image, to: &json)
        json.key(ArticleJSONKey.following)
        json.bool(try reader.bool(Column.following))
        json.endObject()
        json.endObject()
    }

    private static func checkShape(_ result: PostgresResult) throws {
        guard result.columnCount == Column.count else {
            throw DatabaseError(
                kind: .other,
                message: "article list: \(result.columnCount) columns, expected \(Column.count)"
            )
        }
        for (column, types) in self.expectedTypes.enumerated() {
            guard result.isBinary(column), types.contains(result.columnType(column)) else {
                throw DatabaseError(
                    kind: .other,
                    message: "article list: column \(column) has type \(result.columnType(column))"
                )
            }
        }
    }
}
