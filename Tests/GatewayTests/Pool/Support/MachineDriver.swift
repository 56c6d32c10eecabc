import Glibc
import NIOCore
import Protocol

@testable import Gateway

/// Drives a `WorkerPoolStateMachine` by hand: a manual clock, requests with ids, and a record
/// of what the machine wrote to workers and answered to clients. No pool, loop or process.
struct MachineDriver {
    typealias Machine = WorkerPoolStateMachine

    /// A request the machine wrote to a worker's socket.
    struct Sent: Equatable {
        var worker: Machine.WorkerID
        var frameID: UInt32
        var requestID: String
    }

    /// An answer a client got.
    struct Answer: Equatable {
        var requestID: String
        var status: Int
    }

    var machine: Machine
    var now = NIODeadline.uptimeNanoseconds(1_000_000_000)
    private(set) var sent: [Sent] = []
    private(set) var answers: [Answer] = []
    private var nextRequest = 1

    init(
        workers: Int,
        queueLimit: Int = 4,
        pipelineDepth: Int = 1,
        requestTimeout: TimeAmount = .seconds(30),
        maxRequests: Int = 0,
        hashingWorkers: Int? = nil,
        hashingQueue: Int? = nil,
        hedgeAfter: TimeAmount? = nil,
        maxResponseSize: Int = 64 << 20
    ) {
        self.machine = Machine(
            configuration: Machine.Configuration(
                workers: workers,
                maxRequests: maxRequests,
                maxRequestsJitter: 0,
                killGrace: .seconds(2),
                maxBackoff: .seconds(30),
                queueLimit: queueLimit,
                pipelineDepth: pipelineDepth,
                requestTimeout: requestTimeout,
                maxResponseSize: maxResponseSize,
                classWorkerLimits: hashingWorkers.map { [.passwordHashing: $0] } ?? [:],
                classQueueLimits: hashingQueue.map { [.passwordHashing: $0] } ?? [:],
                hedgeAfter: hedgeAfter
            )
        )
    }

    /// The routes the real worker declares as password hashing.
    static let apiRouteCosts = [
        RouteCost(method: "POST", template: "/api/users", costClass: .passwordHashing),
        RouteCost(method: "POST", template: "/api/users/login", costClass: .passwordHashing),
        RouteCost(method: "PUT", template: "/api/user", costClass: .passwordHashing),
    ]

    /// Records the sends and answers among `actions` and returns them.
    @discardableResult
    mutating func record(_ actions: [Machine.Action]) -> [Machine.Action] {
        for action in actions {
            switch action {
            case .send(let worker, let frameID, let request):
                self.sent.append(Sent(worker: worker, frameID: frameID, requestID: request.requestID))
            case .answer(let request, let response, _, _):
                let status: Int =
                    switch response {
                    case .worker(let head, _): Int(head.status)
                    case .gatewayError(let error): error.status
                    }
                self.answers.append(Answer(requestID: request.requestID, status: status))
            case .answerLater(let request, let error, _):
                self.answers.append(Answer(requestID: request.requestID, status: error.status))
            default:
                break
            }
        }
        return actions
    }

    /// Starts the pool and lets every worker say hello; their ids by slot (pid 100 + slot).
    mutating func ready() -> [Machine.WorkerID] {
        var ids: [Machine.WorkerID] = []
        for order in Self.launches(self.record(self.machine.start(now: self.now))) {
            let (worker, _) = self.machine.launched(order, pid: pid_t(100 + order.slot), now: self.now)
            self.record(
                self.machine.helloReceived(
                    worker.id,
                    protocolVersion: 1,
                    expected: 1,
                    routeCosts: Self.apiRouteCosts,
                    now: self.now
                )
            )
            ids.append(worker.id)
        }
        return ids
    }

    /// A client request arrives; returns its id ("r1", "r2", ...).
    @discardableResult
    mutating func submit(_ method: String = "GET", _ target: String = "/api/tags", writeKey: String? = nil) -> String {
        let requestID = "r\(self.nextRequest)"
        self.nextRequest += 1
        let request = ProxiedRequest(
            head: RequestHead(method: method, target: target, peerAddress: "127.0.0.1", headers: []),
            body: ByteBuffer(),
            requestID: requestID,
            writeKey: writeKey,
            receivedAt: self.now,
            deliver: { _, _ in }
        )
        self.record(self.machine.requestReceived(request, now: self.now))
        return requestID
    }

    /// Every place the request was sent, in order.
    func sendings(of requestID: String) -> [Sent] {
        self.sent.filter { $0.requestID == requestID }
    }

    /// Where the request was last sent.
    func sending(of requestID: String) -> Sent? {
        self.sent.last { $0.requestID == requestID }
    }

    /// The worker answers the request completely.
    @discardableResult
    mutating func finish(
        _ requestID: String,
        on worker: Machine.WorkerID? = nil,
        status: UInt16 = 200,
        headers: [HeaderField] = [],
        databaseRoundTrips: UInt32 = 1
    ) -> [Machine.Action] {
        guard let sending = self.sendings(of: requestID).last(where: { worker == nil || $0.worker == worker }) else {
            return []
        }
        let head = ResponseHead(status: status, headers: headers)
        self.record(
            self.machine.responseHeadReceived(sending.worker, frameID: sending.frameID, head: head, now: self.now)
        )
        var statistics = RequestStatistics(route: "/api/tags")
        statistics.databaseRoundTrips = databaseRoundTrips
        return self.record(
            self.machine.responseEndReceived(
                sending.worker,
                frameID: sending.frameID,
                statistics: statistics,
                now: self.now
            )
        )
    }

    /// Time passes; the one timer fires if it is due (a supervision pass).
    @discardableResult
    mutating func advance(by amount: TimeAmount, reaped: [(pid: pid_t, status: ChildProcessStatus)] = []) -> [Machine
        .Action]
    {
        self.now = self.now + amount
        return self.record(self.machine.supervise(reaped: reaped, now: self.now))
    }

    /// The worker's process exited: its socket closes and its status is collected.
    @discardableResult
    mutating func exit(_ id: Machine.WorkerID, _ status: ChildProcessStatus) -> [Machine.Action] {
        guard let pid = self.machine.workers[id]?.pid else { return [] }
        var actions = self.record(self.machine.socketClosed(id, reason: "socket closed", now: self.now))
        actions += self.record(self.machine.supervise(reaped: [(pid, status)], now: self.now))
        return actions
    }

    /// Ids of the requests that have been sent to a worker and not answered yet.
    var running: [String] {
        let answered = Set(self.answers.map(\.requestID))
        return self.sent.map(\.requestID).filter { !answered.contains($0) }
    }

    /// Statuses of the answers so far, in order.
    var statuses: [Int] { self.answers.map(\.status) }

    static func launches(_ actions: [Machine.Action]) -> [Machine.LaunchOrder] {
        actions.compactMap { if case .launch(let order) = $0 { return order } else { return nil } }
    }

    static func signals(_ actions: [Machine.Action]) -> [String] {
        actions.compactMap {
            if case .signal(let pid, let signal) = $0 { return "\(pid) \(signal)" } else { return nil }
        }
    }

    static func drains(_ actions: [Machine.Action]) -> [Machine.WorkerID] {
        actions.compactMap { if case .drain(let id, _, _) = $0 { return id } else { return nil } }
    }

    static func restarts(_ actions: [Machine.Action]) -> [WorkerRestartReason] {
        actions.compactMap { if case .countRestart(let reason) = $0 { return reason } else { return nil } }
    }
}
