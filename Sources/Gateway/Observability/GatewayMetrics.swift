import CoreMetrics
import Foundation
import Metrics
import NIOCore
import Prometheus
import Protocol

/// The gateway's metrics, recorded through swift-metrics with swift-prometheus as backend and
/// exposed in Prometheus text format on the admin listener's /metrics.
///
/// Labels are bounded: `route` is a route template reported by the worker (or `gateway`,
/// `unmatched`, `preflight`), `method` one of the standard methods or `other`, `status` a
/// three-digit code. Workers report their per-request figures over the protocol; nobody
/// scrapes workers.
final class GatewayMetrics: Sendable {
    let registry: PrometheusCollectorRegistry

    static let durationBuckets: [Duration] = [
        .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
    ]

    private static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"]

    /// Creates the registry and makes it the process-wide swift-metrics backend.
    init(bootstrap: Bool = true) {
        self.registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: self.registry)
        factory.defaultDurationHistogramBuckets = Self.durationBuckets
        if bootstrap {
            MetricsSystem.bootstrap(factory)
        }
        self.factory = factory
    }

    private let factory: PrometheusMetricsFactory

    func recordRequest(_ request: CompletedRequest) {
        let method = Self.knownMethods.contains(request.method) ? request.method : "other"
        let route = request.trace.route
        Counter(
            label: "http_requests_total",
            dimensions: [("method", method), ("route", route), ("status", String(request.status))],
            factory: self.factory
        ).increment()
        Timer(label: "http_request_duration_seconds", dimensions: [("route", route)], factory: self.factory)
            .recordNanoseconds(request.duration.nanoseconds)
        if request.trace.workerPID != nil {
            Timer(label: "rookery_queue_wait_seconds", factory: self.factory)
                .recordNanoseconds(request.trace.queueWait.nanoseconds)
        }
        if let statistics = request.trace.statistics {
            Counter(label: "rookery_database_round_trips_total", factory: self.factory)
                .increment(by: Int64(statistics.databaseRoundTrips))
            Counter(label: "rookery_database_errors_total", factory: self.factory)
                .increment(by: Int64(statistics.databaseErrors))
        }
    }

    func recordRestart(reason: String) {
        Counter(label: "worker_restarts_total", dimensions: [("reason", reason)], factory: self.factory)
            .increment()
    }

    /// Gauges that describe the present (queue, workers, memory) are set from a fresh
    /// snapshot just before each scrape.
    func render(_ snapshot: PoolSnapshot) -> [UInt8] {
        Gauge(label: "rookery_queue_depth", factory: self.factory).record(snapshot.queueDepth)
        Gauge(label: "rookery_requests_in_flight", factory: self.factory).record(snapshot.busyWorkers)
        for state in ["starting", "idle", "busy", "draining"] {
            let count = snapshot.workers.filter { $0.state == state }.count
            Gauge(label: "rookery_workers", dimensions: [("state", state)], factory: self.factory).record(count)
        }
        for worker in snapshot.workers where worker.state != "draining" {
            if let rss = worker.residentBytes {
                Gauge(
                    label: "rookery_worker_resident_memory_bytes",
                    dimensions: [("slot", String(worker.slot))],
                    factory: self.factory
                ).record(rss)
            }
        }
        if let gateway = ProcessStats.read(pid: getpid()) {
            Gauge(label: "rookery_gateway_resident_memory_bytes", factory: self.factory).record(gateway.residentBytes)
        }
        var output: [UInt8] = []
        output.reserveCapacity(8192)
        self.registry.emit(into: &output)
        return output
    }
}
