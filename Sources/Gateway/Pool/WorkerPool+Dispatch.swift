import Foundation
import Logging
import NIOCore
import Protocol

extension WorkerPool {
    func accept(_ request: ProxiedRequest) {
        if self.stopping {
            request.respond(.gatewayError(.shuttingDown))
            return
        }
        if self.queue.isEmpty, let worker = self.pickIdleWorker() {
            self.assign(request, to: worker)
            return
        }
        if !self.queue.enqueue(request) {
            self.logger.warning("queue full, answering 503", metadata: ["request_id": .string(request.requestID)])
            request.respond(.gatewayError(.queueFull))
            return
        }
        self.dispatch()
    }

    /// Hands queued requests to idle workers while there are both, then, with pipelining on,
    /// to busy workers with room behind their current request.
    func dispatch() {
        while !self.queue.isEmpty, let worker = self.pickIdleWorker() ?? self.pickPipelineWorker(),
            let request = self.queue.dequeue()
        {
            self.assign(request, to: worker)
        }
        self.checkDrained()
    }

    /// A busy worker that may take one more request behind its current one, up to its
    /// `pipelineLimit`: fewest waiting, then the one whose current request started first
    /// (likely the first to finish). Workers about to retire or recycle, workers holding a
    /// write (`acceptsPipelinedRequests`), and workers whose request already runs longer than
    /// `pipelineHeadLimit` (probably slow), get nothing more.
    func pickPipelineWorker() -> WorkerHandle? {
        guard self.configuration.pipelineDepth > 1 else { return nil }
        let now = self.loop.now
        var best: WorkerHandle?
        for worker in self.workers.values
        where worker.state == .busy && !worker.retireWhenIdle && worker.acceptsPipelinedRequests {
            guard let head = worker.inFlight,
                worker.pipelined.count < worker.pipelineLimit(depth: self.configuration.pipelineDepth) - 1,
                now - head.startedAt < Self.pipelineHeadLimit
            else { continue }
            if let limit = worker.requestLimit, worker.requestsServed + 1 + worker.pipelined.count >= limit {
                continue
            }
            if let current = best, let currentHead = current.inFlight {
                if current.pipelined.count < worker.pipelined.count { continue }
                if current.pipelined.count == worker.pipelined.count, currentHead.startedAt <= head.startedAt {
                    continue
                }
            }
            best = worker
        }
        return best
    }

    /// A request running longer than this is likely slow: nothing is pipelined behind it.
    static var pipelineHeadLimit: TimeAmount { .milliseconds(50) }

    /// The least busy ready worker: an idle one, the one idle longest, so load and recycling
    /// spread evenly.
    func pickIdleWorker() -> WorkerHandle? {
        var best: WorkerHandle?
        for worker in self.workers.values where worker.state == .idle {
            if let current = best, current.idleSince <= worker.idleSince { continue }
            best = worker
        }
        return best
    }

    func assign(_ request: ProxiedRequest, to worker: WorkerHandle) {
        var request = request
        request.dispatchedAt = self.loop.now
        guard let channel = worker.channel else {
            self.queue.requeueAtFront(request)
            return
        }
        let frameID = self.nextFrameID
        self.nextFrameID = self.nextFrameID == UInt32.max ? 1 : self.nextFrameID + 1
        var buffer = channel.allocator.buffer(capacity: 512 + request.body.readableBytes)
        self.encoder.writeRequestHead(request.head, requestID: frameID, into: &buffer)
        if request.body.readableBytes > 0 {
            self.encoder.writeRequestBody(request.body, requestID: frameID, into: &buffer)
        }
        self.encoder.writeRequestEnd(requestID: frameID, into: &buffer)
        var inFlight = WorkerHandle.InFlight(
            request: request,
            frameID: frameID,
            startedAt: self.loop.now,
            responseHead: nil,
            responseBody: channel.allocator.buffer(capacity: 0),
            timeout: nil
        )
        if worker.inFlight == nil {
            self.start(&inFlight, on: worker)
            worker.inFlight = inFlight
        } else {
            worker.pipelined.append(inFlight)
        }
        worker.state = .busy
        self.send(buffer, to: worker, on: channel)
    }

