import Foundation
import XCTest

/// The bounded queue: when every worker is busy requests wait; past the limit the gateway
/// answers 503 with Retry-After by itself, and the admin listener still answers.
final class GatewayQueueTests: XCTestCase {
    func testOverflowingASmallQueueGives503() throws {
        // Without pipelining, so the second request waits in the gateway's queue, not in the
        // busy worker's socket (SupervisorPipelineTests covers that).
        let gateway = try TestGateway(
            workers: 1,
            arguments: ["--queue-limit", "1", "--worker-pipeline-depth", "1"]
        )
        defer { gateway.stop() }
        // Hold a lock the tags query needs, so the only worker stays busy.
        let locker = try gateway.lockTables(["tags"], forSeconds: 4)
        defer { locker.terminate() }

        let busy = try RawHTTPConnection(port: gateway.port)
        try busy.send(RawHTTPConnection.format("GET", "/api/tags"))
        XCTAssertTrue(ProcessFacts.wait(timeout: 5) { Self.workerStates(gateway) == ["busy"] })

        let queued = try RawHTTPConnection(port: gateway.port)
        try queued.send(RawHTTPConnection.format("GET", "/api/tags"))
        XCTAssertTrue(ProcessFacts.wait(timeout: 5) { Self.queueDepth(gateway) == 1 })

        let rejected = try gateway.request("GET", "/api/tags")
        XCTAssertEqual(rejected.status, 503)
        XCTAssertEqual(rejected.header("retry-after"), "1")
        XCTAssertNotNil(rejected.json?["errors"])
        XCTAssertEqual(try gateway.admin("/healthz").status, 200, "admin answers while the pool is saturated")

        // Once the lock is gone, both waiting requests complete.
        XCTAssertEqual(try busy.readResponse().status, 200)
        XCTAssertEqual(try queued.readResponse().status, 200)
    }

    private static func workerStates(_ gateway: TestGateway) -> [String] {
        let workers = (try? gateway.status())?["workers"] as? [[String: Any]] ?? []
        return workers.compactMap { $0["state"] as? String }
    }

    private static func queueDepth(_ gateway: TestGateway) -> Int? {
        ((try? gateway.status())?["queue"] as? [String: Any])?["depth"] as? Int
    }
}
