import Glibc
import NIOCore
import Protocol
import XCTest

@testable import Gateway

/// The state machine's dispatch decisions without a pool, processes or a clock: which worker
/// runs each request, what waits, what is pipelined, and what becomes of requests when
/// workers fail.
final class WorkerPoolDispatchTests: XCTestCase {
    func testTheWorkerIdleLongestGetsTheNextRequest() {
        var driver = MachineDriver(workers: 3)
        let ids = driver.ready()
        let first = driver.submit()
        let second = driver.submit()
        XCTAssertEqual(driver.sent.map(\.worker), [ids[0], ids[1]])
        driver.finish(first)
        driver.submit()
        XCTAssertEqual(driver.sent.last?.worker, ids[2], "idle since hello, longer than the first")
        driver.finish(second)
        driver.submit()
        XCTAssertEqual(driver.sent.last?.worker, ids[0])
    }

    func testQueuedRequestsRunInArrivalOrderAndThoseBeyondTheLimitGet503() {
        var driver = MachineDriver(workers: 1, queueLimit: 2)
        _ = driver.ready()
        let running = driver.submit()
        let queued = [driver.submit(), driver.submit()]
        let refused = driver.submit()
        XCTAssertEqual(driver.answers, [.init(requestID: refused, status: 503)])
        XCTAssertEqual(driver.machine.queue.count, 2)
        driver.finish(running)
        XCTAssertEqual(driver.sent.last?.requestID, queued[0])
        driver.finish(queued[0])
        XCTAssertEqual(driver.sent.last?.requestID, queued[1])
    }

    func testReadsArePipelinedOnlyBehindYoungReads() {
        var driver = MachineDriver(workers: 1, queueLimit: 8, pipelineDepth: 2)
        let id = driver.ready()[0]
        let head = driver.submit("GET")
        let behind = driver.submit("GET")
        XCTAssertEqual(driver.sending(of: behind)?.worker, id, "written behind the running read")
        let third = driver.submit("GET")
        XCTAssertNil(driver.sending(of: third), "depth 2: one running, one behind")
        driver.finish(head)
        XCTAssertEqual(driver.sending(of: third)?.worker, id, "room again behind the new current one")

        driver.finish(behind)
        driver.finish(third)
        driver.submit("POST", "/api/articles")
        let afterWrite = driver.submit("GET")
        XCTAssertNil(driver.sending(of: afterWrite), "nothing waits behind a write")
    }

    func testNothingIsPipelinedBehindAReadRunningPastTheHeadLimit() {
        var driver = MachineDriver(workers: 1, queueLimit: 8, pipelineDepth: 4)
        _ = driver.ready()
        let slow = driver.submit("GET")
        driver.now = driver.now + WorkerPoolStateMachine.pipelineHeadLimit
        let waiting = driver.submit("GET")
        XCTAssertNil(driver.sending(of: waiting), "it waits in the gateway, where any free worker may take it")
        driver.finish(slow)
        XCTAssertNotNil(driver.sending(of: waiting))
    }

    /// The worker died: the read it ran is retried once elsewhere, the reads pipelined behind
    /// it (never started) go back to the front of the queue in their order.
    func testRequestsOfADeadWorkerGoBackInOrder() {
        var driver = MachineDriver(workers: 2, queueLimit: 8, pipelineDepth: 3)
        let ids = driver.ready()
        let running = driver.submit("GET")
        let write = driver.submit("POST", "/api/articles")
        let pipelined = [driver.submit("GET"), driver.submit("GET")]
        XCTAssertEqual(driver.sending(of: write)?.worker, ids[1])
        XCTAssertEqual(pipelined.map { driver.sending(of: $0)?.worker }, [ids[0], ids[0]], "not behind the write")

        driver.exit(ids[0], .signaled(SIGKILL))
        XCTAssertEqual(driver.machine.queue.count, 3)
        driver.finish(write)
        XCTAssertEqual(driver.sent.suffix(3).map(\.requestID), [running] + pipelined)
        XCTAssertEqual(Set(driver.sent.suffix(3).map(\.worker)), [ids[1]])
        for requestID in [running] + pipelined {
            driver.finish(requestID)
        }
        XCTAssertEqual(driver.answers.map(\.requestID), [write, running] + pipelined)
        XCTAssertEqual(Set(driver.statuses), [200])
    }

    func testAnswerBrokenOffMidwayIs502AndAReadNotYetAnsweredIsRetried() {
        var driver = MachineDriver(workers: 2)
        let ids = driver.ready()
        let started = driver.submit("GET")
        let notStarted = driver.submit("GET")
        let first = driver.sending(of: started)!
        driver.record(
            driver.machine.responseHeadReceived(
                first.worker,
                frameID: first.frameID,
                head: ResponseHead(status: 200, headers: []),
                now: driver.now
            )
        )
        let broken = driver.record(driver.machine.misbehaved(first.worker, reason: "garbage", now: driver.now))
        XCTAssertEqual(driver.answers, [.init(requestID: started, status: 502)])
        XCTAssertEqual(MachineDriver.restarts(broken), [.crash])

        driver.record(driver.machine.misbehaved(ids[1], reason: "garbage", now: driver.now))
        XCTAssertEqual(driver.answers.count, 1, "no answer had started: the read waits for another worker")
        XCTAssertTrue(driver.machine.queue.first?.requestID == notStarted)
    }

