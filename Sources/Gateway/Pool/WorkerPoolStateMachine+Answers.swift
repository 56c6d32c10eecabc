import Glibc
import Logging
import NIOCore
import Protocol

/// A worker's answer, frame by frame: head, body chunks, end. A frame for any request but the
/// one the worker runs, or out of order, breaks the protocol.
extension WorkerPoolStateMachine {
    mutating func responseHeadReceived(
        _ id: WorkerID,
        frameID: UInt32,
        head: ResponseHead,
        now: NIODeadline
    ) -> [Action] {
        guard let current = self.workers[id]?.requests.current, current.frameID == frameID,
            current.responseHead == nil
        else {
            return self.misbehaved(id, reason: "response head for unknown request \(frameID)", now: now)
        }
        self.workers[id]?.requests.current?.responseHead = head
        return []
    }

    mutating func responseBodyReceived(
        _ id: WorkerID,
        frameID: UInt32,
        chunk: inout ByteBuffer,
        now: NIODeadline
    ) -> [Action] {
        guard let current = self.workers[id]?.requests.current, current.frameID == frameID,
            current.responseHead != nil
        else {
            return self.misbehaved(id, reason: "response body for unknown request \(frameID)", now: now)
        }
        guard current.responseBody.readableBytes + chunk.readableBytes <= self.configuration.maxResponseSize else {
            return self.misbehaved(id, reason: "response larger than the limit", now: now)
        }
        // Appended in place: `current` above is a copy, released before this write so the
        // body's storage is not shared and nothing is copied.
        _ = consume current
        self.workers[id]?.requests.current?.responseBody.writeBuffer(&chunk)
        return []
    }

    /// The worker finished its current request: the client gets the answer, the next
    /// pipelined request starts, and the worker takes more work, recycles or retires.
    mutating func responseEndReceived(
        _ id: WorkerID,
        frameID: UInt32,
        statistics: RequestStatistics,
        now: NIODeadline
    ) -> [Action] {
        guard var worker = self.workers[id], let finished = worker.requests.current, finished.frameID == frameID,
            let head = finished.responseHead
        else {
            return self.misbehaved(id, reason: "response end for unknown request \(frameID)", now: now)
        }
        var actions: [Action] = []
        self.left(finished)
        if let startedAt = finished.startedAt {
            self.noteAnswered(after: now - startedAt)
        }
        worker.requests.current = nil
        worker.requestsServed += 1
        worker.requests.answered(databaseRoundTrips: statistics.databaseRoundTrips)
        if !worker.requests.pipelined.isEmpty {
            var next = worker.requests.pipelined.removeFirst()
            self.start(&next, now: now, into: &actions)
            worker.requests.current = next
        }
        self.workers[id] = worker
        if self.settleHedge(of: finished, answering: true) {
            self.answer(finished, head: head, workerPID: worker.pid, statistics: statistics, into: &actions)
        }
        if worker.requests.isEmpty {
            self.becameIdle(id, now: now, into: &actions)
        } else if let limit = worker.requestLimit, worker.requestsServed >= limit {
            // Busy without a break under pipelining: recycling cannot wait for idle.
            self.startRecycle(id, now: now, into: &actions)
        }
        self.dispatch(now: now, into: &actions)
        return actions
    }

    /// The worker's answer goes to the client; for a question about a dead worker's write
    /// (`askForOutcome`), "not committed" becomes 502.
    private func answer(
        _ finished: InFlightRequest,
        head: ResponseHead,
        workerPID: pid_t,
        statistics: RequestStatistics,
        into actions: inout [Action]
    ) {
        let request = finished.request
        guard request.isAskingForOutcome else {
            actions.append(
                .answer(request, .worker(head, finished.responseBody), workerPID: workerPID, statistics: statistics)
            )
            return
        }
        let message: Logger.Message
        let response: GatewayResponse
        if ProxiedRequest.reportsNotCommitted(head) {
            message = "write of the dead worker had not committed, answering 502"
            response = .gatewayError(.workerDied)
        } else {
            message =
                (200..<300).contains(head.status)
                ? "write of the dead worker had committed, answering with its recorded response"
                : "could not learn what became of the dead worker's write"
            response = .worker(head, finished.responseBody)
        }
        actions.append(
            .log(.info, message, ["request_id": .string(request.requestID), "status": .stringConvertible(head.status)])
        )
        actions.append(.answer(request, response, workerPID: workerPID, statistics: statistics))
    }
}
