import Foundation
import Logging
import NIOCore
import Protocol

/// The dispatcher of requests to the worker processes, and the I/O side of their supervisor.
///
/// All of its state lives on one event loop (`loop`); every entry point hops there first,
/// so there are no locks. Supervision decisions (which slot gets a worker and when, backoff,
/// recycling, rolling reloads, stop deadlines, counting exits) are `WorkerPoolStateMachine`'s;
/// the pool feeds it events and performs its actions: it launches, signals and reaps processes,
/// owns their sockets, and sets the one supervision timer. Like gunicorn's arbiter, SIGCHLD,
/// socket closes and that timer all lead to one pass, `supervise()`: reap every exited child,
/// enforce stop deadlines, refill empty slots. Requests wait in a bounded FIFO when every
/// worker is busy and go to the idle worker that has waited longest. Recycling and rolling
/// reloads replace one worker at a time, and a replacement must say hello before the worker
/// it replaces drains, so capacity never drops.
///
/// The methods are split by concern across `WorkerPool+*.swift`.
final class WorkerPool: @unchecked Sendable {
    struct Configuration: Sendable {
        var workers: Int
        var queueLimit: Int
        /// Requests one worker may hold when every worker is busy: the one it runs plus up to
        /// `pipelineDepth - 1` already written to its socket, so it reads the next one without
        /// sleeping in between. 1 turns this off.
        var pipelineDepth: Int = 1
        var requestTimeout: TimeAmount
        /// Recycle a worker after this many requests; 0 disables recycling.
        var maxRequests: Int
        /// Up to this many extra requests, drawn per worker, so workers do not all recycle together.
        var maxRequestsJitter: Int = 0
        /// A worker response larger than this is treated as a broken worker.
        var maxResponseSize: Int = 64 << 20
        /// Time a stopping worker gets between SIGTERM and SIGKILL.
        var killGrace: TimeAmount = .seconds(2)
        /// Longest backoff between two start attempts of a failing slot.
        var maxBackoff: TimeAmount = .seconds(30)
    }

    let loop: any EventLoop
    let configuration: Configuration
    let launcher: any WorkerLaunching
    let logger: Logger
    let encoder = FrameEncoder()

    /// The supervisor's decisions; the pool performs its actions.
    var supervisor: WorkerPoolStateMachine
    /// Every worker process that has not exited, with its socket and requests, by id.
    var workers: [UInt64: WorkerHandle] = [:]
    var queue: RequestQueue<ProxiedRequest>
    var nextFrameID: UInt32 = 1
    var drainedPromise: EventLoopPromise<Void>?
    /// Latest result of the gateway's own database probe.
    var databaseReachable = false
    /// The embedded PostgreSQL's supervision state (nil with an external database).
    var embeddedDatabase: EmbeddedPostgresStatus?
    /// When a worker last answered anything; the systemd watchdog needs recent life.
    var lastWorkerActivity: NIODeadline
    /// When the pool (and so the gateway) started, for uptime.
    let startedAt = Date()
    /// Told about every worker restart, by reason (metrics).
    var onRestart: (@Sendable (WorkerRestartReason) -> Void)?
    /// Called on the pool loop when the pool becomes ready for the first time and after each reload.
    var onEvent: (@Sendable (PoolEvent) -> Void)?
    /// Workers with request frames written but not yet flushed; see `send(_:to:on:)`.
    var unflushedWorkers: [WorkerHandle] = []
    /// The supervision timer the state machine asked for.
    var supervisionTimer: (deadline: NIODeadline, task: Scheduled<Void>)?
    /// A supervision pass is running / was asked for while one ran (see `supervise()`).
    var supervising = false
    var supervisionRequested = false

    init(loop: any EventLoop, configuration: Configuration, launcher: any WorkerLaunching, logger: Logger) {
        self.loop = loop
        self.configuration = configuration
        self.launcher = launcher
        self.logger = logger
        self.supervisor = WorkerPoolStateMachine(
            configuration: WorkerPoolStateMachine.Configuration(
                workers: configuration.workers,
                maxRequests: configuration.maxRequests,
                maxRequestsJitter: configuration.maxRequestsJitter,
                killGrace: configuration.killGrace,
                maxBackoff: configuration.maxBackoff
            )
        )
        self.queue = RequestQueue(limit: configuration.queueLimit)
        self.lastWorkerActivity = loop.now
    }

    /// Spawns the initial workers. Exits are reaped when `childrenExited()` is called (on
    /// SIGCHLD, see `ChildExitWatcher`) and when a worker's socket closes; nothing polls.
    func start() {
        self.loop.execute {
            self.perform(self.supervisor.start(now: self.loop.now))
        }
    }

    /// SIGCHLD: one or more children exited. Only queued here; the supervision pass on the
    /// pool's loop reaps them.
    func childrenExited() {
        self.loop.execute { self.supervise() }
    }

    /// Queues a complete request; the answer arrives through `request.respond`.
    func submit(_ request: ProxiedRequest) {
        if self.loop.inEventLoop {
            self.accept(request)
        } else {
            self.loop.execute { self.accept(request) }
        }
    }

    var stopping: Bool { self.supervisor.isStopping }
}

/// Things the runtime wants to hear about (systemd notifications, logs).
enum PoolEvent: Sendable {
    /// Every slot has a ready worker (sent once, at start).
    case ready
    case reloadStarted(generation: Int)
    case reloadFinished(generation: Int, succeeded: Bool)
}
