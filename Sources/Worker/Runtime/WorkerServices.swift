import Logging

/// The long-lived state a worker's handlers share: configuration and the database.
///
/// One instance per worker process, used from the worker's single thread.
final class WorkerServices {
    let configuration: WorkerConfiguration
    let database: DatabaseSession
    let logger: Logger
    /// Signs and verifies tokens; `nil` when no JWT secret is configured (token operations then fail with 500).
    let tokenSigner: JWTSigner?

    init(configuration: WorkerConfiguration, database: DatabaseSession, logger: Logger, tokenSigner: JWTSigner? = nil) {
        self.configuration = configuration
        self.database = database
        self.logger = logger
        self.tokenSigner = tokenSigner
    }
}
