import Foundation
import XCTest

/// Replacement workers that fail at start back off exponentially (visible in /status) while
/// the surviving workers keep serving.
final class SupervisorBackoffTests: XCTestCase {
    func testFailingReplacementsBackOffWhileSurvivorsServe() throws {
        let directory = try TestGateway.makeTemporaryDirectory()
        let marker = directory + "/break-workers"
        let wrapper = directory + "/worker-wrapper.sh"
        try """
        #!/bin/sh
        # Starts the real worker until the marker exists, then fails at once.
        [ -e "\(marker)" ] && exit 3
        exec "\(TestGateway.binaryDirectory)/worker" "$@"
        """.write(toFile: wrapper, atomically: true, encoding: .utf8)
        chmod(wrapper, 0o755)
        let gateway = try TestGateway(workers: 3, arguments: ["--worker-path", wrapper])
        defer { gateway.stop() }
        let pids = try gateway.workerPIDs()
        XCTAssertEqual(pids.count, 3)
        FileManager.default.createFile(atPath: marker, contents: nil)
        kill(pids[0], SIGKILL)
        kill(pids[1], SIGKILL)

        var sawBackoff = false
        var maxFailures = 0
        let deadline = Date().addingTimeInterval(4)
        var served: [Int] = []
        while Date() < deadline {
            if let slots = (try? gateway.status())?["slots"] as? [[String: Any]] {
                for slot in slots {
                    maxFailures = max(maxFailures, slot["consecutive_start_failures"] as? Int ?? 0)
                    if slot["restart_in_ms"] as? Int != nil { sawBackoff = true }
                }
            }
            served.append(try gateway.request("GET", "/api/tags").status)
            usleep(100_000)
        }
        XCTAssertTrue(sawBackoff, "a delayed restart shows in /status")
        XCTAssertGreaterThanOrEqual(maxFailures, 3, "repeated failures counted")
        XCTAssertLessThan(maxFailures, 12, "backoff keeps the gateway from spinning")
        XCTAssertEqual(Set(served), [200], "the surviving worker serves")
        XCTAssertEqual(try gateway.admin("/readyz").status, 503)
        let readiness = try gateway.admin("/readyz").text
        XCTAssertTrue(readiness.contains("last start failure"), readiness)

        // Once workers can start again, the pool fills up.
        try FileManager.default.removeItem(atPath: marker)
        XCTAssertTrue(ProcessFacts.wait(timeout: 40) { (try? gateway.admin("/readyz").status) == 200 })
    }
}
