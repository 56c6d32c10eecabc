/// A point-in-time copy of the pool's state, for /status, /readyz and systemd's STATUS=.
struct PoolSnapshot: Sendable {
    struct Worker: Sendable {
        var pid: Int32
        var slot: Int
        var state: String
        var generation: Int
        var requests: Int
        var currentRequestMilliseconds: Int?
        /// Method and path (without query) of the request being served.
        var currentRequest: String?
        var ageSeconds: Double
        /// Wall-clock start, seconds since 1970.
        var startedAt: Double
        var residentBytes: Int?
        var cpuSeconds: Double?
        /// Whether the worker has a database connection (from its last pong).
        var databaseConnected = true
    }

    /// Start-failure state of one slot: the backoff operators see in /status.
    struct Slot: Sendable {
        var slot: Int
        var consecutiveFailures: Int
        var restartInMilliseconds: Int?
    }

    /// One cost class's share of the pool (see `CostClass`).
    struct CostClassState: Sendable {
        var label: String
        var inFlight: Int
        /// Most it may hold at once; nil: no bound but the worker count.
        var workerLimit: Int?
        var queueDepth: Int
        var queueLimit: Int
        /// Refused with 503 because its queue was full, since the gateway started.
        var rejected: Int
    }

    var workers: [Worker]
    var slots: [Slot]
    var costClasses: [CostClassState] = []
    /// Reads also given to a second worker since the gateway started.
    var hedgedRequests = 0
    var configuredWorkers: Int
    var generation: Int
    var reloading: Bool
    var queueDepth: Int
    var queueLimit: Int
    var oldestWaitMilliseconds: Int?
    var databaseReachable: Bool
    var embeddedDatabase: EmbeddedPostgresStatus? = nil
    var stopping: Bool
    var lastStartError: String?
    var lastExit: String?
    var restarts: [String: Int]
    var secondsSinceWorkerActivity: Double
    /// Exit status of the previous worker of each slot, by slot.
    var lastExitBySlot: [Int: String] = [:]
    var uptimeSeconds: Double = 0

    /// Slots with a worker that has said hello and serves.
    var readyWorkers: Int {
        Set(self.workers.filter { $0.state == "idle" || $0.state == "busy" }.map(\.slot)).count
    }

    var idleWorkers: Int { self.workers.filter { $0.state == "idle" }.count }
    var busyWorkers: Int { self.workers.filter { $0.state == "busy" }.count }

    /// Ready means: every slot has a worker that said hello, the database answers, and the
    /// gateway is not stopping. Otherwise the reasons why not.
    var readinessProblems: [String] {
        var problems: [String] = []
        if self.stopping {
            problems.append("gateway is shutting down")
        }
        if self.readyWorkers < self.configuredWorkers {
            var problem = "\(self.readyWorkers) of \(self.configuredWorkers) workers ready"
            if let error = self.lastStartError {
                problem += " (last start failure: \(error))"
            }
            problems.append(problem)
        }
        if !self.databaseReachable {
            problems.append("database is not reachable")
        }
        return problems
    }
}
