import Foundation
import Glibc
import XCTest

/// PostgreSQL refusing connections ("too many clients") is said in the log and in /readyz, the
/// worker stays up (no crash loop), and it reconnects by itself once a slot frees up.
final class ConnectionBudgetTests: XCTestCase {
    func testTooManyClientsIsExplainedAndHealsWithoutRestarts() throws {
        let database = try TestPostgres(settings: ["max_connections=12"])
        _ = try database.psql("CREATE DATABASE rookery", database: "postgres")
        let gateway = try TestGateway(
            workers: 1,
            environment: ["DATABASE_URL": database.conninfo, "JWT_SECRET": "budget-tests-secret-budget-tests-secret"]
        )
        XCTAssertEqual(try APIClient(gateway).request("GET", "/api/articles").status, 200)

        // Fill every free slot, then cut the worker's own connection: when it reconnects, the
        // server is full.
        var holders: [Process] = []
        // SIGINT makes psql cancel its query, which frees the slot; SIGTERM would leave the backend
        // sleeping.
        func release() { holders.filter(\.isRunning).forEach { kill($0.processIdentifier, SIGINT) } }
        defer { release() }
        func hold(_ count: Int) throws {
            for _ in 0..<count {
                let holder = Process()
                holder.executableURL = URL(fileURLWithPath: TestGateway.psqlPath)
                holder.arguments = [
                    "-h", database.directory, "-p", String(database.port), "-U", "postgres", "-d", "postgres",
                    "-c", "SELECT pg_sleep(120)",
                ]
                holder.standardOutput = FileHandle.nullDevice
                holder.standardError = FileHandle.nullDevice
                try holder.run()
                holders.append(holder)
            }
        }
        // The worker's long-lived connection (the gateway's probe makes short ones).
        let backend = try XCTUnwrap(
            pid_t(
                try database.psql(
                    "SELECT pid FROM pg_stat_activity WHERE datname = 'rookery' AND backend_type = 'client backend' "
                        + "AND pid <> pg_backend_pid() AND state = 'idle' ORDER BY backend_start LIMIT 1"
                )
            ),
            "the worker's backend"
        )
        try hold(14)
        XCTAssertTrue(ProcessFacts.wait(timeout: 10) { holders.contains { !$0.isRunning } }, "the server is full")
        let restartsBefore = (try gateway.status()["restarts"] as? [String: Int]) ?? [:]
        kill(backend, SIGTERM)  // what pg_terminate_backend does
        try hold(3)
        XCTAssertTrue(
            ProcessFacts.wait(timeout: 10) { holders.suffix(3).filter { !$0.isRunning }.count == 2 },
            "one new holder took the freed slot"
        )
        // The worker learns that its connection is gone on its next use, then cannot get another.
        let lost = try APIClient(gateway).request("GET", "/api/articles")
        XCTAssertEqual(lost.status, 503, "a clear 503, not a crash: \(lost.text)")

        XCTAssertTrue(
            ProcessFacts.wait(timeout: 15) {
                (try? gateway.admin("/readyz"))?.text.contains("no worker has a database connection") ?? false
            },
            "admin /readyz says why: \(String(describing: try? gateway.admin("/readyz").text))\n\(gateway.log)"
        )
        XCTAssertEqual(try gateway.request("GET", "/readyz").status, 503)
        XCTAssertTrue(gateway.log.contains("too many clients"), gateway.log)
        let response = try APIClient(gateway).request("GET", "/api/articles")
        XCTAssertEqual(response.status, 503, "a clear 503, not a crash: \(response.text)")
        let restarts = (try gateway.status()["restarts"] as? [String: Int]) ?? [:]
        XCTAssertEqual(restarts, restartsBefore, "the worker stays up: no crash loop")

        release()
        XCTAssertTrue(
            ProcessFacts.wait(timeout: 15) { (try? gateway.request("GET", "/readyz"))?.status == 200 },
            "the worker reconnects by itself: \(gateway.log)"
        )
        XCTAssertTrue(
            ProcessFacts.wait(timeout: 5) { (try? APIClient(gateway).request("GET", "/api/articles"))?.status == 200 }
        )
    }
}
