import Foundation
import Logging
import NIOCore
import Protocol

extension WorkerPool {
    /// Starts a worker in `slot`. A launch failure counts as a start failure of the slot.
    @discardableResult
    func spawn(slot: Int, replacing oldWorkerID: UInt64? = nil) -> WorkerHandle? {
        let id = self.nextWorkerID
        self.nextWorkerID += 1
        let launched: LaunchedWorker
        do {
            launched = try self.launcher.launch(slot: slot, generation: self.generation)
        } catch {
            self.startFailed(slot: slot, reason: "\(error)", replacing: oldWorkerID)
            return nil
        }
        let worker = WorkerHandle(id: id, slot: slot, generation: self.generation, pid: launched.pid, now: .now())
        worker.replacing = oldWorkerID
        if self.configuration.maxRequests > 0 {
            worker.requestLimit =
                self.configuration.maxRequests + Int.random(in: 0...self.configuration.maxRequestsJitter)
        }
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
        return worker
    }

    func workerSaidHello(_ worker: WorkerHandle, _ hello: WorkerHello) {
        if worker.state == .draining {
            return  // retired before it was ready; it reads the drain frame next and exits
        }
        guard worker.state == .starting else {
            self.workerMisbehaved(workerID: worker.id, reason: "second hello")
            return
        }
        guard hello.protocolVersion == FrameHeader.currentVersion else {
            self.workerMisbehaved(
                workerID: worker.id,
                reason: "worker speaks protocol \(hello.protocolVersion), gateway \(FrameHeader.currentVersion)"
            )
            return
        }
        self.slotFailures[worker.slot] = 0
        self.lastStartError = nil
        self.logger.info(
            "worker ready",
            metadata: [
                "worker_pid": .stringConvertible(worker.pid), "slot": .stringConvertible(worker.slot),
                "generation": .stringConvertible(worker.generation),
            ]
        )
        if let oldID = worker.replacing {
            worker.replacing = nil
            self.replacementReady(newWorker: worker, oldWorkerID: oldID)
        }
        let wasReady = self.isFullyReady
        self.workerBecameIdle(worker)
        if !wasReady, self.isFullyReady, !self.announcedReady {
            self.announcedReady = true
            self.onEvent?(.ready)
        }
    }

    /// Every slot has a ready worker.
    var isFullyReady: Bool {
        let readySlots = Set(self.workers.values.filter { $0.state == .idle || $0.state == .busy }.map(\.slot))
        return readySlots.count == self.configuration.workers
    }

    func workerBecameIdle(_ worker: WorkerHandle) {
        if worker.retireWhenIdle || (self.stopping && self.queue.isEmpty) {
            self.retire(worker)
        } else {
            worker.state = .idle
            worker.idleSince = .now()
            if let limit = worker.requestLimit, worker.requestsServed >= limit {
                self.startRecycle(worker)
            }
        }
        self.dispatch()
    }

    /// The worker's socket closed: it exited or crashed. Its request is retried or failed, and
    /// its slot is refilled.
    func workerDisconnected(workerID: UInt64, reason: String) {
        guard let worker = self.workers.removeValue(forKey: workerID) else { return }
        let previousState = worker.state
        worker.state = .exited
        worker.channel = nil
        self.requeuePipelined(of: worker)
        if let inFlight = worker.inFlight {
            worker.inFlight = nil
            inFlight.timeout?.cancel()
            self.failInFlight(inFlight)
        }
        if previousState != .draining {
            self.logger.warning(
                "worker exited",
                metadata: ["worker_pid": .stringConvertible(worker.pid), "reason": .string(reason)]
            )
            if previousState == .starting {
                self.startFailed(
                    slot: worker.slot,
                    reason: "worker \(worker.pid) exited before it was ready",
                    replacing: worker.replacing
                )
            } else {
                // Counted as exit or crash once the exit status is reaped.
                worker.exitedUnexpectedly = true
            }
        }
        self.abandonReplacements(of: workerID)
        self.maintainWorkerCount()
        self.reapExited()
        self.dispatch()
    }

