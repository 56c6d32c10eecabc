import Foundation
import XCTest

@testable import Gateway

final class StatusReportTests: XCTestCase {
    private func report(_ json: String) throws -> StatusReport {
        try StatusReport(json: Data(json.utf8))
    }

    func testParsesTheCurrentShape() throws {
        let report = try self.report(StatusFixtures.current)
        XCTAssertEqual(report.gateway.pid, 4242)
        XCTAssertEqual(report.gateway.version, "0.1.0")
        XCTAssertEqual(report.gateway.generation, 3)
        XCTAssertEqual(report.gateway.reloading, false)
        XCTAssertEqual(report.gateway.stopping, false)
        XCTAssertEqual(report.configuredWorkers, 2)
        XCTAssertEqual(report.databaseReachable, true)
        XCTAssertEqual(report.queue, StatusReport.Queue(depth: 3, limit: 1024, oldestWaitMilliseconds: 120))
        XCTAssertEqual(report.restarts, ["recycle": 5, "crash": 2])
        XCTAssertNil(report.lastStartError)
        XCTAssertEqual(report.lastExit, .string("worker 4000 exited with status 0"))
        XCTAssertEqual(report.workers.count, 2)
        XCTAssertEqual(
            report.workers[1],
            StatusReport.Worker(
                slot: 1,
                pid: 4244,
                state: "busy",
                generation: 3,
                requests: 5,
                currentRequestMilliseconds: 1500,
                ageSeconds: 7.5
            )
        )
        XCTAssertNil(report.workers[0].currentRequestMilliseconds)
        XCTAssertEqual(report.slots.count, 2)
        XCTAssertFalse(report.slots.contains(where: \.isBackingOff))
        XCTAssertTrue(report.extra.isEmpty)
    }

    func testKeepsUnknownFieldsAtEveryLevel() throws {
        let report = try self.report(StatusFixtures.grown)
        XCTAssertEqual(report.gateway.extra, ["uptime_seconds": .integer(3725)])
        XCTAssertEqual(report.queue.extra, ["rejected": .integer(4)])
        XCTAssertEqual(report.extra, ["build": .string("abc123"), "database.latency_ms": .integer(12)])
        let worker = try XCTUnwrap(report.workers.first)
        XCTAssertEqual(worker.extra["resident_memory_bytes"], .integer(12_582_912))
        XCTAssertEqual(worker.extra["cpu_seconds"], .number(1.5))
        XCTAssertEqual(worker.extra["current_route"], .string("GET /api/articles/:slug"))
        XCTAssertEqual(worker.extra["labels"], .object(["zone": .string("a")]))
        XCTAssertEqual(worker.ageSeconds, 90_000)
    }

    func testToleratesMissingFields() throws {
        let report = try self.report(StatusFixtures.minimal)
        XCTAssertEqual(report.gateway.pid, 7)
        XCTAssertNil(report.gateway.version)
        XCTAssertNil(report.databaseReachable)
        XCTAssertNil(report.configuredWorkers)
        XCTAssertEqual(report.restarts, [:])
        XCTAssertEqual(report.workers, [StatusReport.Worker(pid: 8, state: "starting")])
        XCTAssertEqual(try self.report("{}"), StatusReport())
    }

    func testBooleansAndNumbersStayApart() throws {
        let report = try self.report(#"{"gateway":{"pid":true,"reloading":1,"stopping":true}}"#)
        XCTAssertNil(report.gateway.pid)
        XCTAssertNil(report.gateway.reloading)
        XCTAssertEqual(report.gateway.stopping, true)
    }

    func testRejectsWhatIsNotAJSONObject() {
        XCTAssertThrowsError(try self.report("<html>")) { error in
            XCTAssertEqual("\(error)", "/status did not answer JSON")
        }
        XCTAssertThrowsError(try self.report("[1,2]")) { error in
            XCTAssertEqual("\(error)", "/status did not answer a JSON object")
        }
    }
}
