/// `GET /api/tags`: every tag in use, sorted.
enum TagsController {
    static func register(in router: inout Router<RouteHandler>) {
        router.add("GET", "/api/tags", listTags)
    }

    static func listTags(_ context: RequestContext) throws -> HTTPResponse {
        let rows = try context.services.database.query(
            """
            SELECT t.name FROM tags t
            WHERE EXISTS (SELECT 1 FROM article_tags at WHERE at.tag_id = t.id)
            ORDER BY t.name COLLATE "C"
            """
        )
        var json = JSONWriter()
        json.beginObject()
        json.key("tags")
        json.beginArray()
        for row in rows {
            json.string(try row.string(0))
        }
        json.endArray()
        json.endObject()
        return .json(bytes: json.bytes)
    }
}
