/// How a child process ended, decoded from a `waitpid` status.
enum ChildProcessStatus: Equatable, Sendable, CustomStringConvertible {
    /// The child called `exit` (or returned from `main`) with this code.
    case exited(CInt)
    /// The child was terminated by this signal.
    case signaled(CInt)
    /// The child is gone but its status was collected elsewhere (`waitpid` failed with
    /// `ECHILD`, e.g. someone else reaped it, or it was never our child).
    case unknown

    /// Decodes a raw `waitpid` status the way `WIFEXITED`/`WIFSIGNALED` do (Swift does not
    /// import those macros). Returns nil for "stopped" and "continued" statuses, which only
    /// appear with `WUNTRACED`/`WCONTINUED` and mean the child is still alive.
    init?(waitStatus status: CInt) {
        let terminationSignal = status & 0x7f
        if terminationSignal == 0 {
            self = .exited((status >> 8) & 0xff)
        } else if terminationSignal != 0x7f && status != 0xffff {
            self = .signaled(terminationSignal)
        } else {
            return nil
        }
    }

    /// True when the child exited with code 0.
    var isSuccess: Bool {
        self == .exited(0)
    }

    var description: String {
        switch self {
        case .exited(let code):
            return "exited with code \(code)"
        case .signaled(let signal):
            return "killed by signal \(signal) (\(SignalName.name(of: signal)))"
        case .unknown:
            return "exited (status unavailable)"
        }
    }
}
