import Foundation
import Logging
import NIOCore
import Protocol

/// The dispatcher and supervisor of the worker processes.
///
/// All of its state lives on one event loop (`loop`); every entry point hops there first,
/// so there are no locks. Requests wait in a bounded FIFO when every worker is busy and go
/// to the idle worker that has waited longest. A worker that dies is replaced at once, or
/// with exponential backoff when it keeps dying before it says hello.
final class WorkerPool: @unchecked Sendable {
    struct Configuration: Sendable {
        var workers: Int
        var queueLimit: Int
        var requestTimeout: TimeAmount
        /// Recycle a worker after this many requests; 0 disables recycling.
        var maxRequests: Int
        /// A worker response larger than this is treated as a broken worker.
        var maxResponseSize: Int = 64 << 20
        /// Time a stopping worker gets between SIGTERM and SIGKILL.
        var killGrace: TimeAmount = .seconds(2)
    }

    let loop: any EventLoop
    let configuration: Configuration
    private let launcher: any WorkerLaunching
    private let logger: Logger

    private var workers: [UInt64: WorkerHandle] = [:]
    /// Workers whose process has not been reaped yet, by pid (includes exited ones).
    private var unreaped: [pid_t: WorkerHandle] = [:]
    private var slotFailures: [Int]
    private var queue: RequestQueue<ProxiedRequest>
    private var nextWorkerID: UInt64 = 1
    private var nextFrameID: UInt32 = 1
    private(set) var generation = 1
    private var stopping = false
    private var drainedPromise: EventLoopPromise<Void>?
    /// Latest result of the gateway's own database probe.
    var databaseReachable = false
    /// Why the last worker failed to start, for /readyz, /status and the log.
    private(set) var lastStartError: String?
    private let encoder = FrameEncoder()

    init(loop: any EventLoop, configuration: Configuration, launcher: any WorkerLaunching, logger: Logger) {
        self.loop = loop
        self.configuration = configuration
        self.launcher = launcher
        self.logger = logger
        self.slotFailures = Array(repeating: 0, count: configuration.workers)
        self.queue = RequestQueue(limit: configuration.queueLimit)
    }

    // MARK: entry points (any thread)

    /// Spawns the initial workers and starts the reaper.
    func start() {
        self.loop.execute {
            for slot in 0..<self.configuration.workers {
                self.spawn(slot: slot)
            }
            self.loop.scheduleRepeatedTask(initialDelay: .milliseconds(200), delay: .milliseconds(200)) { _ in
                self.reapExited()
            }
        }
    }

    /// Queues a complete request; the answer arrives through `request.respond`.
    func submit(_ request: ProxiedRequest) {
        if self.loop.inEventLoop {
            self.accept(request)
        } else {
            self.loop.execute { self.accept(request) }
        }
    }

    /// Reaps exited workers now (called on SIGCHLD as well as periodically).
    func reapSoon() {
        self.loop.execute { self.reapExited() }
    }

    // MARK: requests

