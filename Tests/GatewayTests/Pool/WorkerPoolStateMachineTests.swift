import Glibc
import NIOCore
import XCTest

@testable import Gateway

/// The supervisor's decisions without a pool, processes or a clock: events in, actions out.
final class WorkerPoolStateMachineTests: XCTestCase {
    private typealias Machine = WorkerPoolStateMachine
    private let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000)

    private func machine(workers: Int = 2, maxRequests: Int = 0) -> Machine {
        Machine(
            configuration: Machine.Configuration(
                workers: workers,
                maxRequests: maxRequests,
                maxRequestsJitter: 0,
                killGrace: .seconds(2),
                maxBackoff: .seconds(30)
            )
        )
    }

    private func launches(_ actions: [Machine.Action]) -> [Machine.LaunchOrder] {
        actions.compactMap { if case .launch(let order) = $0 { return order } else { return nil } }
    }

    private func signals(_ actions: [Machine.Action]) -> [String] {
        actions.compactMap {
            if case .signal(let pid, let signal) = $0 { return "\(pid) \(signal)" } else { return nil }
        }
    }

    private func restarts(_ actions: [Machine.Action]) -> [WorkerRestartReason] {
        actions.compactMap { if case .countRestart(let reason) = $0 { return reason } else { return nil } }
    }

    /// Starts every slot and lets each worker say hello; returns the workers' ids by slot.
    private func ready(_ machine: inout Machine) -> [Machine.WorkerID] {
        var ids: [Machine.WorkerID] = []
        for order in self.launches(machine.start(now: self.t0)) {
            let (worker, _) = machine.launched(order, pid: pid_t(100 + order.slot), now: self.t0)
            _ = machine.helloReceived(worker.id, protocolVersion: 1, expected: 1, now: self.t0)
            ids.append(worker.id)
        }
        return ids
    }

    func testStartOrdersOneLaunchPerSlotAndHelloAdmitsAndAnnouncesReadiness() {
        var machine = self.machine(workers: 2)
        let orders = self.launches(machine.start(now: self.t0))
        XCTAssertEqual(orders.map(\.slot), [0, 1])
        XCTAssertTrue(self.launches(machine.start(now: self.t0)).isEmpty, "a launch under way occupies the slot")

        let (first, _) = machine.launched(orders[0], pid: 100, now: self.t0)
        let (second, _) = machine.launched(orders[1], pid: 101, now: self.t0)
        let afterFirst = machine.helloReceived(first.id, protocolVersion: 1, expected: 1, now: self.t0)
        XCTAssertEqual(machine.idle, [first.id], "hello made it ready for requests")
        XCTAssertFalse(afterFirst.contains { if case .notify(.ready) = $0 { true } else { false } })
        let afterSecond = machine.helloReceived(second.id, protocolVersion: 1, expected: 1, now: self.t0)
        XCTAssertTrue(afterSecond.contains { if case .notify(.ready) = $0 { true } else { false } })
        XCTAssertNil(machine.timer, "nothing pending")
    }

    func testWrongProtocolVersionIsAStartFailureStoppedBySignal() {
        var machine = self.machine(workers: 1)
        let order = self.launches(machine.start(now: self.t0))[0]
        let (worker, _) = machine.launched(order, pid: 100, now: self.t0)
        let actions = machine.helloReceived(worker.id, protocolVersion: 9, expected: 1, now: self.t0)
        XCTAssertTrue(actions.contains { if case .drain(worker.id, 100, viaSignal: true) = $0 { true } else { false } })
        XCTAssertEqual(machine.slots[0].failures, 1)
        XCTAssertEqual(self.restarts(actions), [])
    }

    /// The same pid reported twice (a second `waitpid` that found ECHILD) is applied once.
    func testAnExitReportedTwiceCountsOnce() {
        var machine = self.machine(workers: 2)
        _ = self.ready(&machine)
        let actions = machine.supervise(
            reaped: [(100, .signaled(SIGKILL)), (101, .exited(0)), (100, .unknown)],
            now: self.t0
        )
        XCTAssertEqual(self.restarts(actions), [.crash, .exit])
        XCTAssertEqual(self.launches(actions).map(\.slot), [0, 1])
        XCTAssertEqual(machine.lastExitBySlot[0], .signaled(SIGKILL))
        XCTAssertEqual(machine.restarts, [.crash: 1, .exit: 1])
    }

    func testStopDeadlineSendsSigkillOnceAndTheTimerFollowsIt() {
        var driver = MachineDriver(workers: 1, requestTimeout: .seconds(5))
        let id = driver.ready()[0]
        driver.submit()
        XCTAssertEqual(driver.machine.timer, driver.now + .seconds(5), "the request's deadline")
        let stop = driver.advance(by: .seconds(5))
        XCTAssertEqual(driver.statuses, [504])
        XCTAssertEqual(MachineDriver.restarts(stop), [.timeout])
        XCTAssertTrue(stop.contains { if case .drain(id, 100, viaSignal: true) = $0 { true } else { false } })
        XCTAssertEqual(driver.machine.timer, driver.now + .seconds(2))

        XCTAssertEqual(MachineDriver.signals(driver.advance(by: .seconds(1))), [])
        XCTAssertEqual(MachineDriver.signals(driver.advance(by: .seconds(1))), ["100 9"])
        XCTAssertEqual(MachineDriver.signals(driver.advance(by: .seconds(1))), [])
        let reaped = driver.advance(by: .zero, reaped: [(100, .signaled(SIGKILL))])
        XCTAssertEqual(MachineDriver.restarts(reaped), [], "the timeout was the restart")
    }

    func testSocketClosedBeforeTheExitKeepsOneRetryTimerUntilReaped() {
        var machine = self.machine(workers: 1)
        let id = self.ready(&machine)[0]
        let closed = machine.socketClosed(id, reason: "socket closed", now: self.t0)
        XCTAssertTrue(closed.contains { if case .forget(id) = $0 { true } else { false } })
        let pass = machine.supervise(reaped: [], now: self.t0)
        XCTAssertEqual(self.launches(pass).map(\.slot), [0], "refilled before the exit is known")
        XCTAssertEqual(machine.timer, self.t0 + Machine.reapRetryInterval)
        let late = machine.supervise(reaped: [(100, .exited(1))], now: self.t0 + .milliseconds(10))
        XCTAssertEqual(self.restarts(late), [.crash])
        XCTAssertNil(machine.timer)
    }

    func testShutdownCompletesOnceEveryWorkerIsReapedAndStartsNoWorker() {
        var machine = self.machine(workers: 2)
        let ids = self.ready(&machine)
        let drained = machine.shutdownRequested(now: self.t0)
        XCTAssertEqual(self.launches(drained), [])
        XCTAssertEqual(MachineDriver.drains(drained), ids, "nothing waits: idle workers retire at once")
        let first = machine.supervise(reaped: [(100, .exited(0))], now: self.t0)
        XCTAssertFalse(first.contains { if case .shutdownComplete = $0 { true } else { false } })
        XCTAssertEqual(self.launches(first), [])
        let last = machine.supervise(reaped: [(101, .exited(0))], now: self.t0)
        XCTAssertTrue(last.contains { if case .shutdownComplete = $0 { true } else { false } })
        XCTAssertEqual(machine.restarts, [:])
    }

    func testRecycleWaitsForTheRunningOneAndTakesItsTurnAfter() {
        var driver = MachineDriver(workers: 2, maxRequests: 1)
        let ids = driver.ready()
        let first = driver.submit()
        let second = driver.submit()
        XCTAssertEqual(driver.sent.map(\.worker), ids)
        let replacement = MachineDriver.launches(driver.finish(first))
        XCTAssertEqual(replacement, [Machine.LaunchOrder(slot: 0, generation: 1, replacing: ids[0])])
        XCTAssertEqual(MachineDriver.launches(driver.finish(second)), [], "one recycle at a time")

        let (new, _) = driver.machine.launched(replacement[0], pid: 200, now: driver.now)
        let ready = driver.record(
            driver.machine.helloReceived(new.id, protocolVersion: 1, expected: 1, now: driver.now)
        )
        XCTAssertEqual(
            MachineDriver.drains(ready),
            [ids[0]],
            "the idle old worker retires once its replacement is ready"
        )
        XCTAssertEqual(MachineDriver.restarts(ready), [.recycle])
        XCTAssertEqual(MachineDriver.launches(ready), [Machine.LaunchOrder(slot: 1, generation: 1, replacing: ids[1])])
    }

    /// A worker whose replacement is ready may still finish pipelined requests past its
    /// limit: it gets no second replacement, and retires once it holds nothing.
    func testWorkerAlreadyReplacedIsNotRecycledAgain() {
        var driver = MachineDriver(workers: 1, pipelineDepth: 4, maxRequests: 2)
        let old = driver.ready()[0]
        let requests = [driver.submit(), driver.submit(), driver.submit()]
        XCTAssertEqual(driver.sent.count, 2, "not pipelined past its request limit")
        let order = MachineDriver.launches(driver.finish(requests[0]))
        XCTAssertEqual(order, [], "one answer short of the limit")
        let recycle = MachineDriver.launches(driver.finish(requests[1]))
        XCTAssertEqual(recycle.count, 1)
        XCTAssertEqual(driver.sending(of: requests[2])?.worker, old, "it serves while its replacement starts")
        let (new, _) = driver.machine.launched(recycle[0], pid: 200, now: driver.now)
        let ready = driver.record(
            driver.machine.helloReceived(new.id, protocolVersion: 1, expected: 1, now: driver.now)
        )
        XCTAssertEqual(MachineDriver.drains(ready), [], "busy: it finishes first")
        let last = driver.finish(requests[2])
        XCTAssertEqual(MachineDriver.drains(last), [old])
        XCTAssertEqual(MachineDriver.launches(last), [], "past its limit, but already replaced")
        XCTAssertEqual(driver.machine.restarts, [.recycle: 1])
        XCTAssertEqual(driver.statuses, [200, 200, 200])
    }

    func testBackoffDoublesPerFailureWithinJitterAndStopsAtTheCap() {
        for (failures, base) in [(1, 0.1), (2, 0.2), (3, 0.4), (6, 3.2), (12, 30.0), (40, 30.0)] {
            let delay = Double(Machine.backoff(afterFailures: failures, cap: .seconds(30)).nanoseconds) / 1e9
            XCTAssertTrue((base * 0.75...base * 1.25).contains(delay), "\(failures) failures: \(delay) s")
        }
    }
}
