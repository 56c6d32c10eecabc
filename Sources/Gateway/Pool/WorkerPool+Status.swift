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
        let now = self.loop.now
        let workers = self.supervisor.workers.values
            .filter { $0.state != .exited }
            .sorted { ($0.slot, $0.id) < ($1.slot, $1.id) }
            .map { worker in
                let handle = self.workers[worker.id]
                let stats = ProcessStats.read(pid: worker.pid)
                let current = worker.requests.current
                return PoolSnapshot.Worker(
                    pid: worker.pid,
                    slot: worker.slot,
                    state: worker.state.rawValue,
                    generation: worker.generation,
                    requests: worker.requestsServed,
                    currentRequestMilliseconds: current?.startedAt.map {
                        Int((now - $0).nanoseconds / 1_000_000)
                    },
                    currentRequest: current.map {
                        "\($0.request.head.method) \($0.request.head.target.split(separator: "?").first ?? "")"
                    },
                    ageSeconds: handle.map { Double((now - $0.spawnedAt).nanoseconds) / 1e9 } ?? 0,
                    startedAt: handle?.startedAtWallClock ?? 0,
                    residentBytes: stats?.residentBytes,
                    cpuSeconds: stats?.cpuSeconds,
                    databaseConnected: handle?.databaseConnected ?? false
                )
            }
        let slots = self.supervisor.slots.enumerated().map { slot, state in
            PoolSnapshot.Slot(
                slot: slot,
                consecutiveFailures: state.failures,
                restartInMilliseconds: state.restartAt.map { max(0, Int(($0 - now).nanoseconds / 1_000_000)) }
            )
        }
        let machine = self.supervisor
        let costClasses = CostClass.allCases.map { costClass in
            PoolSnapshot.CostClassState(
                label: costClass.label,
                inFlight: machine.inFlightByClass[Int(costClass.rawValue)],
                workerLimit: machine.configuration.classWorkerLimits[costClass],
                queueDepth: machine.queue.count(of: costClass),
                queueLimit: machine.queue.limit(of: costClass),
                rejected: machine.rejectedByClass[Int(costClass.rawValue)]
            )
        }
        return PoolSnapshot(
            workers: workers,
            slots: slots,
            costClasses: costClasses,
            hedgedRequests: machine.hedgedRequests,
            configuredWorkers: self.configuration.workers,
            generation: self.supervisor.generation,
            reloading: self.supervisor.reload != nil,
            queueDepth: self.supervisor.queue.count,
            queueLimit: self.configuration.queueLimit,
            oldestWaitMilliseconds: self.supervisor.queue.first.map {
                Int((now - $0.receivedAt).nanoseconds / 1_000_000)
            },
            databaseReachable: self.databaseReachable,
            embeddedDatabase: self.embeddedDatabase,
            stopping: self.stopping,
            lastStartError: self.supervisor.lastStartError,
            lastExit: self.supervisor.lastExit.map { "worker \($0.pid) \($0.status)" },
            restarts: Dictionary(uniqueKeysWithValues: self.supervisor.restarts.map { ($0.key.label, $0.value) }),
            secondsSinceWorkerActivity: Double((now - self.lastWorkerActivity).nanoseconds) / 1e9,
            lastExitBySlot: self.supervisor.lastExitBySlot.mapValues { "\($0)" },
            uptimeSeconds: Date().timeIntervalSince(self.startedAt)
        )
    }
}
