import Glibc
import NIOCore
import NIOEmbedded
import XCTest

@testable import Gateway

/// Keeping every slot filled: start, crash and respawn, capped exponential backoff of a slot
/// that cannot start, and exits collected exactly once.
final class WorkerPoolSupervisionTests: XCTestCase {
    func testStartsOneWorkerPerSlotAndIsReadyOnceAllSaidHello() throws {
        let harness = PoolHarness(workers: 3)
        let events = EventLog()
        harness.pool.onEvent = { events.append($0) }
        harness.start()
        XCTAssertEqual(harness.launcher.launched.map(\.slot), [0, 1, 2])
        XCTAssertEqual(Set(harness.launcher.launched.map(\.generation)), [1])
        XCTAssertEqual(harness.pids(.starting).count, 3)
        XCTAssertFalse(harness.pool.isFullyReady)

        try harness.helloAll()

        XCTAssertEqual(harness.pids(.idle).count, 3)
        XCTAssertTrue(harness.pool.isFullyReady)
        XCTAssertEqual(events.descriptions, ["ready"])
        XCTAssertNil(harness.pool.supervisionTimer, "nothing pending, no timer")
    }

    func testCrashedWorkerIsReplacedInItsSlotAndCountedAsCrash() throws {
        let harness = PoolHarness(workers: 2)
        harness.start()
        try harness.helloAll()
        let victim = harness.pids(.idle)[1]

        harness.launcher.exit(victim, .signaled(SIGKILL))
        harness.childrenExited()

        XCTAssertEqual(harness.pool.supervisor.restarts, [.crash: 1])
        XCTAssertEqual(harness.launcher.launched.last?.slot, 1)
        XCTAssertEqual(harness.pool.supervisor.lastExitBySlot[1], .signaled(SIGKILL))
        XCTAssertEqual(harness.pool.currentSnapshot().restarts, ["crash": 1])
        try harness.helloAll()
        XCTAssertEqual(harness.pids(.idle).count, 2)
    }

    func testCleanExitWhileServingCountsAsExit() throws {
        let harness = PoolHarness(workers: 1)
        harness.start()
        try harness.helloAll()
        harness.launcher.exit(harness.pids(.idle)[0], .exited(0))
        harness.childrenExited()
        XCTAssertEqual(harness.pool.supervisor.restarts, [.exit: 1])
    }

    /// The socket closes first and the exit status comes later (SIGCHLD): the slot is refilled
    /// at once, the restart counted when the status is collected, and until then one timer
    /// stands by in case SIGCHLD never comes.
    func testExitCollectedAfterTheSocketClosedIsCountedOnce() throws {
        let harness = PoolHarness(workers: 1)
        harness.start()
        try harness.helloAll()
        let victim = harness.pids(.idle)[0]

        harness.launcher.closeSocket(of: victim)
        XCTAssertEqual(harness.launcher.launched.count, 2, "refilled on the socket close")
        XCTAssertEqual(harness.pool.supervisor.restarts, [:], "not counted before the status is known")
        XCTAssertNotNil(harness.pool.supervisionTimer)

        harness.launcher.exit(victim, .exited(3))
        harness.childrenExited()
        harness.childrenExited()

        XCTAssertEqual(harness.pool.supervisor.restarts, [.crash: 1])
        XCTAssertEqual(harness.launcher.reapedStatuses.map(\.pid), [victim])
        XCTAssertNil(harness.pool.supervisionTimer)
    }

    /// Two workers die in the same instant, before their sockets report it. Each exit status
    /// is collected by exactly one `waitpid`, so neither is recorded as "status unavailable"
    /// nor counted as a second crash.
    func testTwoChildrenExitingTogetherAreReapedAndCountedOnceEach() throws {
        let harness = PoolHarness(workers: 2)
        harness.start()
        try harness.helloAll()
        let pids = harness.pids(.idle)

        for pid in pids {
            harness.launcher.exit(pid, .signaled(SIGKILL), closeSocket: false)
        }
        harness.childrenExited()

        XCTAssertEqual(harness.pool.supervisor.restarts, [.crash: 2])
        XCTAssertEqual(
            harness.pool.supervisor.lastExitBySlot.values.map(\.description),
            ["\(ChildProcessStatus.signaled(SIGKILL))", "\(ChildProcessStatus.signaled(SIGKILL))"],
            "no exit recorded as unknown"
        )
        XCTAssertEqual(harness.launcher.reapedStatuses.map(\.pid).sorted(), pids)
        XCTAssertEqual(harness.launcher.launched.count, 4, "two replacements, no more")
    }

    /// A slot whose worker cannot start waits 100 ms, 200 ms, 400 ms ... (±25 %) up to the
    /// cap between attempts, while the other slot serves.
    func testSlotThatCannotStartBacksOffExponentiallyUpToTheCapWhileOthersServe() throws {
        let harness = PoolHarness(workers: 2) { $0.maxBackoff = .seconds(1) }
        harness.launcher.launchFails = { slot, _ in slot == 1 }
        harness.start()
        try harness.helloAll()

        for base in [100, 200, 400, 800, 1000, 1000] as [Int64] {
            let restartAt = try XCTUnwrap(harness.pool.supervisor.slots[1].restartAt)
            let delay = (restartAt - harness.loop.now).nanoseconds / 1_000_000
            XCTAssertTrue((base * 3 / 4...base * 5 / 4).contains(delay), "delay \(delay) ms, expected about \(base)")
            XCTAssertEqual(harness.pool.supervisionTimer?.deadline, restartAt)
            harness.advance(by: .milliseconds(delay))
        }
        XCTAssertEqual(harness.pool.supervisor.slots[1].failures, 7)

        let request = harness.submit()
        try harness.answerAll(harness.pids(.busy)[0])
        XCTAssertEqual(harness.answers.map(\.status), [200])
        XCTAssertEqual(harness.answers.first?.requestID, request)

        harness.launcher.launchFails = { _, _ in false }
        harness.advance(by: .seconds(2))
        try harness.helloAll()
        XCTAssertEqual(harness.pool.supervisor.slots[1].failures, 0, "hello resets the backoff")
        XCTAssertTrue(harness.pool.isFullyReady)
    }

    func testWorkerExitingBeforeHelloIsAStartFailure() throws {
        let harness = PoolHarness(workers: 1)
        harness.start()
        harness.launcher.exit(harness.pids(.starting)[0], .exited(1))
        harness.childrenExited()
        XCTAssertEqual(harness.pool.supervisor.slots[0].failures, 1)
        XCTAssertEqual(harness.pool.supervisor.restarts, [:], "a start failure is not a restart")
        XCTAssertNotNil(harness.pool.supervisor.slots[0].restartAt)
        XCTAssertEqual(harness.launcher.launched.count, 1, "waits for the backoff")
        harness.advance(by: .milliseconds(125))
        XCTAssertEqual(harness.launcher.launched.count, 2)
    }
}

/// Pool events in order, as text.
final class EventLog: @unchecked Sendable {
    private(set) var descriptions: [String] = []

    func append(_ event: PoolEvent) {
        switch event {
        case .ready: self.descriptions.append("ready")
        case .reloadStarted(let generation): self.descriptions.append("reload \(generation) started")
        case .reloadFinished(let generation, let succeeded):
            self.descriptions.append("reload \(generation) \(succeeded ? "finished" : "failed")")
        }
    }
}
