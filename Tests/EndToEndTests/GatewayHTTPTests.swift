import Foundation
import XCTest

/// The HTTP side of the gateway against real workers: routing, request ids, HTTP/1.1
/// features and malformed input.
final class GatewayHTTPTests: SharedGatewayTestCase {
    override class func makeGateway() throws -> TestGateway {
        try TestGateway(workers: 2, arguments: ["--max-body-size", "4096"])
    }

    func testTagsAnswersFromTheDatabase() throws {
        let gateway = try self.gateway()
        let response = try gateway.request("GET", "/api/tags")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("content-type"), "application/json; charset=utf-8")
        XCTAssertEqual(response.json?["tags"] as? [String], [])

        try gateway.psql(
            """
            INSERT INTO users (username, email, password_hash) VALUES ('tagger', 'tagger@example.com', 'x');
            INSERT INTO articles (slug, author_id, title, description, body)
                SELECT 'tagged', id, 'Tagged', 'd', 'b' FROM users WHERE username = 'tagger';
            INSERT INTO tags (name) VALUES ('zebra'), ('apple'), ('unused');
            INSERT INTO article_tags (article_id, tag_id, position)
                SELECT a.id, t.id, 0 FROM articles a, tags t WHERE a.slug = 'tagged' AND t.name IN ('zebra', 'apple');
            """
        )
        defer { _ = try? gateway.psql("DELETE FROM users WHERE username = 'tagger'; DELETE FROM tags;") }
        let tagged = try gateway.request("GET", "/api/tags")
        XCTAssertEqual(tagged.json?["tags"] as? [String], ["apple", "zebra"], "only tags in use, sorted")
    }

    func testRequestIDIsKeptWhenSaneAndGeneratedOtherwise() throws {
        let gateway = try self.gateway()
        let kept = try gateway.request("GET", "/api/tags", headers: [("X-Request-Id", "client-id.42")])
        XCTAssertEqual(kept.header("x-request-id"), "client-id.42")

        let replaced = try gateway.request("GET", "/api/tags", headers: [("X-Request-Id", "bad id with spaces")])
        let generated = try XCTUnwrap(replaced.header("x-request-id"))
        XCTAssertNotEqual(generated, "bad id with spaces")
        XCTAssertEqual(generated.count, 32)

        let fresh = try gateway.request("GET", "/api/tags")
        XCTAssertNotNil(fresh.header("x-request-id"))
        XCTAssertNotEqual(fresh.header("x-request-id"), generated)
    }

    func testUnknownRouteIs404AndWrongMethodIs405() throws {
        let gateway = try self.gateway()
        let missing = try gateway.request("GET", "/api/nothing-here")
        XCTAssertEqual(missing.status, 404)
        XCTAssertNotNil(missing.json?["errors"])

        let wrongMethod = try gateway.request("DELETE", "/api/tags")
        XCTAssertEqual(wrongMethod.status, 405)
        XCTAssertTrue(wrongMethod.header("allow")?.contains("GET") ?? false)
    }

    func testHeadHasHeadersButNoBody() throws {
        let gateway = try self.gateway()
        let connection = try RawHTTPConnection(port: gateway.port)
        let head = try connection.request("HEAD", "/api/tags")
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.header("content-length"), "11")
        // The connection stays usable: no stray body bytes were sent.
        let get = try connection.request("GET", "/api/tags")
        XCTAssertEqual(get.text, #"{"tags":[]}"#)
    }

    func testPipelinedRequestsAreAnsweredInOrder() throws {
        let gateway = try self.gateway()
        let connection = try RawHTTPConnection(port: gateway.port)
        let batch = (1...5).map {
            RawHTTPConnection.format("GET", "/api/tags", headers: [("X-Request-Id", "pipe-\($0)")])
        }
        try connection.send(batch.joined())
        for index in 1...5 {
            let response = try connection.readResponse()
            XCTAssertEqual(response.status, 200)
            XCTAssertEqual(response.header("x-request-id"), "pipe-\(index)")
        }
    }

    func testChunkedBodyIsForwardedAndOversizedBodiesAre413() throws {
        let gateway = try self.gateway()
        let connection = try RawHTTPConnection(port: gateway.port)
        try connection.send(
            "POST /api/tags HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nX-Request-Id: chunky\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
        )
        let forwarded = try connection.readResponse()
        XCTAssertEqual(forwarded.status, 405, "the worker answered")
        XCTAssertEqual(forwarded.header("x-request-id"), "chunky")

        let big = String(repeating: "a", count: 3000)
        let tooBig = try RawHTTPConnection(port: gateway.port)
        try tooBig.send(
            "POST /api/tags HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nbb8\r\n\(big)\r\nbb8\r\n\(big)\r\n0\r\n\r\n"
        )
        XCTAssertEqual(try tooBig.readResponse().status, 413)

        let declared = try gateway.request("POST", "/api/tags", body: String(repeating: "b", count: 5000))
        XCTAssertEqual(declared.status, 413)
    }

    func testExpectContinueGets100BeforeTheBody() throws {
        let gateway = try self.gateway()
        let connection = try RawHTTPConnection(port: gateway.port)
        try connection.send("POST /api/tags HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
        let interim = try connection.readResponse()
        XCTAssertEqual(interim.status, 100)
        try connection.send("{}")
        XCTAssertEqual(try connection.readResponse().status, 405)
    }

    func testMalformedRequestLineIs400() throws {
        let gateway = try self.gateway()
        let connection = try RawHTTPConnection(port: gateway.port)
        try connection.send("GET /not a target HTTP/1.1\r\n\r\n")
        let response = try connection.readResponse()
        XCTAssertEqual(response.status, 400)
        // The gateway is unharmed.
        XCTAssertEqual(try gateway.request("GET", "/api/tags").status, 200)
    }

    func testFiftyConcurrentKeepAliveClients() throws {
        let port = try self.gateway().port
        let problems = ProblemList()
        DispatchQueue.concurrentPerform(iterations: 50) { client in
            do {
                let connection = try RawHTTPConnection(port: port)
                for index in 0..<10 {
                    let id = "c\(client)-\(index)"
                    let response = try connection.request("GET", "/api/tags", headers: [("X-Request-Id", id)])
                    if response.status != 200 || response.text != #"{"tags":[]}"#
                        || response.header("x-request-id") != id
                    {
                        problems.append("\(id): \(response.status) \(response.text)")
                    }
                }
            } catch {
                problems.append("client \(client): \(error)")
            }
        }
        XCTAssertEqual(problems.all, [])
    }

    func testStatusListsDistinctWorkersThatAreChildrenOfTheGateway() throws {
        let gateway = try self.gateway()
        let status = try gateway.status()
        let workers = try XCTUnwrap(status["workers"] as? [[String: Any]])
        let pids = workers.compactMap { $0["pid"] as? Int }
        XCTAssertEqual(pids.count, 2)
        XCTAssertEqual(Set(pids).count, 2, "distinct pids")
        for pid in pids {
            XCTAssertEqual(ProcessFacts.parent(of: pid_t(pid)), gateway.pid, "worker \(pid) is the gateway's child")
        }
        for worker in workers {
            XCTAssertTrue(["idle", "busy"].contains(worker["state"] as? String ?? ""))
            XCTAssertEqual(worker["generation"] as? Int, 1)
            XCTAssertNotNil(worker["requests"] as? Int)
        }
        let gatewayInfo = try XCTUnwrap(status["gateway"] as? [String: Any])
        XCTAssertEqual(gatewayInfo["pid"] as? Int, Int(gateway.pid))
        XCTAssertNotNil(gatewayInfo["version"] as? String)
        let queue = try XCTUnwrap(status["queue"] as? [String: Any])
        XCTAssertEqual(queue["depth"] as? Int, 0)
        XCTAssertEqual(queue["limit"] as? Int, 1024)
        XCTAssertEqual(try gateway.admin("/healthz").status, 200)
        XCTAssertEqual(try gateway.admin("/readyz").status, 200)
    }
}

/// A thread-safe list of failure descriptions for concurrent tests.
final class ProblemList: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []

    func append(_ item: String) {
        self.lock.withLock { self.items.append(item) }
    }

    var all: [String] {
        self.lock.withLock { self.items }
    }
}
