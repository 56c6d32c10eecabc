import Foundation
import XCTest

/// The request deadline: a request held in the database past --request-timeout gets 504 from
/// the gateway within the deadline plus a second, and its worker is replaced.
final class SupervisorTimeoutTests: XCTestCase {
    func testARequestHeldPastTheDeadlineGets504AndItsWorkerIsReplaced() throws {
        let gateway = try TestGateway(workers: 2, arguments: ["--request-timeout", "2"])
        defer { gateway.stop() }
        let before = Set(try gateway.workerPIDs())
        let locker = try gateway.psqlInBackground(
            "BEGIN; LOCK TABLE tags IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(6); COMMIT;"
        )
        defer { locker.terminate() }
        XCTAssertTrue(
            ProcessFacts.wait(timeout: 5) {
                (try? gateway.psql("SELECT count(*) FROM pg_locks WHERE relation = 'tags'::regclass AND granted"))
                    == "1"
            }
        )
        let started = Date()
        let response = try gateway.request("GET", "/api/tags")
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(response.status, 504)
        XCTAssertNotNil(response.json?["errors"])
        XCTAssertLessThan(elapsed, 3.0, "504 within deadline + 1 s")
        XCTAssertGreaterThanOrEqual(elapsed, 1.9)
        print("timeout test: 504 after \(elapsed) s")
        let replaced = ProcessFacts.wait(timeout: 10) {
            let now = Set((try? gateway.workerPIDs()) ?? [])
            return now.count == 2 && now != before
        }
        XCTAssertTrue(replaced, gateway.log)
        let status = try gateway.status()
        XCTAssertEqual((status["restarts"] as? [String: Int])?["timeout"], 1)
    }
}
