import Foundation
import Glibc
import NIOCore

/// The pool's I/O side of one worker process: its socket and what /status shows beside the
/// state machine's record (`WorkerPoolStateMachine.Worker`), which decides everything else.
///
/// Owned by `WorkerPool` and touched only on the pool's event loop.
final class WorkerHandle {
    let id: UInt64
    let pid: pid_t
    let spawnedAt: NIODeadline
    /// Wall-clock start time (seconds since 1970), for /status.
    let startedAtWallClock = Date().timeIntervalSince1970
    var channel: (any Channel)?
    /// What the worker's last pong said about its own database connection.
    var databaseConnected = true
    /// Request frames were written to its socket this loop tick and wait for the pool's flush.
    var flushPending = false

    init(id: UInt64, pid: pid_t, now: NIODeadline) {
        self.id = id
        self.pid = pid
        self.spawnedAt = now
    }
}
