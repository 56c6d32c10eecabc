import CLibPQ
import Foundation

/// Waits until a freshly spawned server accepts connections.
struct PostgresReadiness {
    /// Why waiting ended without a ready server.
    enum Failure: Error, Equatable {
        case exited(ChildProcessStatus)
        case timedOut
    }

    let processControl: any ProcessControl
    /// Conninfo used for `PQping` (any database will do: PQping only asks whether the
    /// server accepts connections).
    let conninfo: String
    var timeout: Duration = .seconds(30)
    var interval: Duration = .milliseconds(50)

    /// Returns once `PQping` reports `PQPING_OK`; throws `Failure` if the server exits first
    /// or the timeout passes.
    func wait(for pid: pid_t) throws(Failure) {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            if let status = processControl.reap(pid: pid) {
                throw .exited(status)
            }
            if PQping(conninfo) == PQPING_OK {
                return
            }
            guard clock.now < deadline else {
                throw .timedOut
            }
            processControl.sleep(for: interval)
        }
    }
}
