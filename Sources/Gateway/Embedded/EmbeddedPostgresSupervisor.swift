import Foundation
import Logging

/// Keeps the embedded PostgreSQL running the way the pool keeps its workers running: it reaps
/// the postmaster when it exits (SIGKILL from the OOM killer, a crash), starts it again (its
/// crash recovery runs on start) with `EmbeddedPostgresBackoff` between failing attempts, and
/// reports every change for `/status` and `/metrics`. Between checks it keeps `postgres.log`
/// bounded (`PostgresLogRotation`).
///
/// It runs on its own long-lived thread: restarted servers get `PR_SET_PDEATHSIG` through
/// `setpriv`, which fires when the *spawning thread* exits, so a pooled thread that may retire
/// cannot spawn them. While the server is down workers answer 503 (they cannot connect) and
/// `/readyz` says the database is not reachable; both clear once it is back.
final class EmbeddedPostgresSupervisor: @unchecked Sendable {
    /// Something the runtime may want to count or show.
    enum Event: Sendable, Equatable {
        case exited(ChildProcessStatus)
        case restarted(pid_t)
        case restartFailed(String)
    }

    private let postgres: EmbeddedPostgres
    private let logger: Logger
    private let backoff: EmbeddedPostgresBackoff
    private let pollInterval: Duration
    private let logRotation: PostgresLogRotation
    /// How often the log size is checked, in polls.
    private let pollsPerLogCheck = 100
    /// Guards `stopping` and `current`; signalled to cut a wait short on `stop()`.
    private let condition = NSCondition()
    private var stopping = false
    private var started = false
    private var current: EmbeddedPostgresStatus
    private let finished = DispatchSemaphore(value: 0)
    private var onChange: (@Sendable (EmbeddedPostgresStatus, Event) -> Void)?

    init(
        postgres: EmbeddedPostgres,
        logger: Logger,
        backoff: EmbeddedPostgresBackoff = EmbeddedPostgresBackoff(),
        pollInterval: Duration = .milliseconds(100)
    ) {
        self.postgres = postgres
        self.logger = logger
        self.backoff = backoff
        self.pollInterval = pollInterval
        self.logRotation = PostgresLogRotation(path: postgres.layout.logFile)
        self.current = EmbeddedPostgresStatus(pid: postgres.pid, running: postgres.pid != nil)
    }

    /// The latest status.
    var status: EmbeddedPostgresStatus {
        condition.withLock { current }
    }

    /// Starts watching the server `postgres.start()` already started. `onChange` runs on the
    /// supervisor thread after each event.
    func start(onChange: @escaping @Sendable (EmbeddedPostgresStatus, Event) -> Void) {
        self.onChange = onChange
        condition.withLock { started = true }
        let thread = Thread { [self] in
            supervise()
            finished.signal()
        }
        thread.name = "rookery.embedded-postgres"
        thread.start()
    }

    /// Stops watching (an attempt in progress finishes first, within `timeout`). The server
    /// itself is stopped by `EmbeddedPostgres.stop()`, after this.
    func stop(timeout: Duration = .seconds(60)) {
        let mustWait = condition.withLock {
            defer { stopping = true }
            condition.broadcast()
            return started && !stopping
        }
        guard mustWait else { return }
        let seconds = Double(timeout.components.seconds)
        if finished.wait(timeout: .now() + seconds) == .timedOut {
            logger.warning("embedded PostgreSQL supervisor did not stop within \(seconds) s")
        }
    }

    private func supervise() {
        let clock = ContinuousClock()
        var startedAt = clock.now
        var failures = 0
        while true {
            guard let exit = waitForExit() else { return }
            failures = backoff.failuresAfterExit(previous: failures, uptime: startedAt.duration(to: clock.now))
            logger.warning(
                "restarting embedded PostgreSQL",
                metadata: ["consecutive_failures": .stringConvertible(failures)]
            )
            update(.exited(exit)) {
                $0.pid = nil
                $0.running = false
                $0.lastExit = exit.description
                $0.consecutiveFailures = failures
            }
            while true {
                guard sleepUnlessStopping(backoff.delay(consecutiveFailures: failures)) else { return }
                do {
                    _ = try postgres.start()
                    startedAt = clock.now
                    let pid = postgres.pid ?? 0
                    logger.notice("embedded PostgreSQL restarted (pid \(pid))")
                    update(.restarted(pid)) {
                        $0.pid = pid
                        $0.running = true
                        $0.restarts += 1
                        $0.lastStartError = nil
                    }
                    break
                } catch {
                    failures += 1
                    let reason = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
                    logger.error("embedded PostgreSQL did not restart: \(error)")
                    update(.restartFailed(reason)) {
                        $0.consecutiveFailures = failures
                        $0.lastStartError = reason
                    }
                }
            }
        }
    }

    /// Polls for the server's exit (and now and then the log's size); nil once `stop()` was called.
    private func waitForExit() -> ChildProcessStatus? {
        var polls = 0
        while true {
            if let status = postgres.reapIfExited() {
                return status
            }
            polls += 1
            if polls % pollsPerLogCheck == 0, logRotation.rotateIfNeeded() {
                logger.info("rotated \(logRotation.path) to \(logRotation.rotatedPath)")
            }
            guard sleepUnlessStopping(pollInterval) else { return nil }
        }
    }

    /// Sleeps for `duration`; false when `stop()` was called (before or meanwhile).
    private func sleepUnlessStopping(_ duration: Duration) -> Bool {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        let deadline = Date(timeIntervalSinceNow: seconds)
        return condition.withLock {
            while !stopping {
                if !condition.wait(until: deadline) { return true }
            }
            return false
        }
    }

    private func update(_ event: Event, _ change: (inout EmbeddedPostgresStatus) -> Void) {
        let status = condition.withLock {
            change(&current)
            return current
        }
        onChange?(status, event)
    }
}
