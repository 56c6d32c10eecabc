import Glibc
import Logging
import NIOCore
import Protocol

/// What becomes of requests when their worker fails: it died, broke the protocol, ran past
/// the deadline, or the pool gave up waiting at shutdown.
extension WorkerPoolStateMachine {
    /// The worker is gone: requests pipelined on it go back to the front of the queue (none
    /// started), its current one is retried or failed (`failInFlight`).
    mutating func releaseRequests(of id: WorkerID, now: NIODeadline, into actions: inout [Action]) {
        self.idle.removeAll { $0 == id }
        guard let (current, pipelined) = self.workers[id]?.requests.removeAll() else { return }
        if !pipelined.isEmpty {
            actions.append(
                .log(
                    .info,
                    "requests pipelined on a stopped worker go back to the queue",
                    [
                        "worker_pid": .stringConvertible(self.workers[id]?.pid ?? 0),
                        "requests": .stringConvertible(pipelined.count),
                    ]
                )
            )
            for waiting in pipelined.reversed() {
                self.left(waiting)
                guard self.settleHedge(of: waiting, answering: false) else { continue }
                var request = waiting.request
                request.dispatchedAt = nil
                self.queue.requeueAtFront(request)
            }
        }
        if let current {
            self.left(current)
            if self.settleHedge(of: current, answering: false) {
                self.failInFlight(current, into: &actions)
            }
        }
    }

    /// A worker died before answering: GET and HEAD get one more try elsewhere; a write is
    /// never run again, but another worker is asked whether it committed (`WriteLedger` in the
    /// worker): the client gets the committed answer, or 502 when nothing was stored. A request
    /// whose response had started is never retried.
    mutating func failInFlight(_ inFlight: InFlightRequest, into actions: inout [Action]) {
        var request = inFlight.request
        request.attempts += 1
        request.dispatchedAt = nil
        let mayTryAgain = request.attempts < 2 && inFlight.responseHead == nil && !self.isStopping
        let requestID: Logger.Metadata = ["request_id": .string(request.requestID)]
        if mayTryAgain, request.isRetryable {
            actions.append(.log(.info, "retrying request on another worker", requestID))
            self.queue.requeueAtFront(request)
        } else if request.isAskingForOutcome, inFlight.responseHead == nil, request.attempts <= Self.outcomeQuestions {
            // Asking is safe to repeat: a tombstone left by the dead asker reads as "not committed".
            actions.append(.log(.info, "worker died while asking about a write, asking another one", requestID))
            self.queue.requeueAtFront(request)
        } else if mayTryAgain, request.askForOutcome() {
            actions.append(
                .log(.info, "worker died during a write, asking another worker whether it committed", requestID)
            )
            self.queue.requeueAtFront(request)
        } else {
            actions.append(.answer(request, .gatewayError(.workerDied), workerPID: nil, statistics: nil))
        }
    }

    /// How many workers may die while answering "what became of this write?" before the
    /// client gets 502 without an answer.
    static var outcomeQuestions: Int { 3 }

    /// A worker broke the protocol while answering: its request gets 502 if the answer had
    /// started, else the policy of a dead worker's request.
    mutating func failCurrentOfMisbehaving(_ id: WorkerID, into actions: inout [Action]) {
        guard let current = self.workers[id]?.requests.current else { return }
        self.workers[id]?.requests.current = nil
        self.left(current)
        guard self.settleHedge(of: current, answering: false) else { return }
        if current.responseHead != nil {
            actions.append(.answer(current.request, .gatewayError(.badWorkerResponse), workerPID: nil, statistics: nil))
        } else {
            self.failInFlight(current, into: &actions)
        }
    }

    /// Requests past their deadline get 504 and their worker is stopped with SIGTERM and
    /// replaced. What was pipelined behind them goes back to the queue when the worker is gone.
    mutating func enforceRequestDeadlines(now: NIODeadline, into actions: inout [Action]) {
        for id in self.workers.keys.sorted() {
            guard let worker = self.workers[id], let current = worker.requests.current,
                let deadline = current.deadline, deadline <= now
            else { continue }
            self.workers[id]?.requests.current = nil
            self.left(current)
            actions.append(
                .log(
                    .warning,
                    "request timed out, replacing worker",
                    ["worker_pid": .stringConvertible(worker.pid), "request_id": .string(current.request.requestID)]
                )
            )
            if self.settleHedge(of: current, answering: false) {
                actions.append(
                    .answer(current.request, .gatewayError(.timeout), workerPID: worker.pid, statistics: nil)
                )
            }
            switch worker.phase {
            case .starting, .serving:
                self.countRestart(.timeout, into: &actions)
                self.retire(id, viaSignal: true, now: now, into: &actions)
            case .stopping, .disconnected:
                break  // already on its way out; the kill deadline applies
            }
        }
    }

    /// The graceful timeout of a shutdown passed: whatever waits or runs gets 503, and every
    /// worker SIGKILL.
    mutating func gracefulTimeoutPassed(now: NIODeadline) -> [Action] {
        var actions: [Action] = [.log(.warning, "graceful timeout reached, stopping remaining workers", [:])]
        for request in self.queue.removeAll() {
            actions.append(.answer(request, .gatewayError(.shuttingDown), workerPID: nil, statistics: nil))
        }
        for id in self.workers.keys.sorted() {
            guard let (current, pipelined) = self.workers[id]?.requests.removeAll() else { continue }
            for inFlight in (current.map { [$0] } ?? []) + pipelined {
                self.left(inFlight)
                guard self.settleHedge(of: inFlight, answering: true) else { continue }
                actions.append(.answer(inFlight.request, .gatewayError(.shuttingDown), workerPID: nil, statistics: nil))
            }
        }
        self.idle.removeAll()
        actions.append(contentsOf: self.killAll(now: now))
        return actions
    }
}
