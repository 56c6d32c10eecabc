import Glibc
import Logging
import NIOCore
import Protocol

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
        /// Stop the worker: the drain frame, or SIGTERM when `viaSignal` or it has no socket.
        /// SIGKILL follows from here after the grace.
        case drain(WorkerID, pid: pid_t, viaSignal: Bool)
        case signal(pid_t, CInt)
        /// The worker is gone (socket closed or exit collected): forget its socket.
        case forget(WorkerID)
        /// Write the request's frames, with this frame id, to the worker's socket.
        case send(WorkerID, frameID: UInt32, ProxiedRequest)
        /// Answer the client.
        case answer(ProxiedRequest, GatewayResponse, workerPID: pid_t?, statistics: RequestStatistics?)
        /// Answer the client with the gateway's own error, not before `at`.
        case answerLater(ProxiedRequest, GatewayError, at: NIODeadline)
        case countRestart(WorkerRestartReason)
        /// A request of the class was refused: its queue was full.
        case countRejection(CostClass)
        /// A read was also given to a second worker (hedged).
        case countHedge
        case notify(PoolEvent)
        case log(Logger.Level, Logger.Message, Logger.Metadata)
        /// Set the one timer (replacing any earlier one): the next delayed start, SIGKILL or
        /// request deadline. When it fires, call `supervise(reaped:now:)`; it may fire early.
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