    /// Writes request frames to a worker's socket and flushes once the loop has handled the
    /// rest of this tick's I/O: requests handed to the same worker in one tick (pipelining)
    /// leave in one `writev` and wake the worker once.
    private func send(_ frames: ByteBuffer, to worker: WorkerHandle, on channel: any Channel) {
        channel.write(frames, promise: nil)
        guard !worker.flushPending else { return }
        worker.flushPending = true
        self.unflushedWorkers.append(worker)
        if self.unflushedWorkers.count == 1 {
            self.loop.execute { self.flushWorkers() }
        }
    }

    private func flushWorkers() {
        var workers: [WorkerHandle] = []
        swap(&workers, &self.unflushedWorkers)
        for worker in workers {
            worker.flushPending = false
            worker.channel?.flush()
        }
    }

    /// The worker begins `inFlight` now: its deadline starts.
    private func start(_ inFlight: inout WorkerHandle.InFlight, on worker: WorkerHandle) {
        let workerID = worker.id
        let frameID = inFlight.frameID
        inFlight.startedAt = self.loop.now
        inFlight.request.dispatchedAt = inFlight.startedAt
        inFlight.timeout = self.loop.scheduleTask(in: self.configuration.requestTimeout) {
            self.requestTimedOut(workerID: workerID, frameID: frameID)
        }
    }

    /// Puts the requests pipelined on a worker that is gone back at the front of the queue,
    /// in their order. None of them started, so any method may run elsewhere.
    func requeuePipelined(of worker: WorkerHandle) {
        let waiting = worker.pipelined
        worker.pipelined = []
        guard !waiting.isEmpty else { return }
        self.logger.info(
            "requests pipelined on a stopped worker go back to the queue",
            metadata: ["worker_pid": .stringConvertible(worker.pid), "requests": .stringConvertible(waiting.count)]
        )
        for inFlight in waiting.reversed() {
            var request = inFlight.request
            request.dispatchedAt = nil
            self.queue.requeueAtFront(request)
        }
    }

    /// A frame from a worker.
    func workerSent(_ frame: Frame<WorkerMessage>, workerID: UInt64) {
        guard let worker = self.workers[workerID] else { return }
        self.lastWorkerActivity = self.loop.now
        switch frame.message {
        case .hello(let hello):
            self.workerSaidHello(worker, hello)
        case .responseHead(let head):
            guard var inFlight = worker.inFlight, inFlight.frameID == frame.requestID, inFlight.responseHead == nil
            else {
                self.workerMisbehaved(
                    workerID: workerID,
                    reason: "response head for unknown request \(frame.requestID)"
                )
                return
            }
            inFlight.responseHead = head
            worker.inFlight = inFlight
        case .responseBody(var chunk):
            guard var inFlight = worker.inFlight, inFlight.frameID == frame.requestID, inFlight.responseHead != nil
            else {
                self.workerMisbehaved(
                    workerID: workerID,
                    reason: "response body for unknown request \(frame.requestID)"
                )
                return
            }
            worker.inFlight = nil  // keep the body uniquely referenced while appending
            guard inFlight.responseBody.readableBytes + chunk.readableBytes <= self.configuration.maxResponseSize else {
                worker.inFlight = inFlight
                self.workerMisbehaved(workerID: workerID, reason: "response larger than the limit")
                return
            }
            inFlight.responseBody.writeBuffer(&chunk)
            worker.inFlight = inFlight
        case .responseEnd(let statistics):
            guard let inFlight = worker.inFlight, inFlight.frameID == frame.requestID, let head = inFlight.responseHead
            else {
                self.workerMisbehaved(workerID: workerID, reason: "response end for unknown request \(frame.requestID)")
                return
            }
            inFlight.timeout?.cancel()
            worker.inFlight = nil
            worker.requestsServed += 1
            worker.answered(databaseRoundTrips: statistics.databaseRoundTrips)
            if !worker.pipelined.isEmpty {
                var next = worker.pipelined.removeFirst()
                self.start(&next, on: worker)
                worker.inFlight = next
            }
            if inFlight.request.isAskingForOutcome {
                self.logOutcome(of: inFlight.request, head)
            }
            if inFlight.request.isAskingForOutcome && ProxiedRequest.reportsNotCommitted(head) {
                inFlight.request.respond(.gatewayError(.workerDied), workerPID: worker.pid, statistics: statistics)
            } else {
                inFlight.request.respond(
                    .worker(head, inFlight.responseBody),
                    workerPID: worker.pid,
                    statistics: statistics
                )
            }
            if worker.inFlight == nil {
                self.workerBecameIdle(worker)
            } else {
                if let limit = worker.requestLimit, worker.requestsServed >= limit {
                    // Busy without a break under pipelining: recycling cannot wait for idle.
                    self.perform(self.supervisor.requestLimitReached(worker.id, now: self.loop.now))
                }
                // Room behind the new current request: a waiting request may follow it.
                self.dispatch()
            }
        case .pong(_, let databaseReachable):
            worker.databaseConnected = databaseReachable
        case .error(let code, let message):
            self.workerMisbehaved(workerID: workerID, reason: "worker reported protocol error \(code): \(message)")
        }
    }

