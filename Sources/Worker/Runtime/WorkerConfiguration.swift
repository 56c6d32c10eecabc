import FoundationEssentials

/// The worker's settings. The gateway passes them through the environment when it spawns
/// the worker; the names are documented in docs/protocol.md.
struct WorkerConfiguration {
    /// The inherited socket to the gateway.
    var socketDescriptor: Int32
    /// libpq connection string or URL.
    var databaseURL: String
    /// Largest request body the worker accepts (the gateway enforces it first).
    var maxBodySize: Int
    /// Value of Access-Control-Allow-Origin.
    var corsOrigin: String
    /// The generation this worker belongs to, for logs.
    var generation: Int
    var logFormat: String
    /// Where the JWT signing secret is read from (a file the gateway owns).
    var jwtSecretFile: String?
    /// Lifetime of issued tokens, in seconds.
    var jwtTimeToLive: Int
    /// Whether the per-request database round-trip count is sent back in a response header.
    var exposeQueryCount: Bool
    /// Whether the TechEmpower routes (/plaintext, /json, /db, …) are served (`--bench-routes`).
    var benchRoutes: Bool
    /// libpq conninfo or URL of the read replica(s); nil: every query on the primary.
    var readDatabaseURL: String? = nil
    /// Seconds a replica's replay may lag before reads go to the primary.
    var maxReplicaLag: Double = 30

    /// Reads the configuration; a missing or malformed required value is an error with a clear message.
    static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> WorkerConfiguration
    {
        guard let databaseURL = environment["DATABASE_URL"], !databaseURL.isEmpty else {
            throw ConfigurationError("DATABASE_URL is not set")
        }
        func integer(_ name: String, default value: Int) throws -> Int {
            guard let text = environment[name] else { return value }
            guard let parsed = Int(text) else {
                throw ConfigurationError("\(name) must be an integer, got \"\(text)\"")
            }
            return parsed
        }
        return WorkerConfiguration(
            socketDescriptor: Int32(clamping: try integer("ROOKERY_WORKER_FD", default: 3)),
            databaseURL: databaseURL,
            maxBodySize: try integer("ROOKERY_MAX_BODY_SIZE", default: 1 << 20),
            corsOrigin: environment["ROOKERY_CORS_ORIGIN"] ?? "*",
            generation: try integer("ROOKERY_GENERATION", default: 1),
            logFormat: environment["ROOKERY_LOG_FORMAT"] ?? "text",
            jwtSecretFile: environment["ROOKERY_JWT_SECRET_FILE"],
            jwtTimeToLive: try integer("ROOKERY_JWT_TTL", default: 86_400),
            exposeQueryCount: environment["ROOKERY_DEBUG_QUERY_COUNT"] == "1",
            benchRoutes: environment["ROOKERY_BENCH_ROUTES"] == "1",
            readDatabaseURL: environment["ROOKERY_DATABASE_READ_URL"].flatMap { $0.isEmpty ? nil : $0 },
            maxReplicaLag: Double(environment["ROOKERY_MAX_REPLICA_LAG"] ?? "") ?? 30
        )
    }
}

/// A configuration problem, reported as one line before the process exits.
struct ConfigurationError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
