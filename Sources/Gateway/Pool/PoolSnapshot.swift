/// A point-in-time copy of the pool's state, for /status and /readyz.
struct PoolSnapshot: Sendable {
    struct Worker: Sendable {
        var pid: Int32
        var slot: Int
        var state: String
        var generation: Int
        var requests: Int
        var currentRequestMilliseconds: Int?
    }

    var workers: [Worker]
    var configuredWorkers: Int
    var queueDepth: Int
    var queueLimit: Int
    var databaseReachable: Bool
    var stopping: Bool
    var lastStartError: String?

    /// Workers that have said hello and are serving.
    var readyWorkers: Int {
        self.workers.filter { $0.state == "idle" || $0.state == "busy" }.count
    }

    /// Ready means: every configured worker has said hello, the database answers, and the
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
