import Glibc
import Logging
import NIOCore
import Protocol

/// The pool's decisions as a value, like postgres-nio's `PoolStateMachine` and gunicorn's
/// arbiter: which slot gets a worker and when (capped exponential backoff for a slot that
/// keeps failing), which worker is replaced and by whom (recycling, rolling reloads), when a
/// stopping worker gets SIGKILL, how each exit is counted; and which worker runs each request
/// (the bounded queue, pipelining, deadlines, retries after a worker died).
///
/// No I/O and no clock: each event brings the time, and each returns the actions the
/// `WorkerPool` performs (launch a process, drain or signal one, write a request to a
/// worker's socket, answer a client, count a restart, log, set the one timer).
struct WorkerPoolStateMachine {
    typealias WorkerID = UInt64

    struct Configuration: Sendable {
        var workers: Int
        /// Recycle a worker after this many requests; 0 disables recycling.
        var maxRequests: Int
        /// Up to this many extra requests, drawn per worker.
        var maxRequestsJitter: Int
        /// Time a stopping worker gets between the drain frame (or SIGTERM) and SIGKILL.
        var killGrace: TimeAmount
        /// Longest backoff between two start attempts of a failing slot.
        var maxBackoff: TimeAmount
        /// Requests that may wait for a worker; past it they get 503.
        var queueLimit: Int = 1024
        /// Requests one worker may hold when every worker is busy: the one it runs plus up to
        /// `pipelineDepth - 1` already written to its socket. 1 turns pipelining off.
        var pipelineDepth: Int = 1
        /// A request running longer gets 504 and its worker is replaced.
        var requestTimeout: TimeAmount = .seconds(30)
        /// A worker response larger than this is treated as a broken worker.
        var maxResponseSize: Int = 64 << 20
        /// Most requests of a class the workers may hold at once; a class not named has no
        /// bound but the worker count.
        var classWorkerLimits: [CostClass: Int] = [:]
        /// How many requests of a class may wait; a class not named gets `queueLimit`.
        var classQueueLimits: [CostClass: Int] = [:]
        /// A read pipelined behind a request that has run this long is also given to an idle
        /// worker; nil: never.
        var hedgeAfter: TimeAmount? = nil
    }

    /// One worker process as the supervisor sees it, like nginx's `ngx_process_t`.
    struct Worker {
        let id: WorkerID
        let slot: Int
        let generation: Int
        let pid: pid_t
        var phase: Phase
        /// Requests after which it is recycled; nil: never.
        let requestLimit: Int?
        /// The worker this one replaces; that one drains once this one is ready.
        var replacing: WorkerID?
        /// Its replacement is ready: it retires as soon as it has no request in hand.
        var retireWhenIdle = false
        /// Its socket closed while it served, not asked to stop: counted as exit or crash
        /// once its status is collected.
        var exitedUnexpectedly = false
        /// The requests it holds.
        var requests = WorkerRequests()
        var requestsServed = 0

        /// Where it is, as /status shows it: `serving` split into idle and busy.
        var state: WorkerState {
            switch self.phase {
            case .starting: .starting
            case .serving: self.requests.isEmpty ? .idle : .busy
            case .stopping: .draining
            case .disconnected: .exited
            }
        }
    }

    /// A worker's state as /status reports it.
    enum WorkerState: String {
        /// Launched, has not said hello yet.
        case starting
        case idle
        case busy
        /// Asked to finish and exit (recycle, reload, shutdown); takes no new requests.
        case draining
        /// Its socket closed; waiting to be reaped.
        case exited
    }

    /// Where a worker is in its life.
    enum Phase: Equatable {
        /// Launched, has not said hello.
        case starting
        /// Said hello; the dispatcher gives it requests.
        case serving
        /// Asked to stop (drain frame or SIGTERM); SIGKILL at `killAt` unless it is gone.
        case stopping(killAt: NIODeadline, killSent: Bool)
        /// Its socket closed; its exit status has not been collected yet.
        case disconnected(since: NIODeadline)
    }

