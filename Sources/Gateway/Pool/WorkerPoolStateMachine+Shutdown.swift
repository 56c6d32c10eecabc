import Glibc
import Logging
import NIOCore

/// SIGTERM: drain, then stop; SIGKILL for what is left.
extension WorkerPoolStateMachine {
    /// SIGTERM: no new workers. Workers retire as they run out of work (`becameIdle`,
    /// `retireUnoccupiedWorkers`); `.shutdownComplete` follows once every one is reaped.
    mutating func shutdownRequested(now: NIODeadline) -> [Action] {
        switch self.mode {
        case .running:
            self.mode = .stopping(reportedDone: false)
            for slot in self.slots.indices {
                self.slots[slot].restartAt = nil
            }
        case .stopping:
            break
        }
        var actions: [Action] = []
        self.supervise(now: now, into: &actions)
        return actions
    }

    /// The graceful timeout passed, or a second SIGTERM: every process gets SIGKILL.
    mutating func killAll(now: NIODeadline) -> [Action] {
        if case .running = self.mode {
            self.mode = .stopping(reportedDone: false)
        }
        var actions: [Action] = []
        for id in self.workers.keys.sorted() {
            guard var worker = self.workers[id] else { continue }
            switch worker.phase {
            case .stopping(_, killSent: true):
                continue
            case .starting, .serving, .stopping, .disconnected:
                worker.phase = .stopping(killAt: now, killSent: true)
                self.workers[id] = worker
                actions.append(.signal(worker.pid, SIGKILL))
            }
        }
        self.scheduleTimer(now: now, into: &actions)
        return actions
    }
}
