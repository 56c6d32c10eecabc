import Foundation
import XCTest

/// Graceful stop: SIGTERM lets in-flight requests complete before workers and PostgreSQL stop.
final class SupervisorShutdownTests: XCTestCase {
    func testSIGTERMLetsInFlightRequestsComplete() throws {
        let gateway = try TestGateway(workers: 2)
        let locker = try gateway.psqlInBackground(
            "BEGIN; LOCK TABLE tags IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(2); COMMIT;"
        )
        defer { locker.terminate() }
        XCTAssertTrue(
            ProcessFacts.wait(timeout: 5) {
                (try? gateway.psql("SELECT count(*) FROM pg_locks WHERE relation = 'tags'::regclass AND granted"))
                    == "1"
            }
        )
        let connections = try (0..<2).map { _ in try RawHTTPConnection(port: gateway.port) }
        for connection in connections {
            try connection.send(RawHTTPConnection.format("GET", "/api/tags"))
        }
        XCTAssertTrue(
            ProcessFacts.wait(timeout: 5) {
                let workers = (try? gateway.status())?["workers"] as? [[String: Any]] ?? []
                return workers.filter { $0["state"] as? String == "busy" }.count == 2
            }
        )
        gateway.signal(SIGTERM)
        for connection in connections {
            let response = try connection.readResponse()
            XCTAssertEqual(response.status, 200, "in-flight request completed")
            XCTAssertEqual(response.header("connection")?.lowercased(), "close", "Connection: close while draining")
        }
        XCTAssertEqual(gateway.stop(), 0, gateway.log)
    }
}