    /// Start attempts of one slot.
    struct Slot {
        /// Consecutive start failures; drives the backoff. Reset by hello.
        var failures = 0
        /// A delayed start is due at this time.
        var restartAt: NIODeadline?
        /// A launch was asked for and its outcome not reported yet.
        var launching = false
    }

    /// The pool as a whole.
    enum Mode: Equatable {
        case running
        /// SIGTERM: no new workers; done once every worker is reaped.
        case stopping(reportedDone: Bool)
    }

    let configuration: Configuration
    // The state below is changed only by this type's own `mutating func`s (split across
    // `WorkerPoolStateMachine+*.swift`, hence not `private(set)`); callers read it.
    var workers: [WorkerID: Worker] = [:]
    var slots: [Slot]
    var mode = Mode.running
    /// The generation new workers belong to; a reload increments it.
    var generation = 1
    /// The recycle in progress (at most one at a time).
    var recycle: Replacement?
    /// Earliest time the next recycle may start, after a replacement failed to start.
    var nextRecycleAllowed = NIODeadline.uptimeNanoseconds(0)
    /// Workers over their request limit that wait for the running recycle to finish.
    var recycleDue: [WorkerID] = []
    /// The rolling reload in progress, if any.
    var reload: RollingReload?
    var restarts: [WorkerRestartReason: Int] = [:]
    /// Why the last worker failed to start, for /readyz, /status and the log.
    var lastStartError: String?
    var lastExit: (pid: pid_t, status: ChildProcessStatus)?
    var lastExitBySlot: [Int: ChildProcessStatus] = [:]
    var announcedReady = false
    /// The deadline the caller's one timer is set for.
    var timer: NIODeadline?
    var nextWorkerID: WorkerID = 1
    /// Requests waiting for a worker, per cost class, oldest first.
    var queue: ClassQueues
    /// The routes of a cost class other than standard, from the latest worker hello.
    var routeCosts: [RouteCost] = []
    /// Requests of each class the workers hold (running or pipelined), by `CostClass.rawValue`.
    var inFlightByClass = [Int](repeating: 0, count: CostClass.allCases.count)
    /// Requests of each class refused because its queue was full, by `CostClass.rawValue`.
    var rejectedByClass = [Int](repeating: 0, count: CostClass.allCases.count)
    /// When a refusal of each class was last logged, and how many came since (see `logRejection`).
    var lastRejectionLog = [NIODeadline?](repeating: nil, count: CostClass.allCases.count)
    var rejectionsNotLogged = [Int](repeating: 0, count: CostClass.allCases.count)
    /// Hedged requests whose copies are not all settled, by hedge id.
    var hedges: [UInt64: Hedge] = [:]
    var nextHedgeID: UInt64 = 1
    /// Requests given to a second worker since the gateway started.
    var hedgedRequests = 0
    /// The earliest time a read pipelined behind another may be hedged; nil: none waits.
    var hedgeDue: NIODeadline?
    /// Hedges that may be made now (see `noteAnswered`).
    var hedgeBudget = WorkerPoolStateMachine.hedgeBudgetCap
    /// An exponential average of how long workers take to answer, in nanoseconds.
    var typicalAnswerNanoseconds: Int64 = 0
    /// Serving workers holding no request, the one idle longest first: the next request goes
    /// there, so load and recycling spread evenly.
    var idle: [WorkerID] = []
    var nextFrameID: UInt32 = 1

    init(configuration: Configuration) {
        self.configuration = configuration
        self.slots = Array(repeating: Slot(), count: configuration.workers)
        self.queue = ClassQueues(standardLimit: configuration.queueLimit, limits: configuration.classQueueLimits)
    }

    var isStopping: Bool {
        switch self.mode {
        case .running: false
        case .stopping: true
        }
    }

    /// Pids whose exit status has not been collected: the ones to pass to `waitpid`.
    var unreapedPIDs: [pid_t] { self.workers.values.map(\.pid) }

    /// Every slot has a worker that said hello.
    var isFullyReady: Bool {
        Set(self.workers.values.filter { $0.phase == .serving }.map(\.slot)).count == self.configuration.workers
    }
}
