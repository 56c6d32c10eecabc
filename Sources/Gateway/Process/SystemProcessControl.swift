import Glibc

/// The real `ProcessControl`: `posix_spawn`, `kill` and `waitpid`.
struct SystemProcessControl: ProcessControl {
    let spawner: ProcessSpawner

    init(spawner: ProcessSpawner = ProcessSpawner()) {
        self.spawner = spawner
    }

    func spawn(_ request: SpawnRequest) throws -> pid_t {
        try spawner.spawn(request)
    }

    func sendSignal(_ signal: CInt, to pid: pid_t) throws {
        // kill(0) and kill(-1) would signal our own group or every process we may signal.
        guard pid > 0 else {
            throw ProcessSignalError(target: pid, signal: signal, errorNumber: nil, reason: "invalid pid")
        }
        try deliver(signal, to: pid, reportedAs: pid)
    }

    func sendSignal(_ signal: CInt, toProcessGroup processGroup: pid_t) throws {
        guard processGroup > 1 else {
            throw ProcessSignalError(
                target: processGroup,
                signal: signal,
                errorNumber: nil,
                reason: "invalid process group"
            )
        }
        try deliver(signal, to: -processGroup, reportedAs: processGroup)
    }

    func reap(pid: pid_t) -> ChildProcessStatus? {
        // waitpid(0) or waitpid(-1) would steal another child's status.
        guard pid > 0 else { return .unknown }
        var status: CInt = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                return ChildProcessStatus(waitStatus: status)
            }
            if result == 0 {
                return nil
            }
            if errno == EINTR {
                continue
            }
            return .unknown
        }
    }

    func sleep(for duration: Duration) {
        let (seconds, attoseconds) = duration.components
        guard seconds > 0 || attoseconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && errno == EINTR {
            request = remaining
        }
    }

    private func deliver(_ signal: CInt, to target: pid_t, reportedAs reported: pid_t) throws {
        if kill(target, signal) == 0 {
            return
        }
        let code = errno
        throw ProcessSignalError(
            target: reported,
            signal: signal,
            errorNumber: code,
            reason: SystemErrorText.describe(code)
        )
    }
}
