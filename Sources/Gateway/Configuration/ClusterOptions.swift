import ArgumentParser

/// Settings for running several gateways behind a load balancer (docs/operations.md,
/// "Several hosts"). None is needed on one host.
struct ClusterOptions: ParsableArguments {
    @Option(
        name: .customLong("drain-delay"),
        help:
            "Seconds between SIGTERM and closing the listener, during which /readyz already answers 503 while requests are still served, so a load balancer stops sending first. (env: DRAIN_DELAY, default: 0)"
    )
    var drainDelay: String?

    @Option(
        name: .customLong("database-read-url"),
        help:
            "PostgreSQL URL or libpq conninfo of the read replica(s), several hosts allowed (workers spread over them); reads use it, writes and a user's reads right after their write use the primary. Absent: everything on the primary. (env: DATABASE_READ_URL)"
    )
    var databaseReadURL: String?

    @Option(
        name: .customLong("max-replica-lag"),
        help:
            "Seconds a replica's replay may lag behind the primary before reads go to the primary. (env: MAX_REPLICA_LAG, default: 30)"
    )
    var maxReplicaLag: String?

    @Option(
        name: .customLong("jwt-previous-secret-file"),
        help:
            "File holding a second JWT secret that verifies tokens but never signs them, for rotating the secret without logging anyone out (docs/security.md). (env: JWT_PREVIOUS_SECRET_FILE; JWT_PREVIOUS_SECRET gives the secret itself)"
    )
    var jwtPreviousSecretFile: String?
}

/// Validated `ClusterOptions`.
struct ClusterConfiguration: Sendable {
    /// Seconds readiness says 503 before the listener closes on SIGTERM.
    var drainDelay: Double = 0
    /// Read replica conninfo; nil: no replica.
    var databaseReadURL: String? = nil
    /// Seconds of replay lag beyond which a replica gets no reads.
    var maxReplicaLag: Double = ClusterConfiguration.defaultMaxReplicaLag
    /// The secret that only verifies during a rotation (`JWT_PREVIOUS_SECRET` passes through the
    /// environment as it is).
    var jwtPreviousSecretFile: String? = nil

    /// Default `--max-replica-lag`: anonymous reads may be this stale. Half of GitLab's 60 s
    /// default; read-your-writes does not depend on it (positions are compared exactly).
    static let defaultMaxReplicaLag: Double = 30

    /// How long a user's write position is remembered: past it, any replica within
    /// `maxReplicaLag` (checked once a second) has replayed the write.
    var writePositionRetention: Double {
        self.maxReplicaLag + 5
    }
}

extension ClusterOptions {
    func resolve(environment: [String: String]) throws -> ClusterConfiguration {
        let options = OptionResolver(environment: environment)
        return ClusterConfiguration(
            drainDelay: try options.number(
                self.drainDelay,
                "DRAIN_DELAY",
                name: "drain-delay",
                default: 0,
                range: 0...3600
            ),
            databaseReadURL: options.text(self.databaseReadURL, "DATABASE_READ_URL"),
            maxReplicaLag: try options.number(
                self.maxReplicaLag,
                "MAX_REPLICA_LAG",
                name: "max-replica-lag",
                default: ClusterConfiguration.defaultMaxReplicaLag,
                range: 0...86_400
            ),
            jwtPreviousSecretFile: options.text(self.jwtPreviousSecretFile, "JWT_PREVIOUS_SECRET_FILE")
        )
    }
}
