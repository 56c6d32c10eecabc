import NIOCore
import Protocol

/// The six TechEmpower Framework Benchmarks test types, served only with `--bench-routes`
/// (`ROOKERY_BENCH_ROUTES=1`), so Rookery can be measured with the anchors' compare kit.
///
/// `/queries` and `/updates` run one SELECT per row, as TFB requires, but pipelined: N
/// queries cost one round trip. `/updates` writes all rows back with one batched UPDATE in
/// the same pipeline. The rules allow both.
final class BenchController {
    private var date = HTTPDate()

    static let serverName = "rookery"

    static func register(in router: inout Router<RouteHandler>) {
        let controller = BenchController()
        router.add("GET", "/plaintext", controller.plaintext)
        router.add("GET", "/json", controller.json)
        router.add("GET", "/db", controller.db)
        router.add("GET", "/queries", controller.queries)
        router.add("GET", "/fortunes", controller.fortunes)
        router.add("GET", "/updates", controller.updates)
    }

    func plaintext(_ context: RequestContext) throws -> HTTPResponse {
        self.response(contentType: "text/plain", body: ByteBuffer(string: "Hello, World!"))
    }

    func json(_ context: RequestContext) throws -> HTTPResponse {
        var json = JSONWriter(capacity: 32)
        json.beginObject()
        json.key("message")
        json.string("Hello, World!")
        json.endObject()
        return self.json(json)
    }

    func db(_ context: RequestContext) throws -> HTTPResponse {
        let rows = try context.services.database.query(World.selectSQL, [String(World.randomID())])
        var json = JSONWriter(capacity: 48)
        try World(from: rows).write(to: &json)
        return self.json(json)
    }

    func queries(_ context: RequestContext) throws -> HTTPResponse {
        let count = QueryCount.parse(context.request.query["queries"])
        let statements = (0..<count).map { _ in PipelineStatement(World.selectSQL, [String(World.randomID())]) }
        let results = try context.services.database.pipeline(statements)
        var json = JSONWriter(capacity: 8 + count * 36)
        json.beginArray()
        for rows in results {
            try World(from: rows).write(to: &json)
        }
        json.endArray()
        return self.json(json)
    }

    func fortunes(_ context: RequestContext) throws -> HTTPResponse {
        let rows = try context.services.database.query("SELECT id, message FROM fortune")
        let stored = try rows.map { Fortune(id: try $0.int(0), message: try $0.string(1)) }
        let page = FortunesPage.render(FortunesPage.arrange(stored))
        return self.response(contentType: FortunesPage.contentType, body: ByteBuffer(bytes: page))
    }

    func updates(_ context: RequestContext) throws -> HTTPResponse {
        let count = QueryCount.parse(context.request.query["queries"])
        let worlds: [World]
        do {
            worlds = try self.readAndUpdate(count, database: context.services.database)
        } catch let error as DatabaseError where error.kind == .serializationFailure {
            // Sorted ids make deadlocks unlikely, not impossible (the planner picks the lock order).
            worlds = try self.readAndUpdate(count, database: context.services.database)
        }
        var json = JSONWriter(capacity: 8 + count * 36)
        json.beginArray()
        for world in worlds {
            world.write(to: &json)
        }
        json.endArray()
        return self.json(json)
    }

    /// Reads `count` distinct random rows and writes each a new random number, all in one
    /// pipeline (one round trip, one implicit transaction). The new numbers do not depend on
    /// the old ones, so the UPDATE can travel with the SELECTs; a row the SELECTs did not find
    /// fails the request before anything is answered.
    private func readAndUpdate(_ count: Int, database: DatabaseSession) throws -> [World] {
        let ids = World.distinctRandomIDs(count).sorted()
        let numbers = ids.map { _ in Int.random(in: World.idRange) }
        var statements = ids.map { PipelineStatement(World.selectSQL, [String($0)]) }
        statements.append(
            PipelineStatement(World.updateSQL, [World.arrayLiteral(ids), World.arrayLiteral(numbers)])
        )
        let results = try database.pipeline(statements)
        var worlds: [World] = []
        worlds.reserveCapacity(count)
        for (rows, number) in zip(results, numbers) {
            var world = try World(from: rows)
            world.randomNumber = number
            worlds.append(world)
        }
        return worlds
    }

    private func json(_ json: JSONWriter) -> HTTPResponse {
        self.response(contentType: "application/json", body: ByteBuffer(bytes: json.bytes))
    }

    private func response(contentType: String, body: ByteBuffer) -> HTTPResponse {
        HTTPResponse(
            status: 200,
            headers: [
                HeaderField(name: "Content-Type", value: contentType),
                HeaderField(name: "Server", value: Self.serverName),
                HeaderField(name: "Date", value: self.date.now()),
            ],
            body: body
        )
    }
}
