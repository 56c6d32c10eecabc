import Foundation
import XCTest

/// Cost classes with real workers: password hashing holds at most its share of the workers,
/// waits in its own queue and past it gets 503, while other requests still find a worker.
final class GatewayCostClassTests: XCTestCase {
    func testLoginsBeyondTheirShareWaitOrGet503WhileReadsAreServed() throws {
        let gateway = try TestGateway(
            workers: 3,
            arguments: [
                "--password-hashing-workers", "1", "--password-hashing-queue", "1", "--worker-pipeline-depth", "1",
            ]
        )
        defer { gateway.stop() }
        // Logins read `users`; holding its lock keeps the first login in its worker.
        let locker = try gateway.lockTables(["users"], forSeconds: 4)
        defer { locker.terminate() }
        let login = #"{"user":{"email":"nobody@example.com","password":"wrong-password"}}"#
        let request = RawHTTPConnection.format("POST", "/api/users/login", body: login)

        let running = try RawHTTPConnection(port: gateway.port)
        try running.send(request)
        XCTAssertTrue(ProcessFacts.wait(timeout: 5) { Self.hashing(gateway)?["in_flight"] as? Int == 1 })
        let waiting = try RawHTTPConnection(port: gateway.port)
        try waiting.send(request)
        XCTAssertTrue(ProcessFacts.wait(timeout: 5) { Self.hashing(gateway)?["queue_depth"] as? Int == 1 })

        let refused = try gateway.request("POST", "/api/users/login", body: login)
        XCTAssertEqual(refused.status, 503)
        XCTAssertEqual(refused.header("retry-after"), "1")
        XCTAssertEqual(
            (refused.json?["errors"] as? [String: Any])?["server"] as? [String],
            ["is busy with password hashing, retry later"]
        )
        for _ in 0..<5 {
            XCTAssertEqual(try gateway.request("GET", "/api/tags").status, 200, "reads find the free workers")
        }
        let classes = Self.classes(gateway)
        XCTAssertEqual(Self.hashing(gateway)?["rejected"] as? Int, 1)
        XCTAssertEqual(Self.hashing(gateway)?["worker_limit"] as? Int, 1)
        XCTAssertEqual((classes?["standard"] as? [String: Any])?["rejected"] as? Int, 0)
        let metrics = String(decoding: try gateway.admin("/metrics").body, as: UTF8.self)
        XCTAssertTrue(metrics.contains(#"rookery_class_rejected_total{class="password_hashing"} 1"#), metrics)

        // Once the lock is gone, both logins are answered by a worker (unknown user: 401).
        XCTAssertEqual(try running.readResponse().status, 401)
        XCTAssertEqual(try waiting.readResponse().status, 401)
    }

    private static func classes(_ gateway: TestGateway) -> [String: Any]? {
        ((try? gateway.status())?["queue"] as? [String: Any])?["classes"] as? [String: Any]
    }

    private static func hashing(_ gateway: TestGateway) -> [String: Any]? {
        Self.classes(gateway)?["password_hashing"] as? [String: Any]
    }
}
