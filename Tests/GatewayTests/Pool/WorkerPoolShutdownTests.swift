import Glibc
import NIOCore
import NIOEmbedded
import Protocol
import XCTest

@testable import Gateway

/// SIGTERM: stop taking work, let what is in hand finish, drain every worker, SIGKILL the
/// ones that outlive their grace, and give up on the rest at the graceful timeout.
final class WorkerPoolShutdownTests: XCTestCase {
    func testShutdownFinishesTheRequestInHandThenDrainsEveryWorker() throws {
        let harness = PoolHarness(workers: 2)
        harness.start()
        try harness.helloAll()
        harness.submit()
        let busy = harness.pids(.busy)[0]
        let idle = harness.pids(.idle)[0]
        _ = try harness.framesSent(to: idle)

        let stopped = harness.pool.shutdown(gracefulTimeout: .seconds(30))
        harness.loop.run()
        XCTAssertEqual(harness.worker(idle)?.state, .draining)
        XCTAssertEqual(try harness.framesSent(to: idle).map(\.message), [.drain])
        harness.submit()
        XCTAssertEqual(harness.answers.map(\.status), [503], "no new work while stopping")

        try harness.answerAll(busy)
        XCTAssertEqual(harness.answers.map(\.status), [503, 200])
        XCTAssertEqual(harness.worker(busy)?.state, .draining)

        var done = false
        stopped.whenComplete { _ in done = true }
        harness.launcher.exit(idle, .exited(0))
        harness.childrenExited()
        XCTAssertFalse(done)
        harness.launcher.exit(busy, .exited(0))
        harness.childrenExited()
        XCTAssertTrue(done)
        XCTAssertEqual(harness.launcher.launched.count, 2, "no respawn while stopping")
        XCTAssertEqual(harness.pool.supervisor.restarts, [:])
        XCTAssertEqual(harness.launcher.signals.count, 0, "nobody needed a signal")
    }

    func testWorkerThatIgnoresTheDrainIsKilledAfterItsGrace() throws {
        let harness = PoolHarness(workers: 1) { $0.killGrace = .seconds(2) }
        harness.start()
        try harness.helloAll()
        let stubborn = harness.pids(.idle)[0]
        let stopped = harness.pool.shutdown(gracefulTimeout: .seconds(30))
        harness.loop.run()

        harness.advance(by: .milliseconds(1999))
        XCTAssertEqual(harness.launcher.pids(signalled: SIGKILL), [])
        harness.advance(by: .milliseconds(1))
        XCTAssertEqual(harness.launcher.pids(signalled: SIGKILL), [stubborn])
        harness.childrenExited()
        XCTAssertNoThrow(try stopped.wait())
        XCTAssertEqual(harness.pool.supervisor.lastExitBySlot[0], .signaled(SIGKILL))
    }

    func testGracefulTimeoutAnswersWhatIsLeftAndKillsEveryWorker() throws {
        let harness = PoolHarness(workers: 1) { $0.killGrace = .seconds(60) }
        harness.start()
        try harness.helloAll()
        harness.submit()
        let stuck = harness.pids(.busy)[0]
        let stopped = harness.pool.shutdown(gracefulTimeout: .seconds(10))
        harness.loop.run()

        harness.advance(by: .seconds(10))
        XCTAssertEqual(harness.answers.map(\.status), [503])
        XCTAssertEqual(harness.launcher.pids(signalled: SIGKILL), [stuck])
        harness.childrenExited()
        XCTAssertNoThrow(try stopped.wait())
    }
}
