import Foundation
import XCTest

/// Workers SIGKILLed at random under steady GET and POST load: GETs never fail (retried once
/// on another worker), POSTs either succeed or get 502, and the database holds exactly the
/// writes that succeeded.
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
        // Exactly the answered writes are stored: a worker killed between its COMMIT and its
        // reply has its recorded answer replayed, and a 502 means nothing was stored.
        let createdNames = Set(
            writeOutcomes.filter { $0.status == 201 }.compactMap { outcome -> String? in
                let json = try? JSONSerialization.jsonObject(with: Data(outcome.body.utf8)) as? [String: Any]
                return (json?["user"] as? [String: Any])?["username"] as? String
            }
        )
        XCTAssertEqual(createdNames.count, created)
        let storedNames = Set(
            try gateway.psql("SELECT username FROM users WHERE username LIKE 'crash%'")
                .split(separator: "\n").map(String.init)
        )
        let stored = storedNames.count
        XCTAssertEqual(storedNames, createdNames, "stored but answered 502: \(storedNames.subtracting(createdNames))")
        print(
            "crash test: \(kills) kills; GET \(readOutcomes.count) sent, \(failedReads.count) failed; "
                + "POST \(writeOutcomes.count) sent, \(created) created, \(badGateway) got 502, \(stored) stored"
        )
        XCTAssertTrue(ProcessFacts.wait(timeout: 10) { (try? gateway.admin("/readyz").status) == 200 }, gateway.log)
    }
}
