import Glibc

/// A `kill(2)` that failed.
struct ProcessSignalError: Error, Equatable, CustomStringConvertible {
    /// The pid (or, for a process group, the group id) we tried to signal.
    let target: pid_t
    let signal: CInt
    let errorNumber: CInt?
    let reason: String

    /// True when the process no longer exists (`ESRCH`): usually not worth reporting.
    var processIsGone: Bool {
        errorNumber == ESRCH
    }

    var description: String {
        "cannot send \(SignalName.name(of: signal)) to \(target): \(reason)"
    }
}
