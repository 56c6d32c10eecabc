import Glibc
import NIOCore
import NIOEmbedded
import Protocol
import XCTest

@testable import Gateway

/// Recycling after `--max-requests` and rolling reloads: the replacement is ready before the
/// old worker drains, and a replacement that cannot start leaves the old one serving.
final class WorkerPoolReplacementTests: XCTestCase {
    private func drained(_ harness: PoolHarness, _ pid: pid_t) throws -> Bool {
        try harness.framesSent(to: pid).contains { $0.message == .drain }
    }

    func testRecycledWorkerDrainsOnlyAfterItsReplacementSaidHello() throws {
        let harness = PoolHarness(workers: 1) { $0.maxRequests = 2 }
        harness.start()
        try harness.helloAll()
        let old = harness.pids(.idle)[0]

        for _ in 0..<2 {
            harness.submit()
            try harness.answerAll(old)
        }
        XCTAssertEqual(harness.launcher.launched.count, 2, "replacement started")
        let replacement = harness.launcher.launched[1].pid
        XCTAssertEqual(harness.worker(old)?.state, .idle, "still serving until the replacement is ready")
        harness.submit()
        try harness.answerAll(old)
        XCTAssertFalse(try self.drained(harness, old))

        try harness.hello(replacement)

        XCTAssertTrue(try self.drained(harness, old))
        XCTAssertEqual(harness.worker(old)?.state, .draining)
        XCTAssertEqual(harness.pool.supervisor.restarts, [.recycle: 1])
        harness.launcher.exit(old, .exited(0))
        harness.childrenExited()
        XCTAssertEqual(harness.pool.supervisor.restarts, [.recycle: 1], "the drained exit is not a second restart")
        harness.submit()
        XCTAssertEqual(try harness.requestsSent(to: replacement).count, 1)
        XCTAssertEqual(harness.answers.map(\.status), [200, 200, 200])
    }

    func testRequestLimitIsDrawnWithinTheJitter() {
        let harness = PoolHarness(workers: 20) {
            $0.maxRequests = 100
            $0.maxRequestsJitter = 10
        }
        harness.start()
        let limits = harness.pool.supervisor.workers.values.compactMap(\.requestLimit)
        XCTAssertEqual(limits.count, 20)
        XCTAssertTrue(limits.allSatisfy { (100...110).contains($0) }, "\(limits)")
        XCTAssertGreaterThan(Set(limits).count, 1, "20 draws are not all equal")
    }

    func testRollingReloadReplacesOneWorkerAtATime() throws {
        let harness = PoolHarness(workers: 2)
        let events = EventLog()
        harness.pool.onEvent = { events.append($0) }
        harness.start()
        try harness.helloAll()
        let old = harness.pids(.idle)

        harness.pool.startReload()
        harness.loop.run()
        XCTAssertEqual(harness.launcher.launched.count, 3, "one new worker at a time")
        XCTAssertEqual(harness.launcher.launched[2].generation, 2)
        try harness.helloAll()
        XCTAssertTrue(try self.drained(harness, old[0]))
        XCTAssertFalse(try self.drained(harness, old[1]))
        XCTAssertEqual(harness.launcher.launched.count, 4)
        try harness.helloAll()
        XCTAssertTrue(try self.drained(harness, old[1]))

        XCTAssertEqual(events.descriptions, ["ready", "reload 2 started", "reload 2 finished"])
        XCTAssertEqual(harness.pool.supervisor.restarts, [.reload: 2])
        XCTAssertEqual(Set(harness.pids(.idle).compactMap { harness.worker($0)?.generation }), [2])
    }

    func testReloadWhoseWorkersCannotStartKeepsTheOldGenerationServing() throws {
        let harness = PoolHarness(workers: 2)
        let events = EventLog()
        harness.pool.onEvent = { events.append($0) }
        harness.start()
        try harness.helloAll()
        let old = harness.pids(.idle)

        harness.pool.startReload()
        harness.loop.run()
        let newWorker = harness.launcher.launched[2].pid
        harness.launcher.exit(newWorker, .exited(1))  // e.g. a broken new binary
        harness.childrenExited()

        XCTAssertEqual(events.descriptions, ["ready", "reload 2 started", "reload 2 failed"])
        XCTAssertEqual(harness.pids(.idle), old)
        XCTAssertEqual(harness.pool.supervisor.generation, 1)
        XCTAssertFalse(try self.drained(harness, old[0]))
        XCTAssertEqual(harness.pool.supervisor.restarts, [:])
        harness.submit()
        XCTAssertEqual(harness.answers.count, 0)
        XCTAssertEqual(harness.pids(.busy).count, 1, "the old generation still takes requests")
    }

    func testReloadThatCannotLaunchKeepsTheOldGenerationServing() throws {
        let harness = PoolHarness(workers: 1)
        let events = EventLog()
        harness.pool.onEvent = { events.append($0) }
        harness.start()
        try harness.helloAll()
        harness.launcher.launchFails = { _, generation in generation == 2 }

        harness.pool.startReload()
        harness.loop.run()

        XCTAssertEqual(events.descriptions, ["ready", "reload 2 started", "reload 2 failed"])
        XCTAssertEqual(harness.pids(.idle).count, 1)
        XCTAssertNil(harness.pool.supervisor.reload)
    }
}
