import Glibc
import Logging
import NIOCore
import Protocol

/// Which worker runs each request: an idle worker at once, else its cost class's bounded FIFO
/// queue (503 past it); with pipelining, a busy worker whose current read is young may take one
/// more. A class with a worker limit never holds more workers than that, so the other classes
/// always find workers free for them.
extension WorkerPoolStateMachine {
    /// A complete client request arrives.
    mutating func requestReceived(_ request: ProxiedRequest, now: NIODeadline) -> [Action] {
        var actions: [Action] = []
        if self.isStopping {
            actions.append(.answer(request, .gatewayError(.shuttingDown), workerPID: nil, statistics: nil))
            return actions
        }
        var request = request
        request.costClass = self.costClass(of: request.head)
        let costClass = request.costClass
        if self.queue.count(of: costClass) == 0, self.hasRoom(for: costClass), let worker = self.idle.first {
            self.assign(request, to: worker, now: now, into: &actions)
            return actions
        }
        guard self.queue.enqueue(request) else {
            self.rejectedByClass[Int(costClass.rawValue)] += 1
            actions.append(.countRejection(costClass))
            let response: GatewayError = costClass == .standard ? .queueFull : .classBusy(costClass)
            self.logRejection(of: request, now: now, into: &actions)
            if costClass == .standard {
                actions.append(.answer(request, .gatewayError(response), workerPID: nil, statistics: nil))
            } else {
                // Held for its Retry-After: a client that retries at once, as a credential-
                // stuffing tool does, is slowed to one attempt a second per connection instead
                // of spending the gateway's CPU on thousands of refusals a second.
                let delay = TimeAmount.seconds(Int64(response.retryAfterSeconds ?? 1))
                actions.append(.answerLater(request, response, at: now + delay))
            }
            return actions
        }
        self.dispatch(now: now, into: &actions)
        return actions
    }

    /// Logs a refusal: the first of a class at once, then at most one line a second with the
    /// count since the last one. A flood answered with 503 must not also flood the log (one
    /// line per refusal cost more CPU than the refusals themselves).
    private mutating func logRejection(of request: ProxiedRequest, now: NIODeadline, into actions: inout [Action]) {
        let index = Int(request.costClass.rawValue)
        self.rejectionsNotLogged[index] += 1
        if let last = self.lastRejectionLog[index], now - last < .seconds(1) { return }
        actions.append(
            .log(
                .warning,
                "queue full, answering 503",
                [
                    "request_id": .string(request.requestID), "cost_class": .string(request.costClass.label),
                    "refused_since_last_line": .stringConvertible(self.rejectionsNotLogged[index]),
                ]
            )
        )
        self.lastRejectionLog[index] = now
        self.rejectionsNotLogged[index] = 0
    }

    /// The class of a request by the route table of the workers' hello; `standard` unless a
    /// route says otherwise.
    func costClass(of head: RequestHead) -> CostClass {
        guard !self.routeCosts.isEmpty else { return .standard }
        let path = head.target.prefix { $0 != "?" }
        return self.routeCosts.first { $0.matches(method: head.method, path: path) }?.costClass ?? .standard
    }

    /// Whether the workers may take one more request of the class.
    func hasRoom(for costClass: CostClass) -> Bool {
        guard let limit = self.configuration.classWorkerLimits[costClass] else { return true }
        return self.inFlightByClass[Int(costClass.rawValue)] < limit
    }

    /// The class whose waiting request runs next: of the classes with room, the one whose
    /// oldest request arrived first.
    func nextClassToRun() -> CostClass? {
        var best: (costClass: CostClass, receivedAt: NIODeadline)?
        for costClass in CostClass.allCases where self.hasRoom(for: costClass) {
            guard let head = self.queue.first(of: costClass) else { continue }
            if let current = best, current.receivedAt <= head.receivedAt { continue }
            best = (costClass, head.receivedAt)
        }
        return best?.costClass
    }

    /// Hands queued requests to idle workers while there are both, then, with pipelining on,
    /// standard requests to busy workers with room behind their current request. While
    /// stopping, once nothing waits, idle workers retire.
    mutating func dispatch(now: NIODeadline, into actions: inout [Action]) {
        // Reads stuck behind a stalled request first: they were handed out before anything that
        // waits in the queue, and under full load a free worker is never idle for long.
        if self.hedgeIsDue(now: now) {
            self.hedgeStalledReads(now: now, into: &actions)
        }
        while let next = self.nextClassToRun() {
            if let worker = self.idle.first, let request = self.queue.dequeue(of: next) {
                self.assign(request, to: worker, now: now, into: &actions)
                continue
            }
            // Only standard requests wait in a busy worker's socket: an expensive one there
            // would hold the worker's place in the class's share without running. And none
            // goes past an older expensive request that has room: busy workers that always got
            // one more request would never be free for it.
            guard next == .standard, let worker = self.pickPipelineWorker(now: now),
                let request = self.queue.dequeue(of: .standard)
            else { break }
            self.assign(request, to: worker, now: now, into: &actions)
        }
        if self.isStopping, self.queue.isEmpty {
            self.retireUnoccupiedWorkers(now: now, into: &actions)
        }
    }

