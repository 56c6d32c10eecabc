import Foundation
import Logging
import NIOCore
import Protocol

/// The I/O side of the worker pool: `WorkerPoolStateMachine` decides, this performs.
///
/// All of its state lives on one event loop (`loop`); every entry point hops there first,
/// so there are no locks. The state machine decides which slot gets a worker and when
/// (backoff, recycling, rolling reloads, stop deadlines, counting exits) and which worker
/// runs each request (queue, pipelining, deadlines, retries); the pool feeds it events and
/// performs its actions: it launches, signals and reaps processes, owns their sockets,
/// writes request frames, answers clients, and sets the one timer. Like gunicorn's arbiter,
/// SIGCHLD, socket closes and that timer all lead to one pass, `supervise()`: reap every
/// exited child, enforce deadlines, refill empty slots, hand out queued requests.
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
        /// Most requests of a cost class the workers may hold at once (absent: no bound).
        var classWorkerLimits: [CostClass: Int] = [:]
        /// Requests of a cost class that may wait (absent: `queueLimit`).
        var classQueueLimits: [CostClass: Int] = [:]
        /// Hedge a read pipelined behind a request that has run this long; nil: never.
        var hedgeAfter: TimeAmount? = nil
    }

    let loop: any EventLoop
    let configuration: Configuration
    let launcher: any WorkerLaunching
    let logger: Logger
    let encoder = FrameEncoder()

    /// The pool's decisions; the pool performs its actions.
    var supervisor: WorkerPoolStateMachine
    /// The socket of every worker process that has not exited, by id.
    var workers: [UInt64: WorkerHandle] = [:]
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
    /// Told about every request refused because its cost class's queue was full (metrics).
    var onRejection: (@Sendable (CostClass) -> Void)?
    /// Told about every read also given to a second worker (metrics).
    var onHedge: (@Sendable () -> Void)?
    /// Called on the pool loop when the pool becomes ready for the first time and after each reload.
    var onEvent: (@Sendable (PoolEvent) -> Void)?
    /// Workers with request frames written but not yet flushed; see `send(_:to:on:)`.
    var unflushedWorkers: [WorkerHandle] = []
    /// The one timer the state machine asked for.
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
                maxBackoff: configuration.maxBackoff,
                queueLimit: configuration.queueLimit,
                pipelineDepth: configuration.pipelineDepth,
                requestTimeout: configuration.requestTimeout,
                maxResponseSize: configuration.maxResponseSize,
                classWorkerLimits: configuration.classWorkerLimits,
                classQueueLimits: configuration.classQueueLimits,
                hedgeAfter: configuration.hedgeAfter
            )
        )
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
            self.perform(self.supervisor.requestReceived(request, now: self.loop.now))
        } else {
            self.loop.execute { self.perform(self.supervisor.requestReceived(request, now: self.loop.now)) }
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
