import Dispatch
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Protocol

/// The serving gateway from start to exit: database, migrations, listeners, workers,
/// signals, systemd, and the graceful stop in reverse order.
final class GatewayRuntime: Sendable {
    private let configuration: GatewayConfiguration

    init(configuration: GatewayConfiguration) {
        self.configuration = configuration
    }

    func run() throws {
        let configuration = self.configuration
        let logger = Startup.logger(configuration)
        let environment = ProcessInfo.processInfo.environment
        let notifier = SystemdNotifier(environment: environment)
        let activation = try SocketActivation.fromEnvironment(environment)
        try Startup.checkWorkerBinary(configuration.workerPath)
        try Self.prepareDataDirectory(configuration.dataDirectory, embedded: configuration.databaseURL == nil)

        let database = try DatabaseSetup.prepare(configuration, logger: logger)
        defer { database.stop() }
        try Migrations.run(
            workerPath: configuration.workerPath,
            conninfo: database.conninfo,
            workers: configuration.workers,
            benchRoutes: configuration.benchRoutes,
            logger: logger
        )
        var workerEnvironment = Self.workerEnvironment(configuration, conninfo: database.conninfo)
        workerEnvironment.merge(try JWTSecretFile.workerEnvironment(configuration)) { _, new in new }
        if let warning = JWTSecretFile.unsharedSecretWarning(configuration) {
            logger.warning("\(warning)")
        }

        let group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.eventLoops)
        defer { try? group.syncShutdownGracefully() }
        let pool = WorkerPool(
            loop: group.next(),
            configuration: WorkerPool.Configuration(
                workers: configuration.workers,
                queueLimit: configuration.queueLimit,
                pipelineDepth: configuration.workerPipelineDepth,
                requestTimeout: .milliseconds(Int64(configuration.requestTimeout * 1000)),
                maxRequests: configuration.maxRequests,
                maxRequestsJitter: configuration.maxRequestsJitter,
                classWorkerLimits: [.passwordHashing: configuration.passwordHashingWorkers],
                classQueueLimits: [.passwordHashing: configuration.passwordHashingQueue],
                hedgeAfter: configuration.hedgeAfter > 0
                    ? .nanoseconds(Int64(configuration.hedgeAfter * 1e9)) : nil
            ),
            launcher: WorkerLauncher(workerPath: configuration.workerPath, environment: workerEnvironment),
            logger: logger
        )
        let metrics = GatewayMetrics()
        pool.onRestart = { reason in metrics.recordRestart(reason: reason.label) }
        pool.onRejection = { costClass in metrics.recordRejection(costClass) }
        pool.onHedge = { metrics.recordHedge() }
        let observer = RequestObserver(
            logger: logger,
            metrics: metrics,
            slowRequestThreshold: .milliseconds(Int64(configuration.slowRequestThreshold * 1000)),
            eventLoops: Array(group.makeIterator()),
            jsonAccessLog: configuration.logFormat == .json
        )
        let connections = ConnectionRegistry()
        let health = GatewayHealth()
        let replica = ReplicaSetup(configuration.cluster, health: health, metrics: metrics, logger: logger)
        let (httpChannel, adminChannel) = try Self.bindListeners(
            configuration,
            group: group,
            forwarder: RequestForwarder(pool: pool, health: health, readYourWrites: replica?.readYourWrites),
            connections: connections,
            activation: activation,
            observer: observer,
            metrics: metrics
        )
        let supervisor = database.embedded.map { EmbeddedPostgresSupervisor(postgres: $0, logger: logger) }
        if let status = supervisor?.status {
            pool.loop.execute { pool.embeddedDatabase = status }
        }
        supervisor?.start { status, event in
            metrics.recordEmbeddedPostgres(event)
            pool.loop.execute { pool.embeddedDatabase = status }
        }
        // Runs before `database.stop()`: a supervisor must not restart a server being stopped.
        defer { supervisor?.stop() }
        let probe = DatabaseProbe(conninfo: database.conninfo, pool: pool)
        probe.start()
        replica?.monitor.start(on: pool.loop)
        defer { replica?.monitor.stop() }
        let systemd = SystemdIntegration(notifier: notifier, pool: pool, logger: logger)
        systemd.start()
        // Before the first worker starts, so no exit goes unheard.
        try ChildExitWatcher.start(on: pool.loop) { pool.childrenExited() }
        pool.start()
        pool.startPinging(every: .seconds(1))
        logger.info(
            "listening",
            metadata: [
                // The bound addresses, not the flags: socket activation may pass sockets bound
                // anywhere (also the admin one).
                "http": .string(Self.describe(httpChannel.localAddress)),
                "admin": .string(Self.describe(adminChannel.localAddress)),
                "workers": .stringConvertible(configuration.workers),
                "database": .string(database.embedded == nil ? "external" : "embedded"),
                "socket_activation": .stringConvertible(activation != nil),
            ]
        )