    /// A worker broke the protocol: it is stopped and replaced like a crashed one.
    func workerMisbehaved(workerID: UInt64, reason: String) {
        guard let worker = self.workers[workerID], worker.state != .draining else { return }
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
                self.failInFlight(inFlight)
            }
        }
        if worker.state == .starting {
            self.startFailed(slot: worker.slot, reason: reason, replacing: worker.replacing)
        } else {
            self.countRestart("crash")
        }
        self.retire(worker, signal: true)
        self.maintainWorkerCount()
        self.dispatch()
    }

    /// Counts a start failure for the slot. A failed replacement leaves the old worker serving
    /// and aborts the recycle or reload it belonged to.
    func startFailed(slot: Int, reason: String, replacing oldWorkerID: UInt64?) {
        self.slotFailures[slot] += 1
        self.lastStartError = reason
        self.logger.error(
            "worker failed to start",
            metadata: [
                "slot": .stringConvertible(slot), "reason": .string(reason),
                "consecutive_failures": .stringConvertible(self.slotFailures[slot]),
            ]
        )
        if let oldWorkerID {
            self.replacementFailed(oldWorkerID: oldWorkerID)
        }
    }

    /// Like gunicorn's `manage_workers`: every slot without a live worker gets one, at once
    /// or, after start failures, after a backoff.
    func maintainWorkerCount() {
        guard !self.stopping else { return }
        for slot in 0..<self.configuration.workers where self.slotRestartAt[slot] == nil {
            guard !self.isOccupied(slot: slot) else { continue }
            let failures = self.slotFailures[slot]
            if failures == 0 {
                self.spawn(slot: slot)
            } else {
                let delay = self.backoff(afterFailures: failures)
                self.slotRestartAt[slot] = .now() + delay
                self.logger.info(
                    "restarting slot after backoff",
                    metadata: [
                        "slot": .stringConvertible(slot), "delay_ms": .stringConvertible(delay.nanoseconds / 1_000_000),
                    ]
                )
                self.loop.scheduleTask(in: delay) {
                    self.slotRestartAt[slot] = nil
                    guard !self.stopping, !self.isOccupied(slot: slot) else { return }
                    self.spawn(slot: slot)
                }
            }
        }
    }

    /// Counts a restart by reason: exit, crash, timeout, recycle or reload.
    func countRestart(_ reason: String) {
        self.restarts[reason, default: 0] += 1
        self.onRestart?(reason)
    }

    /// Whether a live (starting, idle or busy) worker holds the slot.
    func isOccupied(slot: Int) -> Bool {
        self.workers.values.contains {
            $0.slot == slot && ($0.state == .starting || $0.state == .idle || $0.state == .busy)
        }
    }

    /// 100 ms doubled per consecutive failure, ±25 % jitter, capped.
    func backoff(afterFailures failures: Int) -> TimeAmount {
        let base = 0.1 * pow(2.0, Double(min(failures, 20) - 1))
        let capped = min(base, Double(self.configuration.maxBackoff.nanoseconds) / 1e9)
        return .milliseconds(Int64(capped * Double.random(in: 0.75...1.25) * 1000))
    }

    /// Takes a worker out of service: a drain frame (or SIGTERM), SIGKILL after the grace period.
    func retire(_ worker: WorkerHandle, signal: Bool = false) {
        guard worker.state != .draining && worker.state != .exited else { return }
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

    /// Like gunicorn's `reap_workers`: collects the status of every exited worker first, then
    /// applies each exit once. Applying an exit runs code that may reap again (a vacated slot
    /// is refilled, a socket close reaps), so each pid leaves `unreaped` the moment `waitpid`
    /// returns its status and is never passed to `waitpid` again; a second call would fail
    /// with ECHILD and count the exit twice.
    func reapExited() {
        var exits: [(worker: WorkerHandle, status: ChildProcessStatus)] = []
        for (pid, worker) in self.unreaped {
            guard let status = self.launcher.reap(pid) else { continue }
            self.unreaped.removeValue(forKey: pid)
            exits.append((worker, status))
        }
        for exit in exits {
            self.workerReaped(exit.worker, status: exit.status)
        }
        self.checkDrained()
    }

    /// Applies one reaped exit: the worker leaves the pool if its socket has not closed yet,
    /// and an exit nobody asked for counts as a restart.
    private func workerReaped(_ worker: WorkerHandle, status exitStatus: ChildProcessStatus) {
        let status = "\(exitStatus)"
        worker.killScheduled?.cancel()
        worker.lastExitStatus = status
        self.lastExit = "worker \(worker.pid) \(status)"
        self.lastExitBySlot[worker.slot] = status
        if worker.state != .exited {
            self.workerDisconnected(workerID: worker.id, reason: status)
        }
        if worker.exitedUnexpectedly {
            self.countRestart(exitStatus.isSuccess ? "exit" : "crash")
        }
        self.logger.debug(
            "worker reaped",
            metadata: ["worker_pid": .stringConvertible(worker.pid), "status": .string(status)]
        )
    }
}
