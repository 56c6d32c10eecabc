import Prometheus

/// The replica's part of /metrics, registered in the gateway's Prometheus registry:
///
/// - `rookery_database_reads_total{target="replica"|"primary"}`: read requests answered by a
///   replica or by the primary (a worker reports which, `InternalHeaders.servedBy`);
/// - `rookery_replica_up`: 1 while the replica answers as a standby, else 0;
/// - `rookery_replica_lag_seconds`: its replay lag as last measured (-1 when unknown).
final class ReadMetrics: Sendable {
    private let replicaReads: Counter
    private let primaryReads: Counter
    private let up: Gauge
    private let lag: Gauge

    init(registry: PrometheusCollectorRegistry) {
        let reads = MetricNameDescriptor(
            namespace: "rookery",
            metricName: "database_reads",
            unitName: "total",
            helpText: "Read requests by the database server that answered them"
        )
        self.replicaReads = registry.makeCounter(descriptor: reads, labels: [("target", "replica")])
        self.primaryReads = registry.makeCounter(descriptor: reads, labels: [("target", "primary")])
        self.up = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "rookery",
                metricName: "replica",
                unitName: "up",
                helpText: "1 while the read replica answers as a standby"
            )
        )
        self.lag = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                namespace: "rookery",
                metricName: "replica_lag",
                unitName: "seconds",
                helpText: "Replay lag of the read replica in seconds, -1 when unknown"
            )
        )
        self.lag.set(to: -1)
    }

    /// Counts one read by the value of `InternalHeaders.servedBy`.
    func recordRead(servedBy target: String) {
        switch target {
        case "replica": self.replicaReads.increment()
        case "primary": self.primaryReads.increment()
        default: break
        }
    }

    func record(_ status: ReplicaStatus) {
        self.up.set(to: status.isReachable ? 1 : 0)
        self.lag.set(to: status.lagSeconds ?? -1)
    }
}
