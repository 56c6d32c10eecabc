import Foundation
import XCTest

/// The embedded PostgreSQL is supervised like a worker: SIGKILL its postmaster (what the OOM
/// killer does) under load and the gateway reaps it, restarts it, counts the restart, and the
/// API answers 503 only while it is down.
final class EmbeddedPostgresSupervisionTests: XCTestCase {
    func testKilledPostmasterIsRestartedUnderLoad() throws {
        let gateway = try TestGateway(workers: 2)
        defer { gateway.stop() }
        XCTAssertEqual(try gateway.request("GET", "/api/tags").status, 200)
        let killed = try DataDirectoryOwnershipTests.postmasterPid(dataDirectory: gateway.dataDirectory)
        let before = try XCTUnwrap(try gateway.status()["database"] as? [String: Any])
        XCTAssertEqual((before["embedded"] as? [String: Any])?["pid"] as? Int, Int(killed))

        let load = LoadGenerator(port: gateway.port, clients: 3) { _, _ in ("GET", "/api/tags", [], nil) }
        usleep(300_000)
        let killedAt = Date()
        XCTAssertEqual(kill(killed, SIGKILL), 0)
        var recovered: TimeInterval?
        usleep(100_000)
        // A 200 counts only once the gateway has restarted PostgreSQL: right after the SIGKILL the
        // killed postmaster's backends can still answer a worker's open connection for a moment.
        while Date().timeIntervalSince(killedAt) < 10 {
            if Self.embeddedRestarts(gateway) >= 1, (try? gateway.request("GET", "/api/tags").status) == 200 {
                recovered = Date().timeIntervalSince(killedAt)
                break
            }
            usleep(50_000)
        }
        usleep(300_000)
        let outcomes = load.stop()

        let seconds = try XCTUnwrap(recovered, "no 200 within 10 s of the SIGKILL:\n\(gateway.log)")
        XCTAssertLessThan(seconds, 5, "200 again within 5 s")
        let statuses = outcomes.compactMap(\.status)
        XCTAssertEqual(outcomes.filter { $0.status == nil }.count, 0, "\(outcomes.compactMap(\.error).prefix(3))")
        XCTAssertEqual(Set(statuses).subtracting([200, 503]), [], "only 200 and 503")
        XCTAssertTrue(statuses.contains(503), "503 while the database was down")
        XCTAssertEqual(statuses.last, 200)
        XCTAssertNil(ProcessFacts.state(killed), "the killed postmaster is reaped, not left a zombie")

        let restarted = try DataDirectoryOwnershipTests.postmasterPid(dataDirectory: gateway.dataDirectory)
        XCTAssertNotEqual(restarted, killed)
        XCTAssertTrue(ProcessFacts.wait(timeout: 5) { (try? gateway.admin("/readyz").status) == 200 })
        let database = try XCTUnwrap(try gateway.status()["database"] as? [String: Any])
        let embedded = try XCTUnwrap(database["embedded"] as? [String: Any])
        XCTAssertEqual(embedded["pid"] as? Int, Int(restarted))
        XCTAssertEqual(embedded["running"] as? Bool, true)
        XCTAssertEqual(embedded["restarts"] as? Int, 1)
        XCTAssertEqual(embedded["last_exit"] as? String, "killed by signal 9 (SIGKILL)")
        let metrics = try gateway.admin("/metrics").text
        XCTAssertTrue(metrics.contains("rookery_embedded_postgres_restarts_total 1"), metrics)
        XCTAssertTrue(metrics.contains("rookery_embedded_postgres_up 1"), metrics)
        print(
            "postmaster SIGKILL: 200 again after \(String(format: "%.2f", seconds)) s; "
                + "\(statuses.filter { $0 == 503 }.count) of \(statuses.count) requests answered 503"
        )
    }

    /// The embedded PostgreSQL's restart count from /status, once it runs again; 0 otherwise.
    private static func embeddedRestarts(_ gateway: TestGateway) -> Int {
        guard let database = (try? gateway.status())?["database"] as? [String: Any],
            let embedded = database["embedded"] as? [String: Any], embedded["running"] as? Bool == true
        else {
            return 0
        }
        return embedded["restarts"] as? Int ?? 0
    }
}
