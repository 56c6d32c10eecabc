import Foundation
import XCTest

/// A database outage: while PostgreSQL is down workers answer 503 quickly and /readyz is 503;
/// when it returns, workers reconnect by themselves, without a gateway restart.
final class SupervisorOutageTests: XCTestCase {
    func testDatabaseOutageGives503ThenFullRecovery() throws {
        let postgres = try TestPostgres()
        let gateway = try TestGateway(workers: 2, arguments: ["--database-url", postgres.conninfo])
        defer { gateway.stop() }
        XCTAssertEqual(try gateway.request("GET", "/api/tags").status, 200)

        try postgres.stop()
        var duringOutage: [Int] = []
        let outageStart = Date()
        while Date().timeIntervalSince(outageStart) < 3 {
            let started = Date()
            let response = try gateway.request("GET", "/api/tags")
            XCTAssertLessThan(Date().timeIntervalSince(started), 2, "no hang while the database is down")
            duringOutage.append(response.status)
            usleep(100_000)
        }
        XCTAssertEqual(Set(duringOutage), [503], "only 503 while down")
        XCTAssertTrue(ProcessFacts.wait(timeout: 3) { (try? gateway.admin("/readyz").status) == 503 })

        let gatewayPID = gateway.pid
        try postgres.start()
        XCTAssertTrue(ProcessFacts.wait(timeout: 10) { (try? gateway.request("GET", "/api/tags").status) == 200 })
        // Full recovery: every worker serves again (each request may land on any worker).
        var after: [Int] = []
        for _ in 0..<20 {
            after.append(try gateway.request("GET", "/api/tags").status)
        }
        XCTAssertEqual(Set(after), [200])
        XCTAssertTrue(ProcessFacts.wait(timeout: 5) { (try? gateway.admin("/readyz").status) == 200 })
        XCTAssertEqual(gateway.pid, gatewayPID)
        XCTAssertTrue(gateway.process.isRunning, "gateway not restarted")
        print("outage test: \(duringOutage.count) requests during the outage, all 503; \(after.count) after, all 200")
    }
}
