/// `GET /api/tags`: every tag in use, sorted. A tag is in use when its maintained article count
/// (`tags.article_count` plus its pending `tag_count_deltas`) is above zero.
enum TagsController {
    static func register(in router: inout Router<RouteHandler>) {
        router.add("GET", "/api/tags", listTags)
    }

    static func listTags(_ context: RequestContext) throws -> HTTPResponse {
        let rows = try context.services.database.query(
            """
            SELECT t.name FROM tags t
            LEFT JOIN (SELECT d.tag_id, sum(d.delta) AS delta FROM tag_count_deltas d GROUP BY d.tag_id) d
                ON d.tag_id = t.id
            WHERE t.article_count + COALESCE(d.delta, 0) > 0
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