    private func accept(_ request: ProxiedRequest) {
        if self.stopping {
            request.respond(.gatewayError(.shuttingDown))
            return
        }
        if let worker = self.pickIdleWorker(), self.queue.isEmpty {
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

    /// Hands queued requests to idle workers while there are both.
    private func dispatch() {
        while !self.queue.isEmpty, let worker = self.pickIdleWorker(), let request = self.queue.dequeue() {
            self.assign(request, to: worker)
        }
        self.checkDrained()
    }

    /// The least busy ready worker: an idle one, the one idle longest, so load and recycling spread evenly.
    private func pickIdleWorker() -> WorkerHandle? {
        var best: WorkerHandle?
        for worker in self.workers.values where worker.state == .idle {
            if let current = best, current.idleSince <= worker.idleSince { continue }
            best = worker
        }
        return best
    }

    private func assign(_ request: ProxiedRequest, to worker: WorkerHandle) {
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
        let workerID = worker.id
        let timeout = self.loop.scheduleTask(in: self.configuration.requestTimeout) {
            self.requestTimedOut(workerID: workerID, frameID: frameID)
        }
        worker.state = .busy
        worker.inFlight = WorkerHandle.InFlight(
            request: request,
            frameID: frameID,
            startedAt: .now(),
            responseHead: nil,
            responseBody: channel.allocator.buffer(capacity: 0),
            timeout: timeout
        )
        channel.writeAndFlush(buffer, promise: nil)
    }

    // MARK: worker events (pool loop)

    func workerSent(_ frame: Frame<WorkerMessage>, workerID: UInt64) {
        guard let worker = self.workers[workerID] else { return }
        switch frame.message {
        case .hello(let hello):
            self.workerSaidHello(worker, hello)
        case .responseHead(let head):
            guard var inFlight = worker.inFlight, inFlight.frameID == frame.requestID, inFlight.responseHead == nil
            else {
                self.workerMisbehaved(
                    workerID: workerID,
                    reason: "response head for an unknown request \(frame.requestID)"
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
                    reason: "response body for an unknown request \(frame.requestID)"
                )
                return
            }
            worker.inFlight = nil  // keep the body uniquely referenced while appending
            if inFlight.responseBody.readableBytes + chunk.readableBytes > self.configuration.maxResponseSize {
                worker.inFlight = inFlight
                self.workerMisbehaved(
                    workerID: workerID,
                    reason: "response larger than \(self.configuration.maxResponseSize) bytes"
                )
                return
            }
            inFlight.responseBody.writeBuffer(&chunk)
            worker.inFlight = inFlight
        case .responseEnd:
            guard let inFlight = worker.inFlight, inFlight.frameID == frame.requestID, let head = inFlight.responseHead
            else {
                self.workerMisbehaved(
                    workerID: workerID,
                    reason: "response end for an unknown request \(frame.requestID)"
                )
                return
            }
            inFlight.timeout?.cancel()
            worker.inFlight = nil
            worker.requestsServed += 1
            inFlight.request.respond(.worker(head, inFlight.responseBody))
            self.workerBecameIdle(worker)
        case .pong:
            break
        case .error(let code, let message):
            self.workerMisbehaved(workerID: workerID, reason: "worker reported protocol error \(code): \(message)")
        }
    }

    private func workerSaidHello(_ worker: WorkerHandle, _ hello: WorkerHello) {
        if worker.state == .draining {
            return  // retired before it was ready; it reads the drain frame next and exits
        }
        guard worker.state == .starting else {
            self.workerMisbehaved(workerID: worker.id, reason: "second hello")
            return
        }
        guard hello.protocolVersion == FrameHeader.currentVersion else {
            self.lastStartError =
                "worker speaks protocol version \(hello.protocolVersion), gateway \(FrameHeader.currentVersion)"
            self.workerMisbehaved(workerID: worker.id, reason: self.lastStartError ?? "")
            return
        }
        self.slotFailures[worker.slot] = 0
        self.lastStartError = nil
        self.logger.info(
            "worker ready",
            metadata: ["worker_pid": .stringConvertible(worker.pid), "slot": .stringConvertible(worker.slot)]
        )
        self.workerBecameIdle(worker)
    }

    private func workerBecameIdle(_ worker: WorkerHandle) {
        let maxRequests = self.configuration.maxRequests
        if maxRequests > 0, worker.requestsServed >= maxRequests, !self.stopping {
            self.logger.info(
                "recycling worker",
                metadata: [
                    "worker_pid": .stringConvertible(worker.pid), "requests": .stringConvertible(worker.requestsServed),
                ]
            )
            self.retire(worker, reason: "recycle")
            self.spawn(slot: worker.slot)
        } else if self.stopping && self.queue.isEmpty {
            self.retire(worker, reason: "shutdown")
        } else {
            worker.state = .idle
            worker.idleSince = .now()
        }
        self.dispatch()
    }

    /// The worker's socket closed: it exited or crashed. Its request is retried or failed,
    /// and its slot gets a new worker.
    func workerDisconnected(workerID: UInt64, reason: String) {
        guard let worker = self.workers.removeValue(forKey: workerID) else { return }
        let wasStarting = worker.state == .starting
        let wasRetiring = worker.state == .draining
        worker.state = .exited
        worker.channel = nil
        if let inFlight = worker.inFlight {
            worker.inFlight = nil
            inFlight.timeout?.cancel()
            self.failInFlight(inFlight, worker: worker)
        }
        if !wasRetiring {
            self.logger.warning(
                "worker exited",
                metadata: ["worker_pid": .stringConvertible(worker.pid), "reason": .string(reason)]
            )
        }
        if !self.stopping && !wasRetiring {
            if wasStarting {
                self.scheduleRespawnAfterFailure(
                    slot: worker.slot,
                    reason: "worker \(worker.pid) exited before it was ready"
                )
            } else {
                self.spawn(slot: worker.slot)
            }
        }
        self.reapExited()
        self.dispatch()
    }

    /// A worker broke the protocol: it is stopped and replaced like a crashed one.
    func workerMisbehaved(workerID: UInt64, reason: String) {
        guard let worker = self.workers[workerID] else { return }
        self.logger.error(
            "stopping misbehaving worker",
            metadata: ["worker_pid": .stringConvertible(worker.pid), "reason": .string(reason)]
        )
        if let inFlight = worker.inFlight {
            worker.inFlight = nil
            inFlight.timeout?.cancel()
            if inFlight.responseHead != nil {
                inFlight.request.respond(.gatewayError(.badWorkerResponse))
            } else {
                self.failInFlight(inFlight, worker: worker)
            }
        }
        let wasStarting = worker.state == .starting
        self.retire(worker, reason: reason, signal: true)
        if !self.stopping {
            if wasStarting {
                self.scheduleRespawnAfterFailure(slot: worker.slot, reason: reason)
            } else {
                self.spawn(slot: worker.slot)
            }
        }
    }

    /// A worker died before answering: GET and HEAD get one more try elsewhere, the rest 502.
    private func failInFlight(_ inFlight: WorkerHandle.InFlight, worker: WorkerHandle) {
        var request = inFlight.request
        request.attempts += 1
        if request.isRetryable, request.attempts < 2, inFlight.responseHead == nil, !self.stopping {
            self.logger.info("retrying request on another worker", metadata: ["request_id": .string(request.requestID)])
            self.queue.requeueAtFront(request)
        } else {
            request.respond(.gatewayError(.workerDied))
        }
    }

    private func requestTimedOut(workerID: UInt64, frameID: UInt32) {
        guard let worker = self.workers[workerID], let inFlight = worker.inFlight, inFlight.frameID == frameID else {
            return
        }
        worker.inFlight = nil
        self.logger.warning(
            "request timed out, replacing worker",
            metadata: ["worker_pid": .stringConvertible(worker.pid), "request_id": .string(inFlight.request.requestID)]
        )
        inFlight.request.respond(.gatewayError(.timeout))
        self.retire(worker, reason: "timeout", signal: true)
        if !self.stopping {
            self.spawn(slot: worker.slot)
        }
        self.dispatch()
    }

    // MARK: process management

    private func spawn(slot: Int) {
        let id = self.nextWorkerID
        self.nextWorkerID += 1
        let launched: LaunchedWorker
        do {
            launched = try self.launcher.launch(slot: slot, generation: self.generation)
        } catch {
            self.scheduleRespawnAfterFailure(slot: slot, reason: "\(error)")
            return
        }
        let worker = WorkerHandle(id: id, slot: slot, generation: self.generation, pid: launched.pid, now: .now())
        self.workers[id] = worker
        self.unreaped[launched.pid] = worker
        self.launcher.connect(descriptor: launched.descriptor, on: self.loop) { channel in
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder<WorkerMessage>()))
            try channel.pipeline.syncOperations.addHandler(WorkerChannelHandler(pool: self, workerID: id))
        }.whenComplete { result in
            switch result {
            case .success(let channel):
                if let worker = self.workers[id] {
                    worker.channel = channel
                } else {
                    channel.close(promise: nil)
                }
            case .failure(let error):
                self.logger.error("cannot attach worker socket", metadata: ["error": .string("\(error)")])
                self.workerDisconnected(workerID: id, reason: "socket setup failed")
            }
        }
    }

