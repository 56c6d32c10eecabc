/// Whether this gateway should get traffic, as one value for both `/readyz` endpoints: the
/// admin one (JSON with the reasons) and the public one a load balancer polls (a single word).
///
/// Ready needs every worker slot serving, the gateway not draining and a database that answers.
/// With the primary gone but a replica answering, the gateway is still worth sending reads to:
/// `readOnly` is a 200, so a balancer keeps the host while writes answer 503 themselves.
enum Readiness: Equatable {
    case ready
    case readOnly
    case notReady([String])

    /// Decides from the pool's snapshot, the drain flag and, when a replica is configured, its state.
    static func evaluate(_ snapshot: PoolSnapshot, draining: Bool, replicaReachable: Bool?) -> Readiness {
        var problems = snapshot.readinessProblems
        let serving = snapshot.workers.filter { $0.state == "idle" || $0.state == "busy" }
        if snapshot.databaseReachable, !serving.isEmpty, serving.allSatisfy({ !$0.databaseConnected }) {
            problems.append(Self.noConnectionProblem)
        }
        if draining, !snapshot.stopping {
            problems.insert("gateway is draining", at: 0)
        }
        let primaryProblem = "database is not reachable"
        guard problems.contains(primaryProblem) else {
            return problems.isEmpty ? .ready : .notReady(problems)
        }
        guard replicaReachable == true else {
            return .notReady(problems)
        }
        problems.removeAll { $0 == primaryProblem }
        return problems.isEmpty ? .readOnly : .notReady(problems + ["primary database is not reachable"])
    }

    /// The database answers, but no worker got a connection: PostgreSQL refuses them (too many
    /// clients, the workers log it) or lets nobody in.
    static let noConnectionProblem =
        "no worker has a database connection although the server answers (too many clients? see the log)"

    /// HTTP status a load balancer acts on: 200 keeps the host in rotation, 503 takes it out.
    var statusCode: Int {
        switch self {
        case .ready, .readOnly: 200
        case .notReady: 503
        }
    }

    /// The public body: one word, nothing about the host's internals.
    var publicBody: String {
        switch self {
        case .ready: "ready\n"
        case .readOnly: "read-only\n"
        case .notReady(let problems): problems.first == "gateway is draining" ? "draining\n" : "not ready\n"
        }
    }

    /// The reasons, for the admin listener and the log.
    var problems: [String] {
        switch self {
        case .ready, .readOnly: []
        case .notReady(let problems): problems
        }
    }
}
