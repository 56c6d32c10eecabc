import Glibc
import Logging
import NIOCore

/// The decisions shared by the events: reaping, deadlines, the worker count, backoff,
/// retiring, and the one timer.
extension WorkerPoolStateMachine {

    /// Deadlines, then the worker count, then the queue, then the timer; and the end of a
    /// shutdown.
    mutating func supervise(now: NIODeadline, into actions: inout [Action]) {
        self.enforceStopDeadlines(now: now, into: &actions)
        self.enforceRequestDeadlines(now: now, into: &actions)
        self.maintainWorkerCount(now: now, into: &actions)
        self.dispatch(now: now, into: &actions)
        if case .stopping(reportedDone: false) = self.mode, self.workers.isEmpty {
            self.mode = .stopping(reportedDone: true)
            actions.append(.shutdownComplete)
        }
        self.scheduleTimer(now: now, into: &actions)
    }

    mutating func reaped(pid: pid_t, status: ChildProcessStatus, now: NIODeadline, into actions: inout [Action]) {
        guard let worker = self.workers.values.first(where: { $0.pid == pid }) else { return }
        self.lastExit = (pid, status)
        self.lastExitBySlot[worker.slot] = status
        switch worker.phase {
        case .starting, .serving, .stopping:
            self.disconnect(worker.id, reason: "\(status)", now: now, into: &actions)
        case .disconnected:
            break
        }
        if self.workers[worker.id]?.exitedUnexpectedly == true {
            self.countRestart(WorkerRestartReason(unexpectedExit: status), into: &actions)
        }
        self.workers[worker.id] = nil
        actions.append(
            .log(.debug, "worker reaped", ["worker_pid": .stringConvertible(pid), "status": .string("\(status)")])
        )
    }

    mutating func disconnect(_ id: WorkerID, reason: String, now: NIODeadline, into actions: inout [Action]) {
        guard let worker = self.workers[id] else { return }
        let previous = worker.phase
        switch previous {
        case .disconnected:
            return
        case .starting:
            self.workers[id]?.phase = .disconnected(since: now)
            self.release(id, now: now, into: &actions)
            actions.append(
                .log(
                    .warning,
                    "worker exited",
                    ["worker_pid": .stringConvertible(worker.pid), "reason": .string(reason)]
                )
            )
            self.startFailed(
                slot: worker.slot,
                reason: "worker \(worker.pid) exited before it was ready",
                replacing: worker.replacing,
                now: now,
                into: &actions
            )
        case .serving:
            self.workers[id]?.phase = .disconnected(since: now)
            self.workers[id]?.exitedUnexpectedly = true
            self.release(id, now: now, into: &actions)
            actions.append(
                .log(
                    .warning,
                    "worker exited",
                    ["worker_pid": .stringConvertible(worker.pid), "reason": .string(reason)]
                )
            )
        case .stopping:
            self.workers[id]?.phase = .disconnected(since: now)
            self.release(id, now: now, into: &actions)
        }
        self.abandonReplacements(of: id, now: now, into: &actions)
    }

    /// The worker is gone (socket closed or exit collected): its requests are put back or
    /// failed, and the caller forgets its socket.
    private mutating func release(_ id: WorkerID, now: NIODeadline, into actions: inout [Action]) {
        self.releaseRequests(of: id, now: now, into: &actions)
        actions.append(.forget(id))
    }

    /// SIGKILL for stopping workers past their grace.
    mutating func enforceStopDeadlines(now: NIODeadline, into actions: inout [Action]) {
        for id in self.workers.keys.sorted() {
            guard let worker = self.workers[id] else { continue }
            switch worker.phase {
            case .stopping(let killAt, killSent: false) where killAt <= now:
                self.workers[id]?.phase = .stopping(killAt: killAt, killSent: true)
                actions.append(.signal(worker.pid, SIGKILL))
            case .starting, .serving, .stopping, .disconnected:
                break
            }
        }
    }

    /// Like gunicorn's `manage_workers`: every slot without a live worker gets one, at once
    /// or, after start failures, once its backoff has passed.
    mutating func maintainWorkerCount(now: NIODeadline, into actions: inout [Action]) {
        switch self.mode {
        case .stopping:
            return
        case .running:
            break
        }
        for slot in self.slots.indices {
            guard !self.isOccupied(slot: slot) else {
                self.slots[slot].restartAt = nil
                continue
            }
            if let restartAt = self.slots[slot].restartAt {
                guard restartAt <= now else { continue }
                self.slots[slot].restartAt = nil
            } else if self.slots[slot].failures > 0 {
                self.delayStart(of: slot, now: now, into: &actions)
                continue
            }
            self.slots[slot].launching = true
            actions.append(.launch(LaunchOrder(slot: slot, generation: self.generation, replacing: nil)))
        }
    }

