import Glibc
import Logging
import NIOCore
import Protocol

/// The events of a worker's life and of the supervision pass.
extension WorkerPoolStateMachine {

    /// The pool starts: every slot gets a worker.
    mutating func start(now: NIODeadline) -> [Action] {
        var actions: [Action] = []
        self.supervise(now: now, into: &actions)
        return actions
    }

    /// A launch asked for by `.launch` succeeded. Returns the new worker's record.
    mutating func launched(_ order: LaunchOrder, pid: pid_t, now: NIODeadline) -> (Worker, [Action]) {
        self.slots[order.slot].launching = false
        let id = self.nextWorkerID
        self.nextWorkerID += 1
        var limit: Int?
        if self.configuration.maxRequests > 0 {
            limit = self.configuration.maxRequests + Int.random(in: 0...max(0, self.configuration.maxRequestsJitter))
        }
        let worker = Worker(
            id: id,
            slot: order.slot,
            generation: order.generation,
            pid: pid,
            phase: .starting,
            requestLimit: limit,
            replacing: order.replacing
        )
        self.workers[id] = worker
        if let old = order.replacing {
            if self.recycle?.oldWorkerID == old {
                self.recycle?.newWorkerID = id
            }
            if self.reload?.current?.oldWorkerID == old {
                self.reload?.current?.newWorkerID = id
            }
        }
        return (worker, [])
    }

    /// A launch asked for by `.launch` failed: a start failure of the slot.
    mutating func launchFailed(_ order: LaunchOrder, reason: String, now: NIODeadline) -> [Action] {
        self.slots[order.slot].launching = false
        var actions: [Action] = []
        self.startFailed(slot: order.slot, reason: reason, replacing: order.replacing, now: now, into: &actions)
        if order.replacing == nil {
            self.delayStart(of: order.slot, now: now, into: &actions)
        }
        self.scheduleTimer(now: now, into: &actions)
        return actions
    }

    /// The worker said hello.
    mutating func helloReceived(
        _ id: WorkerID,
        protocolVersion: UInt8,
        expected: UInt8,
        routeCosts: [RouteCost] = [],
        now: NIODeadline
    ) -> [Action] {
        guard let worker = self.workers[id] else { return [] }
        switch worker.phase {
        case .stopping, .disconnected:
            return []  // retired before it was ready; it reads the drain frame next and exits
        case .serving:
            return self.misbehaved(id, reason: "second hello", now: now)
        case .starting:
            break
        }
        guard protocolVersion == expected else {
            return self.misbehaved(
                id,
                reason: "worker speaks protocol \(protocolVersion), gateway \(expected)",
                now: now
            )
        }
        var actions: [Action] = []
        self.slots[worker.slot].failures = 0
        self.lastStartError = nil
        // The newest worker's table wins: after a reload, the new generation's routes count.
        self.routeCosts = routeCosts
        self.workers[id]?.phase = .serving
        actions.append(
            .log(
                .info,
                "worker ready",
                [
                    "worker_pid": .stringConvertible(worker.pid), "slot": .stringConvertible(worker.slot),
                    "generation": .stringConvertible(worker.generation),
                ]
            )
        )
        if let old = worker.replacing {
            self.workers[id]?.replacing = nil
            self.replacementReady(oldWorkerID: old, now: now, into: &actions)
        }
        self.becameIdle(id, now: now, into: &actions)
        if !self.announcedReady, self.isFullyReady {
            self.announcedReady = true
            actions.append(.notify(.ready))
        }
        self.dispatch(now: now, into: &actions)
        self.scheduleTimer(now: now, into: &actions)
        return actions
    }

    /// The worker's socket closed: it exited or crashed. Its requests are released to the
    /// dispatcher; its exit is counted once its status is collected.
    mutating func socketClosed(_ id: WorkerID, reason: String, now: NIODeadline) -> [Action] {
        var actions: [Action] = []
        self.disconnect(id, reason: reason, now: now, into: &actions)
        self.dispatch(now: now, into: &actions)
        return actions
    }

    /// One supervision pass, gunicorn's arbiter loop body: the exits collected by `waitpid`
    /// (each pid once), then the deadlines (SIGKILL, 504), then the worker count, then the
    /// queue. SIGCHLD, socket closes and the timer all come here.
    mutating func supervise(reaped: [(pid: pid_t, status: ChildProcessStatus)], now: NIODeadline) -> [Action] {
        if let timer = self.timer, timer <= now {
            self.timer = nil  // it fired (or is about to, and finds nothing to do)
        }
        var actions: [Action] = []
        for exit in reaped {
            self.reaped(pid: exit.pid, status: exit.status, now: now, into: &actions)
        }
        self.supervise(now: now, into: &actions)
        return actions
    }

    /// The worker broke the protocol: its request gets 502 (or the retry policy of a dead
    /// worker's request if nothing was answered yet), and it is stopped with SIGTERM and
    /// replaced like a crashed one.
    mutating func misbehaved(_ id: WorkerID, reason: String, now: NIODeadline) -> [Action] {
        guard let worker = self.workers[id] else { return [] }
        var actions: [Action] = []
        switch worker.phase {
        case .stopping, .disconnected:
            return []
        case .starting:
            actions.append(
                .log(
                    .error,
                    "stopping misbehaving worker",
                    ["worker_pid": .stringConvertible(worker.pid), "reason": .string(reason)]
                )
            )
            self.startFailed(slot: worker.slot, reason: reason, replacing: worker.replacing, now: now, into: &actions)
        case .serving:
            actions.append(
                .log(
                    .error,
                    "stopping misbehaving worker",
                    ["worker_pid": .stringConvertible(worker.pid), "reason": .string(reason)]
                )
            )
            self.countRestart(.crash, into: &actions)
        }
        self.failCurrentOfMisbehaving(id, into: &actions)
        self.retire(id, viaSignal: true, now: now, into: &actions)
        self.supervise(now: now, into: &actions)
        return actions
    }
}