        let stopRequested = DispatchSemaphore(value: 0)
        let stopSignals = NIOLockedValueBox(0)
        let signals = SignalWatcher(
            signals: [SIGTERM, SIGINT, SIGQUIT, SIGHUP],
            queue: DispatchQueue(label: "rookery.signals")
        ) { number in
            switch number {
            case SIGHUP:
                logger.info("SIGHUP: rolling reload")
                pool.startReload()
            default:
                let count = stopSignals.withLockedValue { value -> Int in
                    value += 1
                    return value
                }
                if count == 1 && number != SIGQUIT {
                    logger.info("stopping gracefully", metadata: ["signal": .string(SignalName.name(of: number))])
                    stopRequested.signal()
                } else {
                    logger.warning("stopping immediately", metadata: ["signal": .string(SignalName.name(of: number))])
                    notifier.notify("STOPPING=1")
                    try? pool.killAll().wait()
                    supervisor?.stop(timeout: .seconds(5))
                    database.stop()
                    exit(1)
                }
            }
        }
        defer { signals.cancel() }
        stopRequested.wait()

        // Reverse order: stop accepting, let connections finish, drain workers, then the rest.
        notifier.notify("STOPPING=1")
        Self.announceDrain(health, delay: configuration.cluster.drainDelay, logger: logger)
        try? httpChannel.close().wait()
        connections.quiesceAll()
        let graceful = TimeAmount.milliseconds(Int64(configuration.gracefulTimeout * 1000))
        try? pool.shutdown(gracefulTimeout: graceful).wait()
        try? adminChannel.close().wait()
        probe.stop()
        logger.info("workers stopped")
    }

    private static func bindListeners(
        _ configuration: GatewayConfiguration,
        group: any EventLoopGroup,
        forwarder: RequestForwarder,
        connections: ConnectionRegistry,
        activation: SocketActivation?,
        observer: RequestObserver,
        metrics: GatewayMetrics
    ) throws -> (any Channel, any Channel) {
        let settings = ProxySettings(
            maxBodySize: configuration.maxBodySize,
            corsOrigin: configuration.corsOrigin,
            limits: configuration.limits,
            rateLimiter: RateLimiter(rate: configuration.limits.rateLimit),
            authRateLimiter: RateLimiter(rate: configuration.limits.authRateLimit),
            strictTransportSecurity: configuration.limits.tls == nil ? nil : TLSSetup.strictTransportSecurity
        )
        let tlsContext = try configuration.limits.tls.map {
            try TLSSetup.makeContext(certificate: $0.certificate, key: $0.key)
        }
        let httpChannel: any Channel
        do {
            httpChannel = try HTTPServer.bind(
                host: configuration.host,
                port: configuration.port,
                group: group,
                boundSocket: activation?.http,
                settings: settings,
                tlsContext: tlsContext,
                connections: connections
            ) { deadlines in
                HTTPProxyHandler(settings: settings, observer: observer, deadlines: deadlines, submit: forwarder.submit)
            }.wait()
        } catch {
            throw GatewayConfigurationError("cannot listen on \(configuration.host):\(configuration.port): \(error)")
        }
        do {
            let adminChannel = try AdminServer.bind(
                port: configuration.adminPort,
                group: group,
                pool: forwarder.pool,
                health: forwarder.health,
                metrics: metrics,
                boundSocket: activation?.admin
            ).wait()
            return (httpChannel, adminChannel)
        } catch {
            httpChannel.close(promise: nil)
            throw GatewayConfigurationError("cannot listen on 127.0.0.1:\(configuration.adminPort) (admin): \(error)")
        }
    }

    /// Readiness turns 503 at once; the listener keeps serving for `delay` seconds so a load
    /// balancer polling /readyz takes the host out before connections start to close.
    private static func announceDrain(_ health: GatewayHealth, delay: Double, logger: Logger) {
        health.startDraining()
        guard delay > 0 else { return }
        logger.info("draining: /readyz answers 503, listener closes after the delay", metadata: ["delay_s": "\(delay)"])
        Thread.sleep(forTimeInterval: delay)
    }

    private static func prepareDataDirectory(_ path: String, embedded: Bool) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw GatewayConfigurationError("data directory \(path) cannot be created: \(error.localizedDescription)")
        }
        guard access(path, W_OK) == 0 else {
            throw GatewayConfigurationError("data directory \(path) is not writable")
        }
        // As root the embedded server runs as `postgres`, which must be able to pass through the
        // data directory to reach its own 0700 subdirectories (mktemp -d makes 0700 directories).
        var info = stat()
        if embedded, geteuid() == 0, stat(path, &info) == 0, info.st_mode & 0o001 == 0 {
            _ = chmod(path, (info.st_mode & 0o7777) | 0o001)
        }
    }

    /// The environment every worker starts with: the gateway's own minus systemd's variables,
    /// plus its settings.
    private static func workerEnvironment(_ configuration: GatewayConfiguration, conninfo: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in SocketActivation.variables {
            environment.removeValue(forKey: name)
        }
        environment["DATABASE_URL"] = conninfo
        environment["ROOKERY_MAX_BODY_SIZE"] = String(configuration.maxBodySize)
        environment["ROOKERY_LOG_FORMAT"] = configuration.logFormat.rawValue
        environment["ROOKERY_LOG_LEVEL"] = configuration.logLevel
        environment["ROOKERY_JWT_TTL"] = String(configuration.jwtTimeToLive)
        environment["ROOKERY_DEBUG_QUERY_COUNT"] = configuration.debugQueryCount ? "1" : "0"
        environment["ROOKERY_BENCH_ROUTES"] = configuration.benchRoutes ? "1" : "0"
        environment.removeValue(forKey: "DATABASE_READ_URL")
        if let readURL = configuration.cluster.databaseReadURL {
            environment["ROOKERY_DATABASE_READ_URL"] = readURL
            environment["ROOKERY_MAX_REPLICA_LAG"] = String(configuration.cluster.maxReplicaLag)
        }
        // libpq loads GnuTLS (through libldap), whose load-time constructor initializes its
        // crypto backend and maps about 0.8 MiB more per worker. Workers never use GnuTLS, and
        // libldap initializes it itself if an LDAP lookup ever needs TLS.
        environment["GNUTLS_NO_IMPLICIT_INIT"] = environment["GNUTLS_NO_IMPLICIT_INIT"] ?? "1"
        return environment
    }

    /// `host:port` (or the socket path) of a bound listener, for the "listening" line.
    static func describe(_ address: SocketAddress?) -> String {
        guard let address else { return "unknown" }
        if let path = address.pathname { return path }
        return "\(address.ipAddress ?? "?"):\(address.port ?? 0)"
    }
}
