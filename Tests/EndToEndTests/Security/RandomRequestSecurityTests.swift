import Foundation
import TestSupport
import XCTest

/// 10 000 seeded random requests over a few keep-alive connections: no 5xx, no connection
/// left hanging, no worker dies. Replay a failure with `ROOKERY_FUZZ_SEED=<seed>`.
final class RandomRequestSecurityTests: SharedGatewayTestCase {
    static let defaultSeed: UInt64 = 0x5EC0_2026_C0DE_F00D
    static let connections = 4
    static let requestsPerConnection = 2_500
    /// Longest a request may take before its connection counts as hung.
    static let requestTimeout = 10

    /// Users, articles and comments the generator can aim at, so requests reach the handlers.
    private func seed(_ client: APIClient) throws -> FuzzContext {
        var context = FuzzContext(usernames: [], slugs: [], commentIDs: [], tokens: [])
        for index in 0..<3 {
            let user = try client.patientRegister("fuzz\(index)")
            context.usernames.append(user.username)
            context.tokens.append(user.token)
            let slug = try client.createArticleSlug(by: user, tags: ["fuzz", "t\(index)"])
            context.slugs.append(slug)
            let comment = try client.send(
                "POST",
                "/api/articles/\(slug)/comments",
                token: user.token,
                json: ["comment": ["body": "seed"]]
            )
            context.commentIDs.append(comment.object("comment")?["id"] as? Int ?? 1)
        }
        return context
    }

    func testRandomRequestsNeverGet5xxHangOrKillAWorker() throws {
        let gateway = try self.gateway()
        let client = APIClient(gateway)
        let context = try self.seed(client)
        let seed = ProcessInfo.processInfo.environment["ROOKERY_FUZZ_SEED"].flatMap { UInt64($0) } ?? Self.defaultSeed
        print("RandomRequestSecurityTests seed: \(seed) (replay with ROOKERY_FUZZ_SEED=\(seed))")
        let pids = try gateway.workerPIDs()
        XCTAssertEqual(pids.count, 2)

        let port = gateway.port
        let started = Date()
        // One thread per connection (concurrentPerform would run only as many as there are cores).
        let results = LockedResults<FuzzConnection.Report>(count: Self.connections)
        let group = DispatchGroup()
        for index in 0..<Self.connections {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                let report = FuzzConnection.run(
                    port: port,
                    seed: seed &+ UInt64(index) &* 0x9E37_79B9,
                    context: context,
                    count: Self.requestsPerConnection,
                    timeout: Self.requestTimeout
                )
                results.set(index, .success(report))
            }
        }
        group.wait()
        let elapsed = Date().timeIntervalSince(started)

        var total = FuzzConnection.Report()
        for result in results.all {
            total.merge(try result.get())
        }
        let histogram = total.statuses.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }
        print(
            "RandomRequestSecurityTests: \(total.sent) requests in \(String(format: "%.1f", elapsed)) s; "
                + "statuses \(histogram.joined(separator: " ")); reconnects \(total.reconnects)"
        )
        XCTAssertEqual(total.sent, Self.connections * Self.requestsPerConnection)
        XCTAssertTrue(
            total.failures.isEmpty,
            "\(total.failures.count) failures:\n" + total.failures.prefix(15).joined(separator: "\n")
        )
        XCTAssertGreaterThan(
            total.statuses.filter { (200..<300).contains($0.key) }.values.reduce(0, +),
            500,
            "requests reached the API"
        )

        XCTAssertTrue(gateway.process.isRunning, "the gateway is alive")
        XCTAssertEqual(try gateway.workerPIDs(), pids, "no worker died or was replaced")
        XCTAssertEqual(try gateway.admin("/readyz").status, 200)
        XCTAssertEqual(try client.request("GET", "/api/tags").status, 200)
    }

    func testUpgradeAndConnectDoNotWedgeAKeepAliveConnection() throws {
        let gateway = try self.gateway()
        // What `curl --http2` sends to an http:// URL, a WebSocket handshake, and CONNECT.
        let firsts = [
            (
                "h2c upgrade",
                "GET /api/tags HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                    + "HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n"
            ),
            (
                "websocket upgrade",
                "GET /api/tags HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ),
            ("CONNECT", "CONNECT /api/tags HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
        ]
        for (label, first) in firsts {
            let connection = try RawHTTPConnection(port: gateway.port, timeoutSeconds: 3)
            try connection.send(first)
            let response = try connection.readResponse()
            XCTAssertLessThan(response.status, 500, label)
            XCTAssertNotEqual(response.status, 101, "\(label): nothing to switch to")
            if response.header("connection")?.lowercased() == "close" {
                XCTAssertTrue(connection.isClosedByPeer(within: 3), label)
                continue
            }
            // Still HTTP/1.1 on this connection: the next request must be answered.
            do {
                try connection.send("GET /api/tags HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                let next = try connection.readResponse()
                XCTAssertEqual(next.status, 200, label)
            } catch {
                XCTFail("\(label): the keep-alive connection is wedged after the first answer (\(error))")
            }
        }
        XCTAssertTrue(gateway.process.isRunning, "the gateway is alive")
        XCTAssertEqual(try gateway.request("GET", "/api/tags").status, 200)
    }
}

/// One client thread of the fuzz run: its own generator (seeded per connection, so the run
/// is the same whatever the thread timing) and its own keep-alive connection.
enum FuzzConnection {
    struct Report: Sendable {
        var sent = 0
        var reconnects = 0
        var statuses: [Int: Int] = [:]
        var failures: [String] = []

        mutating func merge(_ other: Report) {
            self.sent += other.sent
            self.reconnects += other.reconnects
            self.statuses.merge(other.statuses, uniquingKeysWith: +)
            self.failures += other.failures
        }
    }

    static func run(port: Int, seed: UInt64, context: FuzzContext, count: Int, timeout: Int) -> Report {
        var generator = RandomRequestGenerator(seed: seed, context: context)
        var framing = SplitMix64(seed: seed ^ 0xF4A3_1A6E)
        var report = Report()
        var connection: RawHTTPConnection?
        for index in 0..<count {
            let request = generator.next()
            report.sent += 1
            do {
                let open: RawHTTPConnection
                if let connection {
                    open = connection
                } else {
                    open = try RawHTTPConnection(port: port, timeoutSeconds: timeout)
                    report.reconnects += 1
                }
                connection = open
                try open.send(request.bytes(using: &framing))
                var response = try open.readResponse(method: request.method)
                while response.status < 200 {
                    response = try open.readResponse(method: request.method)
                }
                report.statuses[response.status, default: 0] += 1
                // 501 is the gateway's answer to a method it does not recognize, not a failure.
                if response.status >= 500 && response.status != 501 {
                    report.failures.append(
                        "#\(index) \(response.status) \(response.text.prefix(120)) ← \(request.summary)"
                    )
                }
                if !request.wellFormed || request.closesConnection
                    || response.header("connection")?.lowercased() == "close"
                {
                    connection = nil
                }
            } catch TestHTTPError.timeout {
                report.failures.append("#\(index) no answer within \(timeout) s ← \(request.summary)")
                connection = nil
            } catch {
                // A broken request may be cut off; a valid one must be answered.
                if request.wellFormed {
                    report.failures.append("#\(index) closed without an answer (\(error)) ← \(request.summary)")
                }
                connection = nil
            }
        }
        return report
    }
}
