import Foundation
import Logging
import NIOCore

/// Recycling (`--max-requests`) and rolling reloads (SIGHUP): one worker at a time gets a
/// replacement in its slot; the old worker keeps serving until the new one has said hello,
/// then drains. A replacement that cannot start leaves the old worker in place.
extension WorkerPool {
    /// Begins recycling `worker` unless another recycle or a reload is under way; it is
    /// checked again after its next request.
    func startRecycle(_ worker: WorkerHandle) {
        guard !self.stopping, self.recycle == nil, self.reload == nil, self.loop.now >= self.nextRecycleAllowed
        else {
            return
        }
        self.logger.info(
            "recycling worker",
            metadata: [
                "worker_pid": .stringConvertible(worker.pid), "requests": .stringConvertible(worker.requestsServed),
            ]
        )
        // Recorded before spawning, so a launch failure inside spawn finds and clears it.
        self.recycle = Replacement(oldWorkerID: worker.id, newWorkerID: 0)
        guard let replacement = self.spawn(slot: worker.slot, replacing: worker.id) else { return }
        self.recycle?.newWorkerID = replacement.id
    }

    /// SIGHUP: a new generation from the worker binary on disk, slot by slot.
    func startReload() {
        self.loop.execute {
            guard !self.stopping else { return }
            if let reload = self.reload {
                // A reload during a reload restarts the walk with everything not yet new.
                self.logger.info(
                    "reload already in progress, extending it",
                    metadata: ["generation": .stringConvertible(reload.generation)]
                )
            }
            self.generation += 1
            let old = self.workers.values
                .filter { $0.generation < self.generation && $0.state != .draining && $0.replacing == nil }
                .sorted { $0.slot < $1.slot }
                .map(\.id)
            self.reload = RollingReload(generation: self.generation, remaining: old, current: self.reload?.current)
            self.logger.info(
                "rolling reload started",
                metadata: ["generation": .stringConvertible(self.generation), "workers": .stringConvertible(old.count)]
            )
            self.onEvent?(.reloadStarted(generation: self.generation))
            self.advanceReload()
        }
    }

    /// Replaces the next old worker, or finishes the reload.
    func advanceReload() {
        guard var reload = self.reload, reload.current == nil else { return }
        while let next = reload.remaining.first {
            reload.remaining.removeFirst()
            guard let old = self.workers[next], old.state != .draining else { continue }
            // Recorded before spawning, so a launch failure inside spawn aborts the reload.
            reload.current = Replacement(oldWorkerID: old.id, newWorkerID: 0)
            self.reload = reload
            guard let replacement = self.spawn(slot: old.slot, replacing: old.id) else { return }
            self.reload?.current?.newWorkerID = replacement.id
            return
        }
        self.reload = nil
        self.logger.info("rolling reload finished", metadata: ["generation": .stringConvertible(reload.generation)])
        self.onEvent?(.reloadFinished(generation: reload.generation, succeeded: true))
    }

    func replacementReady(newWorker: WorkerHandle, oldWorkerID: UInt64) {
        if let old = self.workers[oldWorkerID] {
            let reason: WorkerRestartReason = self.recycle?.oldWorkerID == oldWorkerID ? .recycle : .reload
            self.countRestart(reason)
            if old.state == .busy {
                old.retireWhenIdle = true
            } else {
                self.retire(old)
            }
        }
        if self.recycle?.oldWorkerID == oldWorkerID {
            self.recycle = nil
            self.recycleNextDueWorker()
        }
        if self.reload?.current?.oldWorkerID == oldWorkerID {
            self.reload?.current = nil
            self.advanceReload()
        }
    }

    /// The replacement died before hello. The old worker stays; a recycle is retried later,
    /// a reload is abandoned and the old generation kept.
    func replacementFailed(oldWorkerID: UInt64) {
        if self.recycle?.oldWorkerID == oldWorkerID {
            self.recycle = nil
            let failures = self.workers[oldWorkerID].map { self.slotFailures[$0.slot] } ?? 1
            self.nextRecycleAllowed = self.loop.now + self.backoff(afterFailures: max(failures, 1))
        }
        if let reload = self.reload, reload.current?.oldWorkerID == oldWorkerID {
            self.reload = nil
            self.generation -= 1
            self.logger.error(
                "rolling reload failed: new workers cannot start; keeping the running generation",
                metadata: [
                    "generation": .stringConvertible(reload.generation), "reason": .string(self.lastStartError ?? ""),
                ]
            )
            self.onEvent?(.reloadFinished(generation: reload.generation, succeeded: false))
        }
    }

    /// The old worker of a pending replacement died: the replacement simply becomes the slot's worker.
    func abandonReplacements(of oldWorkerID: UInt64) {
        for worker in self.workers.values where worker.replacing == oldWorkerID {
            worker.replacing = nil
        }
        if self.recycle?.oldWorkerID == oldWorkerID {
            self.recycle = nil
        }
        if self.reload?.current?.oldWorkerID == oldWorkerID {
            self.reload?.current = nil
            self.advanceReload()
        }
    }

    /// After a recycle, the next idle worker over its limit (workers that reached it while
    /// another recycle ran) gets its turn.
    func recycleNextDueWorker() {
        for worker in self.workers.values where worker.state == .idle {
            if let limit = worker.requestLimit, worker.requestsServed >= limit {
                self.startRecycle(worker)
                return
            }
        }
    }
}
