import Foundation

/// Starting, signalling and reaping child processes, behind a protocol so supervisor logic
/// can be unit-tested with a fake instead of real processes.
protocol ProcessControl: Sendable {
    /// Starts a child and returns its pid.
    func spawn(_ request: SpawnRequest) throws -> pid_t
    /// Sends `signal` to one process (`pid` must be > 0).
    func sendSignal(_ signal: CInt, to pid: pid_t) throws
    /// Sends `signal` to every process in a group (`processGroup` must be > 1).
    func sendSignal(_ signal: CInt, toProcessGroup processGroup: pid_t) throws
    /// Collects the status of an exited child without blocking; nil while it still runs.
    func reap(pid: pid_t) -> ChildProcessStatus?
    /// Blocks the calling thread; injected so fakes can make waiting instantaneous.
    func sleep(for duration: Duration)
}

extension ProcessControl {
    /// Polls `reap(pid:)` until the child exits or `timeout` passes; nil on timeout.
    ///
    /// Blocks the calling thread: use from a supervisor thread, never on an event loop.
    func waitForExit(
        pid: pid_t,
        timeout: Duration,
        pollInterval: Duration = .milliseconds(15)
    ) -> ChildProcessStatus? {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            if let status = reap(pid: pid) {
                return status
            }
            let now = clock.now
            if now >= deadline {
                return nil
            }
            sleep(for: min(pollInterval, now.duration(to: deadline)))
        }
    }
}
