import Foundation
import Glibc
import XCTest

/// `/readyz` on the public HTTP port: answered by the gateway, never by a worker, and 503 from
/// the first moment of a drain while the listener still serves (`--drain-delay`).
final class PublicReadinessTests: XCTestCase {
    func testReadinessOnThePublicPortIsMinimalAndAdminStaysPrivate() throws {
        let gateway = try TestGateway(workers: 1)
        let ready = try gateway.request("GET", "/readyz")
        XCTAssertEqual(ready.status, 200)
        XCTAssertEqual(ready.text, "ready\n")
        XCTAssertEqual(ready.header("cache-control"), "no-store")
        let head = try gateway.request("HEAD", "/readyz")
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.text, "")
        for path in ["/status", "/metrics", "/healthz"] {
            XCTAssertEqual(try gateway.request("GET", path).status, 404, "\(path) is not served on the public port")
        }
        let workersBefore = try gateway.status()["workers"] as? [[String: Any]] ?? []
        let servedBefore = workersBefore.compactMap { $0["requests"] as? Int }.reduce(0, +)
        for _ in 0..<5 { _ = try gateway.request("GET", "/readyz") }
        let workersAfter = try gateway.status()["workers"] as? [[String: Any]] ?? []
        let servedAfter = workersAfter.compactMap { $0["requests"] as? Int }.reduce(0, +)
        XCTAssertEqual(servedAfter, servedBefore, "no /readyz reached a worker")
    }

    func testDrainTurnsReadinessTo503WhileRequestsAreStillServed() throws {
        let gateway = try TestGateway(workers: 1, arguments: ["--drain-delay", "3"])
        XCTAssertEqual(try gateway.request("GET", "/readyz").status, 200)
        let started = Date()
        gateway.signal(SIGTERM)
        XCTAssertTrue(
            ProcessFacts.wait(timeout: 2) { (try? gateway.request("GET", "/readyz"))?.status == 503 },
            gateway.log
        )
        let draining = try gateway.request("GET", "/readyz")
        XCTAssertEqual(draining.text, "draining\n")
        XCTAssertEqual(try gateway.admin("/readyz").status, 503, "the admin readiness agrees")
        XCTAssertEqual(try gateway.request("GET", "/api/tags").status, 200, "the API still answers during the delay")
        XCTAssertLessThan(Date().timeIntervalSince(started), 3, "all of the above happened inside the delay")
        XCTAssertEqual(gateway.stop(), 0, gateway.log)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 3, "the listener closed only after the delay")
    }
}
