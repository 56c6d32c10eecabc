import Glibc
import Logging
import NIOCore
import Protocol
import XCTest

@testable import Gateway

/// Cost classes: password hashing holds at most its share of the workers and waits in its
/// own queue; cheap requests never wait behind it while a worker is free.
final class WorkerPoolCostClassTests: XCTestCase {
    private let login = "/api/users/login"

    func testHashingBeyondItsShareWaitsWhileReadsTakeTheFreeWorkers() {
        var driver = MachineDriver(workers: 3, hashingWorkers: 1, hashingQueue: 4)
        _ = driver.ready()
        let first = driver.submit("POST", self.login)
        let second = driver.submit("POST", self.login)
        XCTAssertEqual(driver.running, [first], "one hashing at a time")
        XCTAssertEqual(driver.machine.queue.count(of: .passwordHashing), 1)
        let reads = [driver.submit(), driver.submit()]
        XCTAssertEqual(driver.running, [first] + reads, "reads go past the waiting login to the free workers")
        driver.finish(first)
        XCTAssertEqual(driver.running, reads + [second], "the next login takes the freed share")
        XCTAssertEqual(driver.machine.inFlightByClass, [2, 1])
    }

    func testAFullHashingQueueRefusesOnlyHashing() {
        var driver = MachineDriver(workers: 2, queueLimit: 1, hashingWorkers: 1, hashingQueue: 1)
        _ = driver.ready()
        driver.submit("POST", self.login)
        driver.submit("POST", "/api/users")
        let refused = driver.submit("PUT", "/api/user")
        XCTAssertEqual(driver.answers, [.init(requestID: refused, status: 503)])
        let request = ProxiedRequest(
            head: RequestHead(method: "POST", target: self.login, peerAddress: "", headers: []),
            body: ByteBuffer(),
            requestID: "late",
            receivedAt: driver.now,
            deliver: { _, _ in }
        )
        let held = driver.record(driver.machine.requestReceived(request, now: driver.now))
        XCTAssertTrue(
            held.contains { if case .answerLater(_, _, at: driver.now + .seconds(1)) = $0 { true } else { false } },
            "the refusal waits out its Retry-After, so a client retrying at once is slowed down"
        )
        XCTAssertEqual(driver.machine.rejectedByClass, [0, 2])
        let read = driver.submit("GET", "/api/user")
        XCTAssertNotNil(driver.sending(of: read), "the second worker is free for it")
        XCTAssertEqual(driver.statuses, [503, 503], "the read was not refused")
    }

    func testTheRefusalNamesTheClassAndAsksToRetry() {
        let error = GatewayError.classBusy(.passwordHashing)
        XCTAssertEqual(error.status, 503)
        XCTAssertEqual(error.retryAfterSeconds, 1)
        XCTAssertEqual(error.message, "is busy with password hashing, retry later")
    }

    /// Logins are not starved by a read flood: with room in their share, the oldest waiting
    /// request runs first, whatever its class.
    func testTheOldestWaitingRequestRunsFirstWhenItsClassHasRoom() {
        var driver = MachineDriver(workers: 1, queueLimit: 8, hashingWorkers: 1, hashingQueue: 4)
        _ = driver.ready()
        let busy = driver.submit()
        driver.now = driver.now + .milliseconds(1)
        let read = driver.submit()
        driver.now = driver.now + .milliseconds(1)
        let loginID = driver.submit("POST", self.login)
        driver.finish(busy)
        XCTAssertEqual(driver.running, [read])
        driver.finish(read)
        XCTAssertEqual(driver.running, [loginID])
    }

    /// A login is never pipelined, and no younger read is pipelined past it while it has room:
    /// the worker drains and the login takes it.
    func testLoginsAreNeverPipelinedAndNotOvertakenByPipelining() {
        var driver = MachineDriver(workers: 1, queueLimit: 8, pipelineDepth: 4, hashingWorkers: 1)
        _ = driver.ready()
        let read = driver.submit()
        driver.now = driver.now + .milliseconds(1)
        let loginID = driver.submit("POST", self.login)
        driver.now = driver.now + .milliseconds(1)
        let secondRead = driver.submit()
        XCTAssertEqual(driver.running, [read], "the login waits for a free worker, the read behind it too")
        driver.finish(read)
        XCTAssertEqual(driver.running, [loginID])
        driver.finish(loginID)
        XCTAssertEqual(driver.running, [secondRead])
    }

    func testAHashingRequestOfADeadWorkerGivesItsShareBack() {
        var driver = MachineDriver(workers: 2, hashingWorkers: 1, hashingQueue: 4)
        let ids = driver.ready()
        driver.submit("POST", self.login, writeKey: "k")
        let waiting = driver.submit("POST", "/api/users", writeKey: "k2")
        driver.exit(ids[0], .signaled(SIGKILL))
        XCTAssertEqual(driver.machine.inFlightByClass, [0, 1], "the question about the dead login holds the share")
        XCTAssertNil(driver.sending(of: waiting))
        driver.finish(
            "r1",
            headers: [HeaderField(name: InternalHeaders.outcome, value: InternalHeaders.outcomeNotCommitted)]
        )
        XCTAssertEqual(driver.statuses, [502])
        XCTAssertNotNil(driver.sending(of: waiting))
        driver.finish(waiting)
        XCTAssertEqual(driver.machine.inFlightByClass, [0, 0])
    }

    func testWithoutALimitOrARouteTableEverythingIsStandard() {
        var machine = MachineDriver(workers: 1).machine
        let head = RequestHead(method: "POST", target: "/api/users/login?x=1", peerAddress: "", headers: [])
        XCTAssertEqual(machine.costClass(of: head), .standard, "no hello yet")
        machine.routeCosts = MachineDriver.apiRouteCosts
        XCTAssertEqual(machine.costClass(of: head), .passwordHashing, "the query is not part of the path")
        XCTAssertTrue(machine.hasRoom(for: .passwordHashing), "no limit configured")
    }

    /// A flood of refusals logs one line a second, with the count, not one line each.
    func testRefusalsAreLoggedAtMostOnceASecond() {
        var driver = MachineDriver(workers: 1, queueLimit: 0)
        _ = driver.ready()
        driver.submit()
        func logLines(_ actions: [WorkerPoolStateMachine.Action]) -> [String] {
            actions.compactMap {
                if case .log(_, let message, let metadata) = $0, message == "queue full, answering 503" {
                    return "\(metadata["refused_since_last_line"] ?? "")"
                }
                return nil
            }
        }
        var lines: [String] = []
        for _ in 0..<100 {
            driver.now = driver.now + .milliseconds(15)
            lines += logLines(driver.record(driver.machine.requestReceived(Self.read(driver.now), now: driver.now)))
        }
        XCTAssertEqual(driver.statuses.count, 100)
        XCTAssertEqual(
            lines,
            ["1", "67"],
            "at 15 ms, then at 1.02 s with the 67 since; the last 32 wait for the next line"
        )
    }

    private static func read(_ now: NIODeadline) -> ProxiedRequest {
        ProxiedRequest(
            head: RequestHead(method: "GET", target: "/", peerAddress: "", headers: []),
            body: ByteBuffer(),
            requestID: "x",
            receivedAt: now,
            deliver: { _, _ in }
        )
    }
}
