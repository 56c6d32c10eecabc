import Glibc
import NIOCore
import NIOEmbedded
import Protocol
import XCTest

@testable import Gateway

/// What clients get when workers are slow, die, or are all busy.
final class WorkerPoolRequestTests: XCTestCase {
    func testRequestPastTheDeadlineGets504AndTheWorkerIsReplaced() throws {
        let harness = PoolHarness(workers: 1) { $0.requestTimeout = .seconds(5) }
        harness.start()
        try harness.helloAll()
        let slow = harness.pids(.idle)[0]
        harness.submit()

        harness.advance(by: .milliseconds(4999))
        XCTAssertEqual(harness.answers.count, 0)
        harness.advance(by: .milliseconds(1))

        XCTAssertEqual(harness.answers.map(\.status), [504])
        XCTAssertEqual(harness.launcher.pids(signalled: SIGTERM), [slow])
        XCTAssertEqual(harness.pool.supervisor.restarts, [.timeout: 1])
        XCTAssertEqual(harness.launcher.launched.count, 2, "replacement started at once")
        harness.advance(by: .seconds(2))
        XCTAssertEqual(harness.launcher.pids(signalled: SIGKILL), [slow], "SIGKILL after the grace")
        XCTAssertEqual(harness.pool.supervisor.restarts, [.timeout: 1], "the kill is not a second restart")
    }

    func testGetWhoseWorkerDiedIsRetriedOnceOnAnotherWorker() throws {
        let harness = PoolHarness(workers: 2)
        harness.start()
        try harness.helloAll()
        harness.submit("GET")
        let first = harness.pids(.busy)[0]
        XCTAssertEqual(try harness.requestsSent(to: first).count, 1)

        harness.launcher.exit(first, .signaled(SIGKILL))
        harness.childrenExited()

        let second = try XCTUnwrap(harness.pids(.busy).first)
        XCTAssertNotEqual(second, first)
        try harness.answerAll(second)
        XCTAssertEqual(harness.answers.map(\.status), [200])
        XCTAssertEqual(harness.answers.first?.workerPID, second)
    }

    func testGetIsRetriedOnlyOnce() throws {
        let harness = PoolHarness(workers: 2)
        harness.start()
        try harness.helloAll()
        harness.submit("GET")
        harness.launcher.exit(harness.pids(.busy)[0], .signaled(SIGKILL))
        harness.childrenExited()
        harness.launcher.exit(harness.pids(.busy)[0], .signaled(SIGKILL))
        harness.childrenExited()
        XCTAssertEqual(harness.answers.map(\.status), [502])
    }

    func testPostWhoseWorkerDiedIsNeverRunAgain() throws {
        let harness = PoolHarness(workers: 2)
        harness.start()
        try harness.helloAll()
        harness.submit("POST", "/api/articles")
        harness.launcher.exit(harness.pids(.busy)[0], .signaled(SIGKILL))
        harness.childrenExited()
        XCTAssertEqual(harness.answers.map(\.status), [502])
        XCTAssertEqual(harness.pids(.busy), [], "not sent to the other worker")
    }

    /// With a write key the other worker is only asked what became of the write: the same
    /// head with `Rookery-Outcome-Of` and no body, never the write itself.
    func testPostWithWriteKeyOnlyAsksAnotherWorkerWhetherItCommitted() throws {
        let harness = PoolHarness(workers: 2)
        harness.start()
        try harness.helloAll()
        harness.submit("POST", "/api/articles", writeKey: "k1")
        harness.launcher.exit(harness.pids(.busy)[0], .signaled(SIGKILL))
        harness.childrenExited()

        let asked = try XCTUnwrap(harness.pids(.busy).first)
        let heads = try harness.framesSent(to: asked).compactMap { frame -> RequestHead? in
            if case .requestHead(let head) = frame.message { return head }
            return nil
        }
        XCTAssertEqual(heads.count, 1)
        XCTAssertEqual(heads.first?.headers.first(named: InternalHeaders.outcomeOf), "k1")
    }

    func testRequestsPastTheQueueLimitGet503() throws {
        let harness = PoolHarness(workers: 1) { $0.queueLimit = 2 }
        harness.start()
        try harness.helloAll()
        for _ in 0..<4 {
            harness.submit()
        }
        XCTAssertEqual(harness.answers.map(\.status), [503], "one running, two waiting, the fourth refused")
        XCTAssertEqual(harness.pool.supervisor.queue.count, 2)
        let worker = harness.pids(.busy)[0]
        for _ in 0..<3 {
            try harness.answerAll(worker)
        }
        XCTAssertEqual(harness.answers.map(\.status), [503, 200, 200, 200])
    }
}
