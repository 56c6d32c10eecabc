import Logging
import NIOCore

/// Type=notify-reload support: READY=1 once every worker is ready, RELOADING=1 with
/// MONOTONIC_USEC when a reload starts and READY=1 when it ends, STATUS= every two seconds,
/// and WATCHDOG=1 every WATCHDOG_USEC/2 — only while the dispatcher loop runs (the timer
/// lives on it) and a worker has answered within the watchdog interval.
final class SystemdIntegration: Sendable {
    private let notifier: SystemdNotifier
    private let pool: WorkerPool
    private let logger: Logger

    init(notifier: SystemdNotifier, pool: WorkerPool, logger: Logger) {
        self.notifier = notifier
        self.pool = pool
        self.logger = logger
    }

    func start() {
        let notifier = self.notifier
        self.pool.onEvent = { event in
            switch event {
            case .ready:
                notifier.notify("READY=1\nSTATUS=serving")
            case .reloadStarted(let generation):
                notifier.notify(
                    "RELOADING=1\nMONOTONIC_USEC=\(SystemdNotifier.monotonicMicroseconds())\nSTATUS=reloading to generation \(generation)"
                )
            case .reloadFinished(let generation, let succeeded):
                let status =
                    succeeded ? "generation \(generation) serving" : "reload to generation \(generation) failed"
                notifier.notify("READY=1\nSTATUS=\(status)")
            }
        }
        guard notifier.isEnabled else { return }
        let pool = self.pool
        pool.loop.scheduleRepeatedTask(initialDelay: .seconds(2), delay: .seconds(2)) { _ in
            let snapshot = pool.currentSnapshot()
            notifier.notify(
                "STATUS=\(snapshot.idleWorkers) idle, \(snapshot.busyWorkers) busy, queue \(snapshot.queueDepth)/\(snapshot.queueLimit)"
            )
        }
        if let interval = SystemdNotifier.watchdogInterval() {
            let half = TimeAmount.microseconds(Int64(interval / 2))
            let limit = Double(interval) / 1e6
            self.logger.info("systemd watchdog enabled", metadata: ["interval_us": .stringConvertible(interval)])
            pool.loop.scheduleRepeatedTask(initialDelay: half, delay: half) { _ in
                let idle = Double((NIODeadline.now() - pool.lastWorkerActivity).nanoseconds) / 1e9
                if idle < limit {
                    notifier.notify("WATCHDOG=1")
                }
            }
        }
    }
}
