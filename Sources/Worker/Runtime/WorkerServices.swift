import Logging

/// The long-lived state a worker's handlers share: configuration and the database.
///
/// One instance per worker process, used from the worker's single thread. `database` is the
/// session the current request uses: the primary, or for a read the replica when
/// `replicaRouter` chose it (see `ReplicaRouter`).
final class WorkerServices {
    let configuration: WorkerConfiguration
    /// The connection to the primary: every write, and reads without a replica.
    let primary: DatabaseSession
    /// Present when a read replica is configured (`--database-read-url`).
    let replicaRouter: ReplicaRouter?
    /// The session of the current request.
    private(set) var database: DatabaseSession
    let logger: Logger
    /// Signs and verifies tokens; `nil` when no JWT secret is configured (token operations then fail with 500).
    let tokenSigner: JWTSigner?

    init(
        configuration: WorkerConfiguration,
        database: DatabaseSession,
        logger: Logger,
        tokenSigner: JWTSigner? = nil,
        replicaRouter: ReplicaRouter? = nil
    ) {
        self.configuration = configuration
        self.primary = database
        self.database = database
        self.replicaRouter = replicaRouter
        self.logger = logger
        self.tokenSigner = tokenSigner
    }

    /// Points `database` at the primary or the replica for what follows.
    func use(_ target: ReplicaRouter.Target) {
        switch target {
        case .primary: self.database = self.primary
        case .replica: self.database = self.replicaRouter?.replica ?? self.primary
        }
    }

    /// Before each request: back to the primary, with fresh statistics on every session.
    func resetStatistics() {
        self.database = self.primary
        self.primary.resetStatistics()
        self.replicaRouter?.replica.resetStatistics()
    }

    /// Called before anything waits for any of the sessions (see `DatabaseSession.beforeRoundTrip`).
    func setBeforeRoundTrip(_ callback: (() -> Void)?) {
        self.primary.beforeRoundTrip = callback
        self.replicaRouter?.replica.beforeRoundTrip = callback
    }
}
