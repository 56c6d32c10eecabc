import Foundation
import XCTest

/// Requests over the gateway's size limits (defaults: body 1 MiB, 100 header fields, 32 KiB
/// of request line and headers) are refused before any worker sees them: 413 / 431 with a
/// JSON body, `nosniff`, and the connection closed.
final class RequestLimitSecurityTests: SharedGatewayTestCase {
    /// Sends `text` (ignoring a reset: the gateway may close while the rest is in flight) and
    /// reads the answer.
    private func answer(to text: String, gateway: TestGateway) throws -> TestResponse {
        let connection = try RawHTTPConnection(port: gateway.port, timeoutSeconds: 10)
        try? connection.send(text)
        let response = try connection.readResponse()
        XCTAssertTrue(connection.isClosedByPeer(within: 3), "\(response.status): the connection is closed")
        return response
    }

    private func assertRefused(
        _ response: TestResponse,
        _ status: Int,
        field: String,
        _ label: String,
        file: StaticString = #filePath,
        line: UInt = #line
    ) {
        XCTAssertEqual(response.status, status, "\(label): \(response.text)", file: file, line: line)
        XCTAssertTrue(
            response.header("content-type")?.hasPrefix("application/json") ?? false,
            label,
            file: file,
            line: line
        )
        XCTAssertNotNil(
            (response.json?["errors"] as? [String: Any])?[field],
            "\(label): \(response.text)",
            file: file,
            line: line
        )
        XCTAssertEqual(response.header("x-content-type-options"), "nosniff", label, file: file, line: line)
    }

    private func assertStillServing(
        _ gateway: TestGateway,
        pids: [pid_t],
        file: StaticString = #filePath,
        line: UInt = #line
    ) {
        XCTAssertEqual(try? gateway.request("GET", "/api/tags").status, 200, file: file, line: line)
        XCTAssertEqual(try? gateway.workerPIDs(), pids, "no worker died", file: file, line: line)
    }

    func testBodyOverTheLimitIs413AndNeverReachesAWorker() throws {
        let gateway = try self.gateway()
        let pids = try gateway.workerPIDs()
        let users = try gateway.psql("SELECT count(*) FROM users")
        let head = "POST /api/users HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"

        let declared = try self.answer(to: head + "Content-Length: 1048577\r\n\r\n", gateway: gateway)
        self.assertRefused(declared, 413, field: "body", "declared 1 MiB + 1")

        let huge = try self.answer(to: head + "Content-Length: 99999999999999\r\n\r\n{}", gateway: gateway)
        self.assertRefused(huge, 413, field: "body", "declared 90 TB")

        // Chunked: no length up front, so the gateway counts while it reads.
        let chunk = String(repeating: "a", count: 65536)
        var chunked = head + "Transfer-Encoding: chunked\r\n\r\n"
        for _ in 0..<18 {
            chunked += "10000\r\n\(chunk)\r\n"
        }
        chunked += "0\r\n\r\n"
        let streamed = try self.answer(to: chunked, gateway: gateway)
        self.assertRefused(streamed, 413, field: "body", "chunked 1.125 MiB")

        // Exactly at the limit is not refused by the gateway (the worker judges it).
        let padding = String(repeating: " ", count: 1_048_576 - 2)
        let atLimit = try gateway.request("POST", "/api/users", body: "{" + padding + "}")
        XCTAssertNotEqual(atLimit.status, 413)
        XCTAssertLessThan(atLimit.status, 500)

        XCTAssertEqual(try gateway.psql("SELECT count(*) FROM users"), users)
        self.assertStillServing(gateway, pids: pids)
    }

    func testTooManyHeaderFieldsIs431() throws {
        let gateway = try self.gateway()
        let pids = try gateway.workerPIDs()
        let headers = (0..<150).map { "X-Many-\($0): v\r\n" }.joined()
        let response = try self.answer(
            to: "GET /api/tags HTTP/1.1\r\nHost: 127.0.0.1\r\n\(headers)\r\n",
            gateway: gateway
        )
        self.assertRefused(response, 431, field: "headers", "150 header fields")

        // Well under the limit is fine.
        let some = (0..<40).map { ("X-Some-\($0)", "v") }
        XCTAssertEqual(try gateway.request("GET", "/api/tags", headers: some).status, 200)
        self.assertStillServing(gateway, pids: pids)
    }

    func testRequestLineAndHeadersOverTheByteLimitAre431() throws {
        let gateway = try self.gateway()
        let pids = try gateway.workerPIDs()
        // 40 KiB: over the 32 KiB default, under the 80 KiB NIO itself refuses.
        let big = String(repeating: "b", count: 40 * 1024)
        let oneHeader = try self.answer(
            to: "GET /api/tags HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: \(big)\r\n\r\n",
            gateway: gateway
        )
        self.assertRefused(oneHeader, 431, field: "headers", "one 40 KiB header")

        let value = String(repeating: "c", count: 700)
        let many = (0..<60).map { "X-Medium-\($0): \(value)\r\n" }.joined()
        let manyMedium = try self.answer(
            to: "GET /api/tags HTTP/1.1\r\nHost: 127.0.0.1\r\n\(many)\r\n",
            gateway: gateway
        )
        self.assertRefused(manyMedium, 431, field: "headers", "60 headers of 700 bytes")

        let longLine = try self.answer(
            to: "GET /api/articles?tag=\(big) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
            gateway: gateway
        )
        XCTAssertEqual(longLine.status, 431, "a 40 KiB request line: \(longLine.text)")
        XCTAssertEqual(longLine.header("x-content-type-options"), "nosniff")

        // A token-sized header is fine.
        let token = String(repeating: "t", count: 4096)
        XCTAssertEqual(try gateway.request("GET", "/api/tags", headers: [("X-Token", token)]).status, 200)
        self.assertStillServing(gateway, pids: pids)
    }
}
