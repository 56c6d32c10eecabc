import Glibc
import Logging
import NIOCore
import Protocol

/// A read pipelined behind a request that stalls (a lock, a slow query) would wait for it,
/// while other workers keep answering. Once the request in front of it has run longer than
/// `hedgeAfter`, a GET or HEAD waiting behind it is also given to another worker: an idle one,
/// else (under full load, when workers go from one pipelined request to the next and are never
/// idle) one that could take a pipelined request. The first answer goes to the client, the
/// later one is dropped. Never for a request that may write.
extension WorkerPoolStateMachine {
    /// The copies of one hedged request and whether the client has its answer.
    struct Hedge {
        /// Copies still held by a worker.
        var copies: Int
        var answered = false
    }

    /// Whether a hedge check is due: a read waits behind a request that may have stalled.
    func hedgeIsDue(now: NIODeadline) -> Bool {
        guard let due = self.hedgeDue else { return false }
        return due <= now
    }

    /// How long the request ahead must have run before the reads behind it are hedged:
    /// `hedgeAfter`, or four times the usual answer time when that is longer. When every
    /// request is slow (a CPU-starved host) nothing is stalled, and hedging would only add work.
    var hedgeThreshold: TimeAmount? {
        guard let hedgeAfter = self.configuration.hedgeAfter else { return nil }
        return max(hedgeAfter, .nanoseconds(self.typicalAnswerNanoseconds * 4))
    }

    /// A worker finished a request that took `duration`: the usual answer time follows it
    /// (an exponential average over about 16 answers) and the hedge budget grows by a tenth of
    /// a hedge, so hedges never add more than about 10 % to the requests run.
    mutating func noteAnswered(after duration: TimeAmount) {
        self.typicalAnswerNanoseconds += (duration.nanoseconds - self.typicalAnswerNanoseconds) / 16
        self.hedgeBudget = min(self.hedgeBudget + 0.1, Self.hedgeBudgetCap)
    }

    /// Hedges that may be made in a burst; refilled by 0.1 per answered request.
    static var hedgeBudgetCap: Double { 10 }

    /// A request was pipelined on a worker: a hedge may come due once the worker's current
    /// request has run `hedgeThreshold`.
    mutating func notePipelined(behind startedAt: NIODeadline, into actions: inout [Action]) {
        guard let threshold = self.hedgeThreshold else { return }
        let due = startedAt + threshold
        guard self.hedgeDue.map({ due < $0 }) ?? true else { return }
        self.hedgeDue = due
        if self.timer.map({ due < $0 }) ?? true {
            self.timer = due
            actions.append(.scheduleTimer(at: due))
        }
    }

    /// Gives reads waiting behind a stalled request to other workers while there are workers to
    /// take them; then notes when the next hedge may come due.
    mutating func hedgeStalledReads(now: NIODeadline, into actions: inout [Action]) {
        guard let threshold = self.hedgeThreshold, self.hedgeDue.map({ $0 <= now }) ?? false else {
            return
        }
        var nextDue: NIODeadline?
        for id in self.workers.keys.sorted() {
            guard let worker = self.workers[id], worker.phase == .serving || worker.phase.isStopping,
                let startedAt = worker.requests.current?.startedAt
            else { continue }
            let candidates = worker.requests.pipelined.indices.filter { index in
                let waiting = worker.requests.pipelined[index]
                return waiting.hedgeID == nil && waiting.request.isRetryable && !waiting.request.isAskingForOutcome
            }
            guard !candidates.isEmpty else { continue }
            let due = startedAt + threshold
            guard due <= now else {
                nextDue = min(nextDue ?? due, due)
                continue
            }
            for index in candidates {
                guard self.hedgeBudget >= 1 else {
                    self.hedgeDue = nil  // out of budget: the next pipelined request looks again
                    return
                }
                guard let target = self.idle.first ?? self.pickPipelineWorker(now: now) else {
                    nextDue = min(nextDue ?? now, now)  // due now; the next free worker looks again
                    break
                }
                self.hedgeBudget -= 1
                let hedgeID = self.nextHedgeID
                self.nextHedgeID += 1
                self.hedges[hedgeID] = Hedge(copies: 2)
                self.workers[id]?.requests.pipelined[index].hedgeID = hedgeID
                var copy = worker.requests.pipelined[index].request
                copy.dispatchedAt = nil
                actions.append(
                    .log(
                        .info,
                        "read waits behind a stalled request, also sent to another worker",
                        ["request_id": .string(copy.requestID), "worker_pid": .stringConvertible(worker.pid)]
                    )
                )
                self.hedgedRequests += 1
                actions.append(.countHedge)
                self.assign(copy, to: target, hedgeID: hedgeID, now: now, into: &actions)
            }
        }
        self.hedgeDue = nextDue
    }

    /// What a copy of a request that leaves its worker does for the client: `true` when it
    /// answers (it is not hedged, it is the first answer, or it is the last copy of a request
    /// not answered yet); `false` when it is dropped because another copy answered or still may.
    mutating func settleHedge(of inFlight: InFlightRequest, answering: Bool) -> Bool {
        guard let hedgeID = inFlight.hedgeID, var hedge = self.hedges[hedgeID] else { return true }
        hedge.copies -= 1
        let speaks: Bool
        if hedge.answered {
            speaks = false
        } else if answering {
            speaks = true
            hedge.answered = true
        } else {
            speaks = hedge.copies == 0  // the other copy may still answer
        }
        self.hedges[hedgeID] = hedge.copies == 0 ? nil : hedge
        return speaks
    }
}

extension WorkerPoolStateMachine.Phase {
    var isStopping: Bool {
        switch self {
        case .stopping: true
        case .starting, .serving, .disconnected: false
        }
    }
}