    /// Exponential backoff with jitter for a slot whose workers keep failing at start, capped
    /// at 30 s; the other slots keep serving meanwhile.
    private func scheduleRespawnAfterFailure(slot: Int, reason: String) {
        self.slotFailures[slot] += 1
        self.lastStartError = reason
        let failures = self.slotFailures[slot]
        let base = min(0.1 * pow(2.0, Double(failures - 1)), 30.0)
        let delay = base * Double.random(in: 0.75...1.25)
        self.logger.error(
            "worker failed to start, retrying",
            metadata: [
                "slot": .stringConvertible(slot), "reason": .string(reason),
                "retry_in_ms": .stringConvertible(Int(delay * 1000)),
            ]
        )
        self.loop.scheduleTask(in: .milliseconds(Int64(delay * 1000))) {
            guard !self.stopping else { return }
            self.spawn(slot: slot)
        }
    }

    /// Takes a worker out of service: drain frame (or SIGTERM), SIGKILL after the grace period.
    private func retire(_ worker: WorkerHandle, reason: String, signal: Bool = false) {
        worker.state = .draining
        if signal || worker.channel == nil {
            self.launcher.signal(worker.pid, SIGTERM)
        } else if let channel = worker.channel {
            var buffer = channel.allocator.buffer(capacity: FrameHeader.size)
            self.encoder.writeDrain(into: &buffer)
            channel.writeAndFlush(buffer, promise: nil)
        }
        let pid = worker.pid
        worker.killScheduled = self.loop.scheduleTask(in: self.configuration.killGrace) {
            if self.unreaped[pid] != nil {
                self.launcher.signal(pid, SIGKILL)
            }
        }
    }

