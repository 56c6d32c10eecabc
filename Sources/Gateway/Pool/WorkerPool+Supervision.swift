import Foundation
import Logging
import NIOCore
import Protocol

/// The supervisor, shaped like gunicorn's arbiter: SIGCHLD, socket closes and timers only
/// ask for a pass; one pass reaps every exited child once, then enforces stop deadlines,
/// then refills empty slots, and schedules one timer for the earliest deadline left. When
/// nothing is pending, no timer runs.
extension WorkerPool {
    /// One supervision pass. Re-entrant calls (a kill that closes a socket at once, say) are
    /// folded into another round of the running pass instead of nesting.
    func supervise() {
        guard !self.supervising else {
            self.supervisionRequested = true
            return
        }
        self.supervising = true
        defer { self.supervising = false }
        repeat {
            self.supervisionRequested = false
            let now = self.loop.now
            self.reapExited()
            self.enforceStopDeadlines(now: now)
            self.maintainWorkerCount(now: now)
        } while self.supervisionRequested
        self.scheduleNextSupervision()
        self.dispatch()
    }

    /// Like gunicorn's `reap_workers`: collects the status of every exited worker first, then
    /// applies each exit once. Each pid leaves `unreaped` the moment `waitpid` returns its
    /// status and is never passed to `waitpid` again: a second call would fail with ECHILD
    /// and count the exit twice.
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
    private func workerReaped(_ worker: WorkerHandle, status: ChildProcessStatus) {
        worker.lastExitStatus = status
        self.lastExit = (worker.pid, status)
        self.lastExitBySlot[worker.slot] = status
        if worker.state != .exited {
            self.workerGone(worker, reason: "\(status)")
        }
        if worker.exitedUnexpectedly {
            self.countRestart(WorkerRestartReason(unexpectedExit: status))
        }
        self.logger.debug(
            "worker reaped",
            metadata: ["worker_pid": .stringConvertible(worker.pid), "status": .string("\(status)")]
        )
    }

    /// Like gunicorn's `murder_workers` for stopping workers: one still running when its
    /// grace after the drain frame or SIGTERM is over gets SIGKILL.
    private func enforceStopDeadlines(now: NIODeadline) {
        for worker in self.unreaped.values where !worker.killSent {
            guard let deadline = worker.stopDeadline, deadline <= now else { continue }
            worker.killSent = true
            self.launcher.signal(worker.pid, SIGKILL)
        }
    }

    /// Like gunicorn's `manage_workers`: every slot without a live worker gets one, at once
    /// or, after start failures, once its backoff has passed.
    func maintainWorkerCount(now: NIODeadline) {
        guard !self.stopping else {
            self.slotRestartAt.removeAll()
            return
        }
        for slot in 0..<self.configuration.workers {
            guard !self.isOccupied(slot: slot) else {
                self.slotRestartAt[slot] = nil
                continue
            }
            if let restartAt = self.slotRestartAt[slot] {
                guard restartAt <= now else { continue }
                self.slotRestartAt[slot] = nil
            } else if self.slotFailures[slot] > 0 {
                self.delayStart(of: slot, now: now)
                continue
            }
            if self.spawn(slot: slot) == nil {
                self.delayStart(of: slot, now: now)
            }
        }
    }

    /// Sets the slot's next start attempt after its backoff.
    private func delayStart(of slot: Int, now: NIODeadline) {
        let delay = self.backoff(afterFailures: max(self.slotFailures[slot], 1))
        self.slotRestartAt[slot] = now + delay
        self.logger.info(
            "restarting slot after backoff",
            metadata: [
                "slot": .stringConvertible(slot), "delay_ms": .stringConvertible(delay.nanoseconds / 1_000_000),
            ]
        )
    }

    /// One timer for the earliest pending deadline: a slot's delayed start, a stopping
    /// worker's SIGKILL, or another reap attempt for a worker whose socket closed before its
    /// exit could be collected (SIGCHLD normally comes first; this is the safety net).
    private func scheduleNextSupervision() {
        let now = self.loop.now
        var next = self.slotRestartAt.values.min()
        for worker in self.unreaped.values {
            if let deadline = worker.stopDeadline, !worker.killSent {
                next = min(next ?? deadline, deadline)
            }
            if worker.state == .exited {
                let retry = now + Self.reapRetryInterval
                next = min(next ?? retry, retry)
            }
        }
        guard let next else {
            self.supervisionTimer?.task.cancel()
            self.supervisionTimer = nil
            return
        }
        if let timer = self.supervisionTimer, timer.deadline <= next {
            return
        }
        self.supervisionTimer?.task.cancel()
        let task = self.loop.scheduleTask(deadline: next) {
            self.supervisionTimer = nil
            self.supervise()
        }
        self.supervisionTimer = (next, task)
    }

    /// How long a worker whose socket closed may stay unreaped before the pool looks again
    /// without waiting for SIGCHLD.
    static var reapRetryInterval: TimeAmount { .seconds(1) }

    /// Counts a restart by reason, for /status and metrics.
    func countRestart(_ reason: WorkerRestartReason) {
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

    /// Takes a worker out of service: a drain frame (or SIGTERM), SIGKILL once the grace
    /// period is over (`enforceStopDeadlines`).
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
        worker.stopDeadline = self.loop.now + self.configuration.killGrace
        self.scheduleNextSupervision()
    }
}
