import FoundationEssentials
import Glibc
import Logging

/// The worker's two commands, each returning a process exit status.
enum WorkerCommand {
    /// Serves requests on the inherited socket until the gateway goes away.
    static func serve(logger: Logger) -> Int32 {
        // A dead gateway must show up as EOF or EPIPE, never as a signal that kills us mid-write.
        signal(SIGPIPE, SIG_IGN)
        let configuration: WorkerConfiguration
        do {
            configuration = try WorkerConfiguration.fromEnvironment()
        } catch {
            logger.critical("invalid configuration: \(error)")
            return 78
        }
        var logger = logger
        logger[metadataKey: "generation"] = .stringConvertible(configuration.generation)
        let database = DatabaseSession(conninfo: configuration.databaseURL, logger: logger)
        database.warmUp()
        let services = WorkerServices(
            configuration: configuration,
            database: database,
            logger: logger,
            tokenSigner: JWTSecret.load(configuration: configuration, logger: logger),
            replicaRouter: Self.replicaRouter(configuration, logger: logger)
        )
        let loop = WorkerLoop(
            socket: FrameSocket(descriptor: configuration.socketDescriptor),
            application: Application(services: services),
            services: services,
            logger: logger
        )
        do {
            try loop.run()
            return 0
        } catch {
            logger.error("worker stopped: \(error)")
            return 1
        }
    }

    /// The replica connection, spread over the hosts of a multi-host read URL by slot (by process
    /// id when the gateway gave none), and opened now like the primary's.
    private static func replicaRouter(_ configuration: WorkerConfiguration, logger: Logger) -> ReplicaRouter? {
        guard let url = configuration.readDatabaseURL else { return nil }
        var replicaLogger = logger
        replicaLogger[metadataKey: "database"] = "replica"
        let slot = ProcessInfo.processInfo.environment["ROOKERY_WORKER_SLOT"].flatMap { Int($0) }
        let conninfo = ConnInfoHosts.rotated(url, by: slot ?? Int(getpid()))
        let session = DatabaseSession(conninfo: conninfo, logger: replicaLogger)
        session.warmUp()
        return ReplicaRouter(replica: session, maxLag: configuration.maxReplicaLag, logger: replicaLogger)
    }

    /// Creates the database if needed and applies pending migrations. Exit status 0 on success.
    static func migrate(logger: Logger) -> Int32 {
        guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty else {
            logger.critical("DATABASE_URL is not set")
            return 78
        }
        do {
            try DatabaseBootstrap.ensureDatabaseExists(conninfo: url)
            let connection = try PostgresConnection(conninfo: url)
            if let workers = ProcessInfo.processInfo.environment["ROOKERY_WORKERS"].flatMap(Int.init) {
                try ConnectionBudget.check(workers: workers, on: connection)
            }
            let bench = ProcessInfo.processInfo.environment["ROOKERY_BENCH_ROUTES"] == "1"
            let migrations = SchemaMigrations.all + (bench ? BenchMigrations.all : [])
            let applied = try MigrationRunner.apply(migrations, on: connection) { message in
                logger.info("\(message)")
            }
            logger.info(
                "migrations complete",
                metadata: ["applied": .string(applied.map(String.init).joined(separator: ","))]
            )
            return 0
        } catch {
            // One clear line; the gateway prints it as the reason it cannot start.
            logger.critical("migration failed: \(error)")
            return 1
        }
    }
}
