import ArgumentParser
import Foundation

/// Every flag of `gateway`, each with an environment variable fallback.
///
/// Flags are parsed as optionals so that "not given" can fall back to the environment and
/// then to the documented default in `resolve(environment:)`; the help text names the
/// variable and the default for each.
struct GatewayOptions: ParsableArguments {
    @OptionGroup(title: "Limits") var limits: LimitOptions
    @OptionGroup(title: "Several hosts") var cluster: ClusterOptions

    @Option(help: "Address the HTTP listener binds to. (env: HOST, default: 127.0.0.1)")
    var host: String?

    @Option(help: "HTTP port. (env: PORT, default: 8080)")
    var port: String?

    @Option(help: "Number of worker processes. (env: WORKERS, default: 2 × CPU cores, at most 64)")
    var workers: String?

    @Option(
        name: .customLong("database-url"),
        help: "PostgreSQL URL or libpq conninfo; absent: embedded PostgreSQL in the data dir. (env: DATABASE_URL)"
    )
    var databaseURL: String?

    @Option(
        name: .customLong("data-dir"),
        help:
            "Directory for the embedded PostgreSQL cluster and the generated JWT secret. (env: DATA_DIR, default: ./.data)"
    )
    var dataDir: String?

    @Option(
        name: .customLong("jwt-secret-file"),
        help:
            "File holding the JWT signing secret. (env: JWT_SECRET_FILE; JWT_SECRET gives the secret itself; default: generated once into <data-dir>/jwt-secret, mode 0600)"
    )
    var jwtSecretFile: String?

    @Option(name: .customLong("jwt-ttl"), help: "Lifetime of issued tokens in seconds. (env: JWT_TTL, default: 86400)")
    var jwtTTL: String?

    @Option(
        name: .customLong("admin-port"),
        help: "Port of the admin listener on 127.0.0.1 (/healthz /readyz /status). (env: ADMIN_PORT, default: 8081)"
    )
    var adminPort: String?

    @Option(
        name: .customLong("max-requests"),
        help: "Recycle a worker after this many requests; 0 = never. (env: MAX_REQUESTS, default: 0)"
    )
    var maxRequests: String?

    @Option(
        name: .customLong("max-requests-jitter"),
        help:
            "Add 0 to this many requests, drawn per worker, to --max-requests so workers do not recycle together. (env: MAX_REQUESTS_JITTER, default: 0)"
    )
    var maxRequestsJitter: String?

    @Option(
        name: .customLong("request-timeout"),
        help:
            "Seconds a worker may spend on one request before the gateway answers 504 and replaces it. (env: REQUEST_TIMEOUT, default: 30)"
    )
    var requestTimeout: String?

    @Option(
        name: .customLong("graceful-timeout"),
        help: "Seconds in-flight requests get to finish on SIGTERM. (env: GRACEFUL_TIMEOUT, default: 30)"
    )
    var gracefulTimeout: String?

    @Option(
        name: .customLong("event-loops"),
        help:
            "Gateway I/O threads (NIO event loops). (env: EVENT_LOOPS, default: CPU cores)"
    )
    var eventLoops: String?

    @Option(
        name: .customLong("worker-pipeline-depth"),
        help:
            "Requests the gateway may hand one worker at a time when every worker is busy: the one it runs plus this many minus one waiting behind it, twice as many after 16 answers in a row without a database round trip; 1 turns pipelining off. (env: WORKER_PIPELINE_DEPTH, default: 4)"
    )
    var workerPipelineDepth: String?

    @Option(
        name: .customLong("hedge-after"),
        help:
            "Seconds after which a GET or HEAD waiting in a busy worker's socket behind a request still running is also given to an idle worker; the first answer wins. 0 turns hedging off. (env: HEDGE_AFTER, default: 0.1)"
    )
    var hedgeAfter: String?

    @Option(
        name: .customLong("password-hashing-workers"),
        help:
            "Most requests that hash a password (register, login, profile update) the workers run at once; more wait in their own queue, so other requests always find a worker. (env: PASSWORD_HASHING_WORKERS, default: half the CPU cores, at least 1, at most workers - 1)"
    )
    var passwordHashingWorkers: String?

    @Option(
        name: .customLong("password-hashing-queue"),
        help:
            "Password-hashing requests that may wait; beyond it they get 503 with Retry-After, other requests do not. (env: PASSWORD_HASHING_QUEUE, default: 16 per password-hashing worker)"
    )
    var passwordHashingQueue: String?

    @Option(
        name: .customLong("queue-limit"),
        help:
            "Requests that may wait for a worker; beyond it the gateway answers 503. (env: QUEUE_LIMIT, default: 1024)"
    )
    var queueLimit: String?

    @Option(
        name: .customLong("max-body-size"),
        help: "Largest request body in bytes; larger gets 413. (env: MAX_BODY_SIZE, default: 1048576)"
    )
    var maxBodySize: String?

    @Option(
        name: .customLong("slow-request-threshold"),
        help:
            "Log a slow-request line with the time breakdown for requests slower than this many seconds. (env: SLOW_REQUEST_THRESHOLD, default: 1)"
    )
    var slowRequestThreshold: String?

    @Option(
        name: .customLong("cors-origin"),
        help: "Value of Access-Control-Allow-Origin. (env: CORS_ORIGIN, default: *)"
    )
    var corsOrigin: String?

    @Option(name: .customLong("log-format"), help: "Log format: text or json. (env: LOG_FORMAT, default: text)")
    var logFormat: String?

    @Option(
        name: .customLong("log-level"),
        help: "Log level: trace, debug, info, notice, warning, error, critical. (env: LOG_LEVEL, default: info)"
    )
    var logLevel: String?

    @Option(
        name: .customLong("worker-path"),
        help: "Path of the worker executable. (env: WORKER_PATH, default: `worker` next to the gateway binary)"
    )
    var workerPath: String?

    @Flag(
        name: .customLong("debug-query-count"),
        help: "Send X-Database-Round-Trips on every response (for tests and profiling). (env: DEBUG_QUERY_COUNT=1)"
    )
    var debugQueryCount = false

    @Flag(
        name: .customLong("bench-routes"),
        help:
            "Serve the TechEmpower test routes (/plaintext /json /db /queries /fortunes /updates) and create their tables. (env: BENCH_ROUTES=1)"
    )
    var benchRoutes = false
}
