import Logging
import NIOCore

/// The gateway's replica machinery when `--database-read-url` is set: the monitor behind
/// /status, /metrics and read-only readiness, and the per-user write positions of
/// read-your-writes.
struct ReplicaSetup {
    let monitor: ReplicaMonitor
    let readYourWrites: (positions: WritePositions, metrics: ReadMetrics)

    /// nil without a read URL: no replica, every query on the primary.
    init?(_ configuration: ClusterConfiguration, health: GatewayHealth, metrics: GatewayMetrics, logger: Logger) {
        guard let readURL = configuration.databaseReadURL else { return nil }
        let readMetrics = ReadMetrics(registry: metrics.registry)
        self.monitor = ReplicaMonitor(
            conninfo: readURL,
            maxLag: configuration.maxReplicaLag,
            health: health,
            metrics: readMetrics,
            logger: logger
        )
        let retention = TimeAmount.milliseconds(Int64(configuration.writePositionRetention * 1000))
        self.readYourWrites = (WritePositions(retention: retention), readMetrics)
        health.replicaStatus = ReplicaStatus(state: .down, lagSeconds: nil, problem: "not checked yet")
    }
}
