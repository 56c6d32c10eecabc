import Foundation
import Logging
import NIOCore
import Protocol

extension WorkerPool {
    /// A copy of the pool's state for the admin endpoints and systemd.
    func snapshot() -> EventLoopFuture<PoolSnapshot> {
        self.loop.submit { self.currentSnapshot() }
    }

    func currentSnapshot() -> PoolSnapshot {
        let now = NIODeadline.now()
        let workers = self.workers.values
            .filter { $0.state != .exited }
            .sorted { ($0.slot, $0.id) < ($1.slot, $1.id) }
            .map { worker in
                let stats = ProcessStats.read(pid: worker.pid)
                return PoolSnapshot.Worker(
                    pid: worker.pid,
                    slot: worker.slot,
                    state: worker.state.rawValue,
                    generation: worker.generation,
                    requests: worker.requestsServed,
                    currentRequestMilliseconds: worker.inFlight.map {
                        Int((now - $0.startedAt).nanoseconds / 1_000_000)
                    },
                    currentRequest: worker.inFlight.map {
                        "\($0.request.head.method) \($0.request.head.target.split(separator: "?").first ?? "")"
                    },
                    ageSeconds: Double((now - worker.spawnedAt).nanoseconds) / 1e9,
                    startedAt: worker.startedAtWallClock,
                    residentBytes: stats?.residentBytes,
                    cpuSeconds: stats?.cpuSeconds,
                    databaseConnected: worker.databaseConnected
                )
            }
        let slots = (0..<self.configuration.workers).map { slot in
            PoolSnapshot.Slot(
                slot: slot,
                consecutiveFailures: self.slotFailures[slot],
                restartInMilliseconds: self.slotRestartAt[slot].map { max(0, Int(($0 - now).nanoseconds / 1_000_000)) }
            )
        }
        return PoolSnapshot(
            workers: workers,
            slots: slots,
            configuredWorkers: self.configuration.workers,
            generation: self.generation,
            reloading: self.reload != nil,
            queueDepth: self.queue.count,
            queueLimit: self.configuration.queueLimit,
            oldestWaitMilliseconds: self.queue.first.map { Int((now - $0.receivedAt).nanoseconds / 1_000_000) },
            databaseReachable: self.databaseReachable,
            stopping: self.stopping,
            lastStartError: self.lastStartError,
            lastExit: self.lastExit,
            restarts: self.restarts,
            secondsSinceWorkerActivity: Double((now - self.lastWorkerActivity).nanoseconds) / 1e9,
            lastExitBySlot: self.lastExitBySlot,
            uptimeSeconds: Date().timeIntervalSince(self.startedAt)
        )
    }
}