    func testAResponseFrameForAnotherRequestStopsTheWorker() {
        var driver = MachineDriver(workers: 1)
        let id = driver.ready()[0]
        let request = driver.submit("POST", "/api/articles")
        let frameID = driver.sending(of: request)!.frameID
        let actions = driver.record(
            driver.machine.responseHeadReceived(
                id,
                frameID: frameID + 1,
                head: ResponseHead(status: 200, headers: []),
                now: driver.now
            )
        )
        XCTAssertEqual(MachineDriver.drains(actions), [id])
        XCTAssertEqual(driver.statuses, [502], "a write is never run again")
    }

    func testAResponseOverTheSizeLimitIs502() {
        var driver = MachineDriver(workers: 1, maxResponseSize: 8)
        let id = driver.ready()[0]
        let request = driver.submit()
        let frameID = driver.sending(of: request)!.frameID
        driver.record(
            driver.machine.responseHeadReceived(
                id,
                frameID: frameID,
                head: ResponseHead(status: 200, headers: []),
                now: driver.now
            )
        )
        var chunk = ByteBuffer(string: "12345")
        XCTAssertTrue(driver.machine.responseBodyReceived(id, frameID: frameID, chunk: &chunk, now: driver.now).isEmpty)
        chunk = ByteBuffer(string: "6789")
        driver.record(driver.machine.responseBodyReceived(id, frameID: frameID, chunk: &chunk, now: driver.now))
        XCTAssertEqual(driver.statuses, [502])
    }

    /// A write whose worker died is not run again: another worker is asked whether it
    /// committed, and the client gets the recorded answer or 502.
    func testAWriteOfADeadWorkerBecomesAQuestionWhoseAnswerDecides() {
        for (recorded, expected) in [(InternalHeaders.outcomeNotCommitted, 502), ("committed", 201)] {
            var driver = MachineDriver(workers: 2)
            let ids = driver.ready()
            let write = driver.submit("POST", "/api/articles", writeKey: "k1")
            driver.exit(ids[0], .signaled(SIGKILL))
            XCTAssertEqual(driver.sending(of: write)?.worker, ids[1], "the question went to the other worker")
            driver.finish(write, status: 201, headers: [HeaderField(name: InternalHeaders.outcome, value: recorded)])
            XCTAssertEqual(driver.statuses, [expected], recorded)
        }
    }

    /// The one timer follows the earliest request deadline without being moved for every
    /// request: a request that finishes leaves it; when it fires early it moves on.
    func testRequestDeadlinesShareTheOneTimer() {
        var driver = MachineDriver(workers: 2, requestTimeout: .seconds(10))
        _ = driver.ready()
        let t0 = driver.now
        let first = driver.submit()
        XCTAssertEqual(driver.machine.timer, t0 + .seconds(10))
        driver.now = t0 + .seconds(4)
        driver.submit()
        XCTAssertEqual(driver.machine.timer, t0 + .seconds(10), "a later deadline does not move it")
        driver.finish(first)
        XCTAssertEqual(driver.machine.timer, t0 + .seconds(10), "finishing does not move it either")
        driver.advance(by: .seconds(6))
        XCTAssertEqual(driver.statuses, [200], "fired early: nothing due")
        XCTAssertEqual(driver.machine.timer, t0 + .seconds(14), "now the second request's deadline")
        driver.advance(by: .seconds(4))
        XCTAssertEqual(driver.statuses, [200, 504])
    }

    func testWhileStoppingNewRequestsGet503AndQueuedOnesStillRun() {
        var driver = MachineDriver(workers: 1)
        let id = driver.ready()[0]
        let running = driver.submit()
        let queued = driver.submit()
        let stop = driver.record(driver.machine.shutdownRequested(now: driver.now))
        XCTAssertEqual(MachineDriver.drains(stop), [], "busy workers finish first")
        let late = driver.submit()
        XCTAssertEqual(driver.answers, [.init(requestID: late, status: 503)])
        driver.finish(running)
        let last = driver.finish(queued)
        XCTAssertEqual(MachineDriver.drains(last), [id], "nothing left: it retires")
        XCTAssertEqual(driver.statuses, [503, 200, 200])
    }

    func testAtTheGracefulTimeoutWhatWaitsOrRunsGets503AndEveryWorkerSigkill() {
        var driver = MachineDriver(workers: 1, queueLimit: 4, pipelineDepth: 2)
        _ = driver.ready()
        driver.submit()
        driver.submit()
        driver.now = driver.now + .seconds(1)
        driver.submit()
        driver.record(driver.machine.shutdownRequested(now: driver.now))
        let actions = driver.record(driver.machine.gracefulTimeoutPassed(now: driver.now))
        XCTAssertEqual(driver.statuses, [503, 503, 503], "queued, running and pipelined")
        XCTAssertEqual(MachineDriver.signals(actions), ["100 9"])
        let done = driver.advance(by: .zero, reaped: [(100, .signaled(SIGKILL))])
        XCTAssertTrue(done.contains { if case .shutdownComplete = $0 { true } else { false } })
    }
}
