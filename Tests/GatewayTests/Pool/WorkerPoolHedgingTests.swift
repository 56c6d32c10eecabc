import Glibc
import NIOCore
import Protocol
import XCTest

@testable import Gateway

/// Hedged reads: a GET waiting in a worker's socket behind a request that stalls is also
/// given to an idle worker; the first answer wins, the client gets exactly one.
final class WorkerPoolHedgingTests: XCTestCase {
    /// Two workers: a read runs on the first with another read pipelined behind it, while a
    /// write keeps the second busy; then the write finishes and the second is idle.
    private func stalledPipeline() -> (MachineDriver, [WorkerPoolStateMachine.WorkerID], head: String, behind: String) {
        var driver = MachineDriver(workers: 2, queueLimit: 8, pipelineDepth: 4, hedgeAfter: .milliseconds(100))
        let ids = driver.ready()
        let head = driver.submit("GET", "/api/tags")
        let write = driver.submit("POST", "/api/articles")
        let behind = driver.submit("GET", "/api/articles")
        XCTAssertEqual(driver.sending(of: behind)?.worker, ids[0], "pipelined behind the young read")
        driver.finish(write)
        return (driver, ids, head, behind)
    }

    func testAReadBehindAStalledRequestGoesToAnIdleWorkerAndIsAnsweredOnce() {
        var (driver, ids, head, behind) = self.stalledPipeline()
        XCTAssertEqual(driver.machine.timer, driver.now + .milliseconds(100), "the timer follows the hedge")
        driver.advance(by: .milliseconds(99))
        XCTAssertEqual(driver.sendings(of: behind).count, 1, "not stalled yet")
        driver.advance(by: .milliseconds(1))
        XCTAssertEqual(driver.sendings(of: behind).map(\.worker), [ids[0], ids[1]], "hedged to the idle worker")
        XCTAssertEqual(driver.machine.hedgedRequests, 1)

        driver.finish(behind, on: ids[1])
        XCTAssertEqual(driver.answers.last?.requestID, behind)
        driver.finish(head)
        driver.finish(behind, on: ids[0])
        XCTAssertEqual(driver.answers.filter { $0.requestID == behind }.count, 1, "the later answer is dropped")
        XCTAssertEqual(driver.statuses, [200, 200, 200])
        XCTAssertTrue(driver.machine.hedges.isEmpty)
        XCTAssertEqual(driver.machine.inFlightByClass, [0, 0])
    }

    func testTheOriginalMayWinToo() {
        var (driver, ids, head, behind) = self.stalledPipeline()
        driver.advance(by: .milliseconds(100))
        driver.finish(head)
        driver.finish(behind, on: ids[0])
        driver.finish(behind, on: ids[1])
        XCTAssertEqual(driver.answers.map(\.requestID).filter { $0 == behind }.count, 1)
    }

    func testACopyWhoseWorkerDiedLeavesTheOtherToAnswer() {
        var (driver, ids, head, behind) = self.stalledPipeline()
        driver.advance(by: .milliseconds(100))
        driver.exit(ids[1], .signaled(SIGKILL))
        XCTAssertEqual(driver.machine.queue.count, 0, "not retried: the original still waits")
        XCTAssertFalse(driver.answers.contains { $0.requestID == behind })
        driver.finish(head)
        driver.finish(behind, on: ids[0])
        XCTAssertEqual(driver.answers.filter { $0.requestID == behind }.map(\.status), [200])
    }

    func testWhenBothCopiesAreLostTheReadIsRetriedOnce() {
        var (driver, ids, _, behind) = self.stalledPipeline()
        driver.advance(by: .milliseconds(100))
        driver.exit(ids[1], .signaled(SIGKILL))
        driver.exit(ids[0], .signaled(SIGKILL))
        XCTAssertEqual(driver.machine.queue.count, 2, "the stalled read (retry) and the read behind it (requeued)")
        XCTAssertTrue(driver.machine.hedges.isEmpty)
        XCTAssertEqual(driver.statuses, [200], "only the write was answered")
    }

