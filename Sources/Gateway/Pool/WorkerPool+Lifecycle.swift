import Foundation
import Logging
import NIOCore
import Protocol

/// A worker's way through the pool: spawned into a slot, ready after hello, idle and busy,
/// gone when its socket closes or it breaks the protocol.
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
        let worker = WorkerHandle(
            id: id,
            slot: slot,
            generation: self.generation,
            pid: launched.pid,
            now: self.loop.now
        )
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
            worker.idleSince = self.loop.now
            if let limit = worker.requestLimit, worker.requestsServed >= limit {
                self.startRecycle(worker)
            }
        }
        self.dispatch()
    }

    /// The worker's socket closed: it exited or crashed. Its request is retried or failed, and
    /// the supervision pass reaps it if it can and refills its slot.
    func workerDisconnected(workerID: UInt64, reason: String) {
        guard let worker = self.workers[workerID] else { return }
        self.workerGone(worker, reason: reason)
        self.supervise()
    }

    /// Takes a worker whose socket closed or whose exit was reaped out of service: its
    /// pipelined requests go back to the queue, its current one is retried or failed.
    func workerGone(_ worker: WorkerHandle, reason: String) {
        guard self.workers.removeValue(forKey: worker.id) != nil else { return }
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
        self.abandonReplacements(of: worker.id)
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
            self.countRestart(.crash)
        }
        self.retire(worker, signal: true)
        self.supervise()
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
}