    private func reapExited() {
        for (pid, worker) in self.unreaped {
            guard let status = self.launcher.reap(pid) else { continue }
            self.unreaped.removeValue(forKey: pid)
            worker.killScheduled?.cancel()
            if worker.state != .draining && worker.state != .exited {
                self.workerDisconnected(workerID: worker.id, reason: status)
            }
            self.logger.debug(
                "worker reaped",
                metadata: ["worker_pid": .stringConvertible(pid), "status": .string(status)]
            )
        }
        self.checkDrained()
    }

    // MARK: shutdown

    /// Stops taking new work, lets queued and in-flight requests finish, then stops every worker.
    /// After `gracefulTimeout` the remaining workers are killed.
    func shutdown(gracefulTimeout: TimeAmount) -> EventLoopFuture<Void> {
        self.loop.flatSubmit {
            let promise = self.loop.makePromise(of: Void.self)
            self.stopping = true
            self.drainedPromise = promise
            for worker in self.workers.values where worker.state == .idle || worker.state == .starting {
                if self.queue.isEmpty { self.retire(worker, reason: "shutdown") }
            }
            self.dispatch()
            self.loop.scheduleTask(in: gracefulTimeout) {
                guard self.drainedPromise != nil else { return }
                self.logger.warning("graceful timeout reached, stopping remaining workers")
                for request in self.queue.removeAll() {
                    request.respond(.gatewayError(.shuttingDown))
                }
                for worker in self.workers.values {
                    if let inFlight = worker.inFlight {
                        worker.inFlight = nil
                        inFlight.timeout?.cancel()
                        inFlight.request.respond(.gatewayError(.shuttingDown))
                    }
                    self.launcher.signal(worker.pid, SIGKILL)
                }
            }
            self.checkDrained()
            return promise.futureResult
        }
    }

    private func checkDrained() {
        guard self.stopping, let promise = self.drainedPromise else { return }
        if self.queue.isEmpty {
            for worker in self.workers.values where worker.state == .idle || worker.state == .starting {
                self.retire(worker, reason: "shutdown")
            }
        }
        guard self.unreaped.isEmpty else { return }
        self.drainedPromise = nil
        promise.succeed()
    }

    /// Second SIGTERM or SIGQUIT: no more waiting, every worker gets SIGKILL.
    func killAll() -> EventLoopFuture<Void> {
        self.loop.submit {
            self.stopping = true
            for pid in self.unreaped.keys {
                self.launcher.signal(pid, SIGKILL)
            }
        }
    }

    // MARK: status

    /// A copy of the pool's state for the admin endpoints.
    func snapshot() -> EventLoopFuture<PoolSnapshot> {
        self.loop.submit {
            let now = NIODeadline.now()
            let workers = self.workers.values
                .filter { $0.state != .exited }
                .sorted { ($0.slot, $0.id) < ($1.slot, $1.id) }
                .map { worker in
                    PoolSnapshot.Worker(
                        pid: worker.pid,
                        slot: worker.slot,
                        state: worker.state.rawValue,
                        generation: worker.generation,
                        requests: worker.requestsServed,
                        currentRequestMilliseconds: worker.inFlight.map {
                            Int((now - $0.startedAt).nanoseconds / 1_000_000)
                        }
                    )
                }
            return PoolSnapshot(
                workers: workers,
                configuredWorkers: self.configuration.workers,
                queueDepth: self.queue.count,
                queueLimit: self.configuration.queueLimit,
                databaseReachable: self.databaseReachable,
                stopping: self.stopping,
                lastStartError: self.lastStartError
            )
        }
    }
}
