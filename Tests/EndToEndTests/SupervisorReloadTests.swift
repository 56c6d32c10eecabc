import Foundation
import XCTest

/// Rolling reloads and recycling under steady load: no request may fail.
final class SupervisorReloadTests: XCTestCase {
    func testFiveReloadsInARowFailNoRequestAndReplaceEveryWorker() throws {
        let gateway = try TestGateway(workers: 3)
        defer { gateway.stop() }
        let original = Set(try gateway.workerPIDs())
        let load = LoadGenerator(port: gateway.port, clients: 6) { _, _ in ("GET", "/api/tags", [], nil) }
        for _ in 0..<5 {
            gateway.signal(SIGHUP)
            usleep(100_000)
            XCTAssertTrue(
                ProcessFacts.wait(timeout: 20) {
                    let gatewayInfo = (try? gateway.status())?["gateway"] as? [String: Any]
                    return gatewayInfo?["reloading"] as? Bool == false
                },
                gateway.log
            )
        }
        usleep(300_000)
        let outcomes = load.stop()
        let failed = outcomes.filter { $0.status != 200 }
        XCTAssertGreaterThan(outcomes.count, 50)
        XCTAssertEqual(
            failed.count,
            0,
            "failed: \(failed.prefix(5).map { "\($0.status.map(String.init) ?? $0.error ?? "")" })"
        )
        let status = try gateway.status()
        let workers = try XCTUnwrap(status["workers"] as? [[String: Any]])
        let current = Set(workers.compactMap { $0["pid"] as? Int }.map { pid_t($0) })
        XCTAssertEqual(current.count, 3)
        XCTAssertTrue(current.isDisjoint(with: original), "every worker pid replaced")
        XCTAssertEqual(Set(workers.compactMap { $0["generation"] as? Int }), [6])
        XCTAssertEqual((status["restarts"] as? [String: Int])?["reload"], 15)
        print("reload test: \(outcomes.count) requests, \(failed.count) failed")
    }

    func testRecyclingAfterFiftyRequestsFailsNoRequest() throws {
        let gateway = try TestGateway(workers: 2, arguments: ["--max-requests", "50", "--max-requests-jitter", "10"])
        defer { gateway.stop() }
        let original = Set(try gateway.workerPIDs())
        let load = LoadGenerator(port: gateway.port, clients: 4, maxRequestsPerClient: 150) { _, _ in
            ("GET", "/api/tags", [], nil)
        }
        XCTAssertTrue(ProcessFacts.wait(timeout: 60) { load.count >= 600 })
        let outcomes = load.stop()
        let failed = outcomes.filter { $0.status != 200 }
        XCTAssertEqual(outcomes.count, 600)
        XCTAssertEqual(failed.count, 0, "failed: \(failed.prefix(5).map { $0.error ?? "\($0.status ?? 0)" })")
        let status = try gateway.status()
        let recycled = (status["restarts"] as? [String: Int])?["recycle"] ?? 0
        XCTAssertGreaterThanOrEqual(recycled, 5, "600 requests over 2 workers at ≤ 60 each")
        XCTAssertTrue(Set(try gateway.workerPIDs()).isDisjoint(with: original))
        print("recycle test: \(outcomes.count) requests, \(failed.count) failed, \(recycled) recycles")
    }
}
