import Glibc
import XCTest

@testable import Gateway

/// Reaping exited workers: every exit is collected once, counted once, and refilled once.
final class WorkerPoolReapTests: XCTestCase {
    /// Two workers die in the same instant, before their sockets report it. Each exit status
    /// is collected by exactly one `waitpid`, so neither is recorded as "status unavailable"
    /// nor counted as a second crash.
    func testTwoChildrenExitingTogetherAreReapedAndCountedOnceEach() throws {
        let harness = PoolHarness(workers: 2)
        harness.start()
        try harness.helloAll()
        let pids = harness.pids(.idle)
        XCTAssertEqual(pids.count, 2)

        for pid in pids {
            harness.launcher.exit(pid, .signaled(SIGKILL), closeSocket: false)
        }
        harness.childrenExited()

        XCTAssertEqual(harness.pool.restarts, ["crash": 2])
        XCTAssertEqual(
            Set(harness.pool.lastExitBySlot.values),
            ["\(ChildProcessStatus.signaled(SIGKILL))"],
            "no exit recorded as unknown"
        )
        XCTAssertEqual(harness.launcher.launched.count, 4, "two replacements, no more")
        XCTAssertEqual(harness.pids(.starting).count, 2)
    }
}