    /// A worker died before answering: GET and HEAD get one more try elsewhere; a write is
    /// never run again, but another worker is asked whether it committed (`WriteLedger` in the
    /// worker): the client gets the committed answer, or 502 when nothing was stored. A request
    /// whose response had started is never retried.
    func failInFlight(_ inFlight: WorkerHandle.InFlight) {
        var request = inFlight.request
        request.attempts += 1
        let mayTryAgain = request.attempts < 2 && inFlight.responseHead == nil && !self.stopping
        if mayTryAgain, request.isRetryable {
            self.logger.info("retrying request on another worker", metadata: ["request_id": .string(request.requestID)])
            self.queue.requeueAtFront(request)
        } else if request.isAskingForOutcome, inFlight.responseHead == nil,
            request.attempts <= Self.outcomeQuestions
        {
            // Asking is safe to repeat: a tombstone left by the dead asker reads as "not committed".
            self.logger.info(
                "worker died while asking about a write, asking another one",
                metadata: ["request_id": .string(request.requestID)]
            )
            self.queue.requeueAtFront(request)
        } else if mayTryAgain, request.askForOutcome() {
            self.logger.info(
                "worker died during a write, asking another worker whether it committed",
                metadata: ["request_id": .string(request.requestID)]
            )
            self.queue.requeueAtFront(request)
        } else {
            request.respond(.gatewayError(.workerDied))
        }
    }

    /// How many workers may die while answering "what became of this write?" before the
    /// client gets 502 without an answer.
    static var outcomeQuestions: Int { 3 }

    private func logOutcome(of request: ProxiedRequest, _ head: ResponseHead) {
        let message: Logger.Message
        if ProxiedRequest.reportsNotCommitted(head) {
            message = "write of the dead worker had not committed, answering 502"
        } else if (200..<300).contains(head.status) {
            message = "write of the dead worker had committed, answering with its recorded response"
        } else {
            message = "could not learn what became of the dead worker's write"
        }
        self.logger.info(
            message,
            metadata: ["request_id": .string(request.requestID), "status": .stringConvertible(head.status)]
        )
    }

    func requestTimedOut(workerID: UInt64, frameID: UInt32) {
        guard let worker = self.workers[workerID], let inFlight = worker.inFlight, inFlight.frameID == frameID else {
            return
        }
        worker.inFlight = nil
        self.logger.warning(
            "request timed out, replacing worker",
            metadata: ["worker_pid": .stringConvertible(worker.pid), "request_id": .string(inFlight.request.requestID)]
        )
        inFlight.request.respond(.gatewayError(.timeout), workerPID: worker.pid)
        self.perform(self.supervisor.requestTimedOut(workerID, now: self.loop.now))
        self.dispatch()
    }
}
