import Glibc
import Logging
import NIOCore

extension WorkerPoolStateMachine {
    /// A worker process to start: the caller launches it and reports `launched` or
    /// `launchFailed` with this order.
    struct LaunchOrder: Equatable, Sendable {
        var slot: Int
        var generation: Int
        /// The worker it replaces (recycle, reload); nil to fill an empty slot.
        var replacing: WorkerID?
    }

    /// What the caller does after an event, in order.
    enum Action {
        /// Start a worker process.
        case launch(LaunchOrder)
        /// The worker said hello: the dispatcher may give it requests.
        case admit(WorkerID)
        /// Its replacement is ready: retire it once it has no request in hand (at once if
        /// idle, by reporting `workerIdle`).
        case retireWhenIdle(WorkerID)
        /// Stop the worker: the drain frame, or SIGTERM when `viaSignal` or it has no socket.
        /// SIGKILL follows from here after the grace.
        case drain(WorkerID, pid: pid_t, viaSignal: Bool)
        case signal(pid_t, CInt)
        /// The worker is gone (socket closed or exit collected): the dispatcher puts back or
        /// fails the requests it held and forgets its socket.
        case release(WorkerID)
        case countRestart(WorkerRestartReason)
        case notify(PoolEvent)
        case log(Logger.Level, Logger.Message, Logger.Metadata)
        /// Set the one supervision timer (replacing any earlier one); when it fires, call
        /// `supervise(reaped:now:)`.
        case scheduleTimer(at: NIODeadline)
        case cancelTimer
        /// Stopping, and every worker is reaped.
        case shutdownComplete
    }
}

/// One worker being replaced by a new one in the same slot.
struct Replacement: Equatable {
    var oldWorkerID: UInt64
    /// 0 until the replacement is launched.
    var newWorkerID: UInt64
}

/// A rolling reload: the old generation's workers, replaced one by one.
struct RollingReload: Equatable {
    var generation: Int
    /// Workers of older generations still to replace.
    var remaining: [UInt64]
    var current: Replacement?
}