    func testWritesAreNeverHedged() {
        var driver = MachineDriver(workers: 2, queueLimit: 8, pipelineDepth: 4, hedgeAfter: .milliseconds(100))
        _ = driver.ready()
        driver.submit("GET")
        let write = driver.submit("POST", "/api/articles")
        let behindRead = driver.submit("PUT", "/api/articles/a")
        driver.finish(write)
        driver.advance(by: .seconds(1))
        XCTAssertEqual(driver.sendings(of: behindRead).count, 1)
        XCTAssertEqual(driver.machine.hedgedRequests, 0)
    }

    func testWithoutAThresholdNothingIsHedged() {
        var driver = MachineDriver(workers: 2, queueLimit: 8, pipelineDepth: 4)
        _ = driver.ready()
        driver.submit("GET")
        let write = driver.submit("POST", "/api/articles")
        let behind = driver.submit("GET")
        driver.finish(write)
        driver.advance(by: .seconds(5))
        XCTAssertEqual(driver.sendings(of: behind).count, 1)
    }

    /// Under full load a worker that frees up takes a stalled read before the queue: it was
    /// handed out before anything waiting there.
    func testAStalledReadGoesBeforeTheQueue() {
        var (driver, ids, _, behind) = self.stalledPipeline()
        let busy = driver.submit("GET", "/api/profiles/x")
        XCTAssertEqual(driver.sending(of: busy)?.worker, ids[1])
        driver.now = driver.now + .milliseconds(60)
        let queued = driver.submit("GET", "/api/articles?offset=20")
        XCTAssertNil(driver.sending(of: queued), "no worker takes it: the heads are too old to pipeline behind")
        driver.advance(by: .milliseconds(40))
        XCTAssertEqual(driver.sendings(of: behind).count, 1, "due, but no worker is idle")
        driver.finish(busy)
        XCTAssertEqual(driver.sendings(of: behind).map(\.worker), [ids[0], ids[1]], "the stalled read first")
        XCTAssertEqual(driver.sent.suffix(2).map(\.requestID), [behind, queued], "then the queue")
    }

    /// Under full load no worker is ever idle (each goes from one pipelined request to the
    /// next): the copy is pipelined behind another worker's young read.
    func testWithoutAnIdleWorkerTheCopyIsPipelinedElsewhere() {
        var (driver, ids, _, behind) = self.stalledPipeline()
        driver.now = driver.now + .milliseconds(90)
        let fresh = driver.submit("GET", "/api/profiles/x")
        XCTAssertEqual(driver.sending(of: fresh)?.worker, ids[1])
        driver.advance(by: .milliseconds(10))
        XCTAssertEqual(driver.sendings(of: behind).map(\.worker), [ids[0], ids[1]])
        driver.finish(fresh)
        driver.finish(behind, on: ids[1])
        XCTAssertEqual(driver.answers.suffix(2).map(\.requestID), [fresh, behind])
    }

    /// When every answer is slow (a CPU-starved host) a slow request ahead is not a stall: the
    /// threshold follows four times the usual answer time.
    func testTheThresholdFollowsTheUsualAnswerTime() {
        var machine = MachineDriver(workers: 1, hedgeAfter: .milliseconds(100)).machine
        XCTAssertEqual(machine.hedgeThreshold, .milliseconds(100))
        for _ in 0..<200 {
            machine.noteAnswered(after: .milliseconds(300))
        }
        let threshold = machine.hedgeThreshold?.nanoseconds ?? 0
        XCTAssertTrue((1_100_000_000...1_200_000_000).contains(threshold), "\(threshold)")
        for _ in 0..<200 {
            machine.noteAnswered(after: .milliseconds(2))
        }
        XCTAssertEqual(machine.hedgeThreshold, .milliseconds(100), "back to the floor")
    }

    /// Hedges spend a budget refilled by a tenth per answer: at most about 10 % extra work.
    func testHedgesStopWhenTheBudgetIsSpent() {
        var (driver, _, _, behind) = self.stalledPipeline()
        driver.machine.hedgeBudget = 0.5
        driver.advance(by: .milliseconds(100))
        XCTAssertEqual(driver.sendings(of: behind).count, 1, "no budget, no hedge")
        XCTAssertEqual(driver.machine.hedgedRequests, 0)
    }
}
