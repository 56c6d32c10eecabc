import Foundation

/// The validated configuration the gateway runs with.
struct GatewayConfiguration: Sendable {
    var host: String
    var port: Int
    var workers: Int
    /// nil: run the embedded PostgreSQL.
    var databaseURL: String?
    var dataDirectory: String
    var jwtSecretFile: String?
    var jwtSecret: String?
    var jwtTimeToLive: Int
    var adminPort: Int
    var maxRequests: Int
    var maxRequestsJitter: Int
    var requestTimeout: Double
    /// Seconds after which a read pipelined behind a running request is hedged; 0: never.
    var hedgeAfter: Double = 0.1
    var gracefulTimeout: Double
    var slowRequestThreshold: Double
    var queueLimit: Int
    /// Most password-hashing requests (register, login, profile update) the workers run at once.
    var passwordHashingWorkers: Int = 1
    /// Password-hashing requests that may wait; beyond it they get 503, other requests do not.
    var passwordHashingQueue: Int = 16
    /// Requests one worker may hold at once (1: no pipelining); see `WorkerPool.Configuration`.
    var workerPipelineDepth: Int = GatewayConfiguration.defaultPipelineDepth
    /// NIO event loops for client connections and the worker pool.
    var eventLoops: Int = 2
    var maxBodySize: Int
    var corsOrigin: String
    var logFormat: LogFormat
    var logLevel: String
    var workerPath: String
    var debugQueryCount: Bool
    /// Serve the TechEmpower routes and migrate their tables (docs/performance.md).
    var benchRoutes: Bool = false
    var limits: ConnectionLimits
    var cluster = ClusterConfiguration()

    enum LogFormat: String, Sendable {
        case text
        case json
    }

    /// Default worker count: workers block on the database, so more than one per core keeps
    /// the cores busy. With pipelining (`defaultPipelineDepth`) 2 per core beat 4 per core on
    /// every load-test scenario of the 2-core reference machine (docs/performance.md): fewer
    /// processes means fewer context switches and PostgreSQL backends.
    static func defaultWorkerCount(cores: Int) -> Int {
        min(max(cores, 1) * 2, 64)
    }

    /// Default `--password-hashing-workers`: half the cores, at least 1, and (with more than one
    /// worker) at least one worker left for everything else. scrypt is CPU-bound (~100 ms a
    /// hash): on 2 cores one hashing worker leaves a core for cheap requests; on 64 cores 32
    /// hash at once (~300 logins/s) and the other workers still serve reads.
    static func defaultPasswordHashingWorkers(cores: Int, workers: Int) -> Int {
        max(1, min(max(cores, 1) / 2, workers - 1))
    }

    /// Default `--password-hashing-queue`: 16 per hashing worker, about 1.6 s of waiting.
    static func defaultPasswordHashingQueue(workers hashing: Int) -> Int {
        hashing * 16
    }

    /// Default `--worker-pipeline-depth`: a busy worker may hold its current request and 3 more.
    static let defaultPipelineDepth = 4

    /// Default event-loop count: one per core. On the 2-core reference machine 1 and 2 loops
    /// measured the same within the noise (docs/performance.md).
    static func defaultEventLoopCount(cores: Int) -> Int {
        min(max(cores, 1), 64)
    }
}

/// A configuration mistake; `gateway` prints `description` as one line and exits non-zero.
struct GatewayConfigurationError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

