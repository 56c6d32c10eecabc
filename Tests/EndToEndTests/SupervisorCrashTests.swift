import Foundation
import XCTest

/// Workers SIGKILLed at random under steady GET and POST load: GETs never fail (retried once
/// on another worker), POSTs either succeed or get 502, and the database holds the writes.
final class SupervisorCrashTests: XCTestCase {
    func testKillingRandomWorkersUnderLoad() throws {
        let gateway = try TestGateway(workers: 4)
        defer { gateway.stop() }
        let reads = LoadGenerator(port: gateway.port, clients: 4) { _, _ in ("GET", "/api/tags", [], nil) }
        let writes = LoadGenerator(port: gateway.port, clients: 2) { client, index in
            let name = "crash\(client)x\(index)"
            let body = #"{"user":{"username":"\#(name)","email":"\#(name)@example.com","password":"password123"}}"#
            return ("POST", "/api/users", [], body)
        }
        var kills = 0
        let end = Date().addingTimeInterval(5)
        while Date() < end {
            usleep(200_000)
            if let victim = try? gateway.workerPIDs().randomElement() {
                kill(victim, SIGKILL)
                kills += 1
            }
        }
        usleep(500_000)
        let readOutcomes = reads.stop()
        let writeOutcomes = writes.stop()

        let failedReads = readOutcomes.filter { $0.status != 200 }
        XCTAssertGreaterThan(readOutcomes.count, 100)
        XCTAssertEqual(
            failedReads.count,
            0,
            "failed GETs: \(failedReads.prefix(5).map { $0.error ?? "\($0.status ?? 0) \($0.body)" })"
        )
        let created = writeOutcomes.filter { $0.status == 201 }.count
        let badGateway = writeOutcomes.filter { $0.status == 502 }.count
        let other = writeOutcomes.filter { $0.status != 201 && $0.status != 502 }
        XCTAssertEqual(
            other.count,
            0,
            "POSTs other than 201/502: \(other.prefix(5).map { $0.error ?? "\($0.status ?? 0) \($0.body)" })"
        )
        XCTAssertGreaterThan(created, 0)
        let stored = Int(try gateway.psql("SELECT count(*) FROM users WHERE username LIKE 'crash%'")) ?? -1
        // Every 201 is stored. A worker killed between COMMIT and its reply turns a stored write
        // into a 502; that window is microseconds wide, so stored equals created in practice.
        XCTAssertGreaterThanOrEqual(stored, created)
        XCTAssertLessThanOrEqual(stored, created + badGateway)
        print(
            "crash test: \(kills) kills; GET \(readOutcomes.count) sent, \(failedReads.count) failed; "
                + "POST \(writeOutcomes.count) sent, \(created) created, \(badGateway) got 502, \(stored) stored"
        )
        XCTAssertTrue(ProcessFacts.wait(timeout: 10) { (try? gateway.admin("/readyz").status) == 200 }, gateway.log)
    }
}