    /// Whether a launch is under way for the slot or a starting or serving worker holds it.
    func isOccupied(slot: Int) -> Bool {
        self.slots[slot].launching
            || self.workers.values.contains { worker in
                guard worker.slot == slot else { return false }
                switch worker.phase {
                case .starting, .serving: return true
                case .stopping, .disconnected: return false
                }
            }
    }

    mutating func delayStart(of slot: Int, now: NIODeadline, into actions: inout [Action]) {
        let delay = Self.backoff(afterFailures: max(self.slots[slot].failures, 1), cap: self.configuration.maxBackoff)
        self.slots[slot].restartAt = now + delay
        actions.append(
            .log(
                .info,
                "restarting slot after backoff",
                ["slot": .stringConvertible(slot), "delay_ms": .stringConvertible(delay.nanoseconds / 1_000_000)]
            )
        )
    }

    /// 100 ms doubled per consecutive failure, ±25 % jitter, capped.
    static func backoff(afterFailures failures: Int, cap: TimeAmount) -> TimeAmount {
        let base = 0.1 * pow(2.0, Double(min(failures, 20) - 1))
        let capped = min(base, Double(cap.nanoseconds) / 1e9)
        return .milliseconds(Int64(capped * Double.random(in: 0.75...1.25) * 1000))
    }

    /// Counts a start failure for the slot. A failed replacement leaves the old worker serving
    /// and ends the recycle or reload it belonged to.
    mutating func startFailed(
        slot: Int,
        reason: String,
        replacing oldWorkerID: WorkerID?,
        now: NIODeadline,
        into actions: inout [Action]
    ) {
        self.slots[slot].failures += 1
        self.lastStartError = reason
        actions.append(
            .log(
                .error,
                "worker failed to start",
                [
                    "slot": .stringConvertible(slot), "reason": .string(reason),
                    "consecutive_failures": .stringConvertible(self.slots[slot].failures),
                ]
            )
        )
        if let oldWorkerID {
            self.replacementFailed(oldWorkerID: oldWorkerID, slot: slot, now: now, into: &actions)
        }
    }

    /// Takes a worker out of service: `.drain` (frame, or SIGTERM), SIGKILL after the grace.
    mutating func retire(_ id: WorkerID, viaSignal: Bool, now: NIODeadline, into actions: inout [Action]) {
        guard let worker = self.workers[id] else { return }
        switch worker.phase {
        case .stopping, .disconnected:
            return
        case .starting, .serving:
            self.workers[id]?.phase = .stopping(killAt: now + self.configuration.killGrace, killSent: false)
            self.workers[id]?.retireWhenIdle = false
            self.idle.removeAll { $0 == id }
            actions.append(.drain(id, pid: worker.pid, viaSignal: viaSignal))
        }
    }

    mutating func countRestart(_ reason: WorkerRestartReason, into actions: inout [Action]) {
        self.restarts[reason, default: 0] += 1
        actions.append(.countRestart(reason))
    }

    /// The one timer: the earliest delayed start, SIGKILL, request deadline, or second look at
    /// a worker whose socket closed before its exit was collected (SIGCHLD normally comes
    /// first). Requests starting later move it only when they come due first (`start`).
    mutating func scheduleTimer(now: NIODeadline, into actions: inout [Action]) {
        var next: NIODeadline?
        func consider(_ deadline: NIODeadline) {
            next = min(next ?? deadline, deadline)
        }
        for slot in self.slots {
            if let restartAt = slot.restartAt {
                consider(restartAt)
            }
        }
        if let hedgeDue = self.hedgeDue, hedgeDue > now {
            consider(hedgeDue)  // a past one waits for an idle worker, not for the timer
        }
        for worker in self.workers.values {
            if let deadline = worker.requests.current?.deadline {
                consider(deadline)
            }
            switch worker.phase {
            case .stopping(let killAt, killSent: false):
                consider(killAt)
            case .disconnected(let since):
                let retry = since + Self.reapRetryInterval
                consider(retry > now ? retry : now + Self.reapRetryInterval)
            case .starting, .serving, .stopping:
                break
            }
        }
        guard next != self.timer else { return }
        self.timer = next
        actions.append(next.map { .scheduleTimer(at: $0) } ?? .cancelTimer)
    }

    /// How long a worker whose socket closed may stay unreaped before another look without
    /// waiting for SIGCHLD.
    static var reapRetryInterval: TimeAmount { .seconds(1) }
}