extension GatewayOptions {
    /// Applies environment fallbacks and defaults, and validates every value.
    func resolve(
        environment: [String: String],
        executablePath: String,
        cores: Int
    ) throws -> GatewayConfiguration {
        let options = OptionResolver(environment: environment)
        func value(_ flag: String?, _ variable: String) -> String? { options.text(flag, variable) }
        func integer(_ flag: String?, _ variable: String, name: String, default fallback: Int, range: ClosedRange<Int>)
            throws -> Int
        { try options.integer(flag, variable, name: name, default: fallback, range: range) }
        func seconds(_ flag: String?, _ variable: String, name: String, default fallback: Double) throws -> Double {
            try options.seconds(flag, variable, name: name, default: fallback)
        }

        func hedgeAfter() throws -> Double {
            guard let text = value(self.hedgeAfter, "HEDGE_AFTER") else { return 0.1 }
            guard let number = Double(text), number >= 0, number <= 86_400 else {
                throw GatewayConfigurationError(
                    "invalid --hedge-after \"\(text)\": expected seconds between 0 (off) and 86400"
                )
            }
            return number
        }

        let logFormatText = value(self.logFormat, "LOG_FORMAT") ?? "text"
        guard let logFormat = GatewayConfiguration.LogFormat(rawValue: logFormatText) else {
            throw GatewayConfigurationError("invalid --log-format \"\(logFormatText)\": expected text or json")
        }
        let logLevel = value(self.logLevel, "LOG_LEVEL") ?? "info"
        let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
        guard levels.contains(logLevel) else {
            throw GatewayConfigurationError(
                "invalid --log-level \"\(logLevel)\": expected one of \(levels.joined(separator: ", "))"
            )
        }
        let host = value(self.host, "HOST") ?? "127.0.0.1"
        guard !host.isEmpty else {
            throw GatewayConfigurationError("invalid --host: empty")
        }
        let port = try integer(self.port, "PORT", name: "port", default: 8080, range: 0...65_535)
        let adminPort = try integer(self.adminPort, "ADMIN_PORT", name: "admin-port", default: 8081, range: 0...65_535)
        if port == adminPort, port != 0 {
            throw GatewayConfigurationError("--port and --admin-port are both \(port): they must differ")
        }
        let defaultWorkerPath = URL(fileURLWithPath: executablePath).deletingLastPathComponent()
            .appendingPathComponent("worker").path
        let workers = try integer(
            self.workers,
            "WORKERS",
            name: "workers",
            default: GatewayConfiguration.defaultWorkerCount(cores: cores),
            range: 1...256
        )
        let passwordHashingWorkers = try integer(
            self.passwordHashingWorkers,
            "PASSWORD_HASHING_WORKERS",
            name: "password-hashing-workers",
            default: GatewayConfiguration.defaultPasswordHashingWorkers(cores: cores, workers: workers),
            range: 1...256
        )
        return GatewayConfiguration(
            host: host,
            port: port,
            workers: workers,
            databaseURL: value(self.databaseURL, "DATABASE_URL"),
            dataDirectory: value(self.dataDir, "DATA_DIR") ?? "./.data",
            jwtSecretFile: value(self.jwtSecretFile, "JWT_SECRET_FILE"),
            jwtSecret: environment["JWT_SECRET"].flatMap { $0.isEmpty ? nil : $0 },
            jwtTimeToLive: try integer(
                self.jwtTTL,
                "JWT_TTL",
                name: "jwt-ttl",
                default: 86_400,
                range: 60...31_536_000
            ),
            adminPort: adminPort,
            maxRequests: try integer(
                self.maxRequests,
                "MAX_REQUESTS",
                name: "max-requests",
                default: 0,
                range: 0...Int(Int32.max)
            ),
            maxRequestsJitter: try integer(
                self.maxRequestsJitter,
                "MAX_REQUESTS_JITTER",
                name: "max-requests-jitter",
                default: 0,
                range: 0...Int(Int32.max)
            ),
            requestTimeout: try seconds(self.requestTimeout, "REQUEST_TIMEOUT", name: "request-timeout", default: 30),
            hedgeAfter: try hedgeAfter(),
            gracefulTimeout: try seconds(
                self.gracefulTimeout,
                "GRACEFUL_TIMEOUT",
                name: "graceful-timeout",
                default: 30
            ),
            slowRequestThreshold: try seconds(
                self.slowRequestThreshold,
                "SLOW_REQUEST_THRESHOLD",
                name: "slow-request-threshold",
                default: 1
            ),
            queueLimit: try integer(
                self.queueLimit,
                "QUEUE_LIMIT",
                name: "queue-limit",
                default: 1024,
                range: 0...1_000_000
            ),
            passwordHashingWorkers: passwordHashingWorkers,
            passwordHashingQueue: try integer(
                self.passwordHashingQueue,
                "PASSWORD_HASHING_QUEUE",
                name: "password-hashing-queue",
                default: GatewayConfiguration.defaultPasswordHashingQueue(workers: passwordHashingWorkers),
                range: 0...1_000_000
            ),
            workerPipelineDepth: try integer(
                self.workerPipelineDepth,
                "WORKER_PIPELINE_DEPTH",
                name: "worker-pipeline-depth",
                default: GatewayConfiguration.defaultPipelineDepth,
                range: 1...16
            ),
            eventLoops: try integer(
                self.eventLoops,
                "EVENT_LOOPS",
                name: "event-loops",
                default: GatewayConfiguration.defaultEventLoopCount(cores: cores),
                range: 1...64
            ),
            maxBodySize: try integer(
                self.maxBodySize,
                "MAX_BODY_SIZE",
                name: "max-body-size",
                default: 1 << 20,
                range: 0...(1 << 30)
            ),
            corsOrigin: value(self.corsOrigin, "CORS_ORIGIN") ?? "*",
            logFormat: logFormat,
            logLevel: logLevel,
            workerPath: value(self.workerPath, "WORKER_PATH") ?? defaultWorkerPath,
            debugQueryCount: self.debugQueryCount || environment["DEBUG_QUERY_COUNT"] == "1",
            benchRoutes: self.benchRoutes || environment["BENCH_ROUTES"] == "1",
            limits: try self.limits.resolve(environment: environment),
            cluster: try self.cluster.resolve(environment: environment)
        )
    }
}