    /// A busy worker that may take one more request behind its current one, up to its
    /// pipeline limit: fewest waiting, then the one whose current request started first
    /// (likely the first to finish). Workers about to retire or recycle, workers holding a
    /// write (`acceptsPipelinedRequests`), and workers whose request already runs longer than
    /// `pipelineHeadLimit` (probably slow), get nothing more.
    func pickPipelineWorker(now: NIODeadline) -> WorkerID? {
        guard self.configuration.pipelineDepth > 1 else { return nil }
        var best: (id: WorkerID, waiting: Int, startedAt: NIODeadline)?
        for (id, worker) in self.workers where worker.phase == .serving && !worker.retireWhenIdle {
            let requests = worker.requests
            guard requests.acceptsPipelinedRequests, let startedAt = requests.current?.startedAt,
                requests.count < requests.pipelineLimit(depth: self.configuration.pipelineDepth),
                now - startedAt < Self.pipelineHeadLimit
            else { continue }
            if let limit = worker.requestLimit, worker.requestsServed + requests.count >= limit {
                continue
            }
            let waiting = requests.pipelined.count
            if let current = best,
                current.waiting < waiting || (current.waiting == waiting && current.startedAt <= startedAt)
            {
                continue
            }
            best = (id, waiting, startedAt)
        }
        return best?.id
    }

    /// A request running longer than this is likely slow: nothing is pipelined behind it.
    static var pipelineHeadLimit: TimeAmount { .milliseconds(50) }

    /// Writes the request to the worker: it runs at once if the worker was idle, else after
    /// what the worker holds.
    mutating func assign(
        _ request: ProxiedRequest,
        to id: WorkerID,
        hedgeID: UInt64? = nil,
        now: NIODeadline,
        into actions: inout [Action]
    ) {
        guard self.workers[id] != nil else {
            self.idle.removeAll { $0 == id }  // never expected: idle lists only live workers
            self.queue.requeueAtFront(request)
            return
        }
        let frameID = self.nextFrameID
        self.nextFrameID = self.nextFrameID == UInt32.max ? 1 : self.nextFrameID + 1
        var inFlight = InFlightRequest(request: request, frameID: frameID)
        inFlight.hedgeID = hedgeID
        inFlight.request.dispatchedAt = now
        self.inFlightByClass[Int(request.costClass.rawValue)] += 1
        if self.workers[id]?.requests.current == nil {
            self.idle.removeAll { $0 == id }
            self.start(&inFlight, now: now, into: &actions)
            self.workers[id]?.requests.current = inFlight
        } else {
            self.workers[id]?.requests.pipelined.append(inFlight)
            if let startedAt = self.workers[id]?.requests.current?.startedAt {
                self.notePipelined(behind: startedAt, into: &actions)
            }
        }
        actions.append(.send(id, frameID: frameID, request))
    }

    /// The worker begins the request now: its deadline starts. The one timer is moved only
    /// when this deadline comes first; a timer that fires for a request that has finished
    /// finds nothing to do and moves on to the next deadline.
    mutating func start(_ inFlight: inout InFlightRequest, now: NIODeadline, into actions: inout [Action]) {
        inFlight.startedAt = now
        inFlight.request.dispatchedAt = now
        let deadline = now + self.configuration.requestTimeout
        inFlight.deadline = deadline
        if self.timer.map({ deadline < $0 }) ?? true {
            self.timer = deadline
            actions.append(.scheduleTimer(at: deadline))
        }
    }

    /// A request left the worker that held it (answered, failed, put back or abandoned).
    mutating func left(_ inFlight: InFlightRequest) {
        self.inFlightByClass[Int(inFlight.request.costClass.rawValue)] -= 1
    }

    /// The worker holds no request: it retires if its replacement is ready or the pool stops
    /// with nothing left to do, starts recycling once over its request limit, and otherwise
    /// (also while its replacement starts) waits for the next request.
    mutating func becameIdle(_ id: WorkerID, now: NIODeadline, into actions: inout [Action]) {
        guard let worker = self.workers[id], worker.phase == .serving, worker.requests.isEmpty else { return }
        if worker.retireWhenIdle || (self.isStopping && self.queue.isEmpty) {
            self.retire(id, viaSignal: false, now: now, into: &actions)
            self.scheduleTimer(now: now, into: &actions)
            return
        }
        if !self.idle.contains(id) {
            self.idle.append(id)
        }
        if let limit = worker.requestLimit, worker.requestsServed >= limit {
            self.startRecycle(id, now: now, into: &actions)
        }
    }

    /// While stopping with nothing queued: idle workers and workers that have not said hello
    /// retire.
    mutating func retireUnoccupiedWorkers(now: NIODeadline, into actions: inout [Action]) {
        var retired = false
        for id in self.workers.keys.sorted() {
            guard let worker = self.workers[id] else { continue }
            switch worker.phase {
            case .starting:
                self.retire(id, viaSignal: false, now: now, into: &actions)
                retired = true
            case .serving where worker.requests.isEmpty:
                self.retire(id, viaSignal: false, now: now, into: &actions)
                retired = true
            case .serving, .stopping, .disconnected:
                break
            }
        }
        if retired {
            self.scheduleTimer(now: now, into: &actions)
        }
    }
}
