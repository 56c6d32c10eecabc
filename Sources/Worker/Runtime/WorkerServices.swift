import Logging

/// The long-lived state a worker's handlers share: configuration and the database.
///
/// One instance per worker process, used from the worker's single thread.
final class WorkerServices {
    let configuration: WorkerConfiguration
    let database: DatabaseSession
    let logger: Logger

    init(configuration: WorkerConfiguration, database: DatabaseSession, logger: Logger) {
        self.configuration = configuration
        self.database = database
        self.logger = logger
    }
}
