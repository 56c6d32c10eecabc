import Glibc
import Logging
import NIOCore

/// Recycling (`--max-requests`) and rolling reloads (SIGHUP): one worker at a time gets a
/// replacement in its slot; the old worker keeps serving until the new one has said hello,
/// then drains. A replacement that cannot start leaves the old worker in place.
extension WorkerPoolStateMachine {
    /// SIGHUP: a new generation from the worker binary on disk, slot by slot. A reload during
    /// a reload restarts the walk with everything not yet new.
    mutating func reloadRequested(now: NIODeadline) -> [Action] {
        guard !self.isStopping else { return [] }
        var actions: [Action] = []
        if let reload = self.reload {
            actions.append(
                .log(
                    .info,
                    "reload already in progress, extending it",
                    ["generation": .stringConvertible(reload.generation)]
                )
            )
        }
        self.generation += 1
        let old = self.workers.values
            .filter { worker in
                guard worker.generation < self.generation, worker.replacing == nil else { return false }
                switch worker.phase {
                case .starting, .serving: return true
                case .stopping, .disconnected: return false
                }
            }
            .sorted { $0.slot < $1.slot }
            .map(\.id)
        self.reload = RollingReload(generation: self.generation, remaining: old, current: self.reload?.current)
        actions.append(
            .log(
                .info,
                "rolling reload started",
                ["generation": .stringConvertible(self.generation), "workers": .stringConvertible(old.count)]
            )
        )
        actions.append(.notify(.reloadStarted(generation: self.generation)))
        self.advanceReload(now: now, into: &actions)
        return actions
    }

    /// Begins recycling the worker unless another recycle or a reload is under way; then it
    /// waits its turn.
    mutating func startRecycle(_ id: WorkerID, now: NIODeadline, into actions: inout [Action]) {
        guard let worker = self.workers[id], !self.isStopping else { return }
        // Already replaced or being replaced: a worker whose replacement is ready may still
        // finish requests pipelined behind its last one, and must not get a second one.
        guard !worker.retireWhenIdle, !self.workers.values.contains(where: { $0.replacing == id }) else { return }
        guard self.recycle == nil, self.reload == nil, now >= self.nextRecycleAllowed else {
            if !self.recycleDue.contains(id) {
                self.recycleDue.append(id)
            }
            return
        }
        actions.append(.log(.info, "recycling worker", ["worker_pid": .stringConvertible(worker.pid)]))
        self.recycle = Replacement(oldWorkerID: id, newWorkerID: 0)
        self.slots[worker.slot].launching = true
        actions.append(.launch(LaunchOrder(slot: worker.slot, generation: self.generation, replacing: id)))
    }

    /// Replaces the next old worker, or finishes the reload.
    private mutating func advanceReload(now: NIODeadline, into actions: inout [Action]) {
        guard var reload = self.reload, reload.current == nil else { return }
        while let next = reload.remaining.first {
            reload.remaining.removeFirst()
            guard let old = self.workers[next] else { continue }
            switch old.phase {
            case .stopping, .disconnected:
                continue
            case .starting, .serving:
                reload.current = Replacement(oldWorkerID: old.id, newWorkerID: 0)
                self.reload = reload
                self.slots[old.slot].launching = true
                actions.append(.launch(LaunchOrder(slot: old.slot, generation: self.generation, replacing: old.id)))
                return
            }
        }
        self.reload = nil
        actions.append(.log(.info, "rolling reload finished", ["generation": .stringConvertible(reload.generation)]))
        actions.append(.notify(.reloadFinished(generation: reload.generation, succeeded: true)))
    }

    /// The replacement said hello: the old worker retires once it has no request in hand.
    mutating func replacementReady(oldWorkerID: WorkerID, now: NIODeadline, into actions: inout [Action]) {
        let isRecycle = self.recycle?.oldWorkerID == oldWorkerID
        if self.workers[oldWorkerID] != nil {
            self.countRestart(isRecycle ? .recycle : .reload, into: &actions)
            self.workers[oldWorkerID]?.retireWhenIdle = true
            self.becameIdle(oldWorkerID, now: now, into: &actions)  // retires it now if it holds nothing
        }
        if isRecycle {
            self.recycle = nil
            self.recycleNextDueWorker(now: now, into: &actions)
        }
        if self.reload?.current?.oldWorkerID == oldWorkerID {
            self.reload?.current = nil
            self.advanceReload(now: now, into: &actions)
        }
    }

    /// The replacement died before hello. The old worker stays; a recycle is retried after a
    /// backoff, a reload is abandoned and the old generation kept.
    mutating func replacementFailed(oldWorkerID: WorkerID, slot: Int, now: NIODeadline, into actions: inout [Action]) {
        if self.recycle?.oldWorkerID == oldWorkerID {
            self.recycle = nil
            let failures = max(self.slots[slot].failures, 1)
            self.nextRecycleAllowed = now + Self.backoff(afterFailures: failures, cap: self.configuration.maxBackoff)
        }
        if let reload = self.reload, reload.current?.oldWorkerID == oldWorkerID {
            self.reload = nil
            self.generation -= 1
            actions.append(
                .log(
                    .error,
                    "rolling reload failed: new workers cannot start; keeping the running generation",
                    ["generation": .stringConvertible(reload.generation), "reason": .string(self.lastStartError ?? "")]
                )
            )
            actions.append(.notify(.reloadFinished(generation: reload.generation, succeeded: false)))
        }
    }

    /// The old worker of a pending replacement is gone: the replacement simply becomes the
    /// slot's worker.
    mutating func abandonReplacements(of oldWorkerID: WorkerID, now: NIODeadline, into actions: inout [Action]) {
        for worker in self.workers.values where worker.replacing == oldWorkerID {
            self.workers[worker.id]?.replacing = nil
        }
        self.recycleDue.removeAll { $0 == oldWorkerID }
        if self.recycle?.oldWorkerID == oldWorkerID {
            self.recycle = nil
            self.recycleNextDueWorker(now: now, into: &actions)
        }
        if self.reload?.current?.oldWorkerID == oldWorkerID {
            self.reload?.current = nil
            self.advanceReload(now: now, into: &actions)
        }
    }

    /// After a recycle, the next worker that reached its limit meanwhile gets its turn.
    private mutating func recycleNextDueWorker(now: NIODeadline, into actions: inout [Action]) {
        while self.recycle == nil, self.reload == nil, now >= self.nextRecycleAllowed, !self.recycleDue.isEmpty {
            let next = self.recycleDue.removeFirst()
            guard self.workers[next]?.phase == .serving, self.workers[next]?.retireWhenIdle == false else { continue }
            self.startRecycle(next, now: now, into: &actions)
        }
    }
}
