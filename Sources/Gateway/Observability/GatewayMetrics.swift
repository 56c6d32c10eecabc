import CoreMetrics
import Foundation
import Metrics
import NIOConcurrencyHelpers
import NIOCore
import Prometheus
import Protocol

/// The gateway's metrics, recorded through swift-metrics with swift-prometheus as backend and
/// exposed in Prometheus text format on the admin listener's /metrics.
///
/// Labels are bounded: `route` is a route template reported by the worker (or `unmatched`,
/// `preflight`), `gateway` for the pool's own answers (502, 503, 504) or `rejected` for a
/// request refused before it reached the pool (400, 408, 413, 429, 431, 501); `method` is one
/// of the standard methods or `other`; `status` a three-digit code. Workers report their per-request figures over the protocol; nobody
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
        self.queueWait = Timer(label: "rookery_queue_wait_seconds", factory: factory)
        self.roundTrips = Counter(label: "rookery_database_round_trips_total", factory: factory)
        self.databaseErrors = Counter(label: "rookery_database_errors_total", factory: factory)
        // Exported at 0 from the start, so an alert or a dashboard on a healthy server finds the
        // series (Prometheus: "avoid missing metrics").
        for reason in WorkerRestartReason.allCases {
            _ = Counter(label: "worker_restarts_total", dimensions: [("reason", reason.label)], factory: factory)
        }
        _ = Counter(label: "rookery_hedged_requests_total", factory: factory)
        for costClass in CostClass.allCases {
            _ = Counter(
                label: "rookery_class_rejected_total",
                dimensions: [("class", costClass.label)],
                factory: factory
            )
        }
    }

    private let factory: PrometheusMetricsFactory
    private let queueWait: CoreMetrics.Timer
    private let roundTrips: CoreMetrics.Counter
    private let databaseErrors: CoreMetrics.Counter

    func recordRequest(_ request: CompletedRequest) {
        let method = Self.knownMethods.contains(request.method) ? request.method : "other"
        let route = request.trace.route
        let instruments = self.instruments(method: method, route: route, status: request.status)
        instruments.requests.increment()
        instruments.duration.recordNanoseconds(request.duration.nanoseconds)
        if request.trace.workerPID != nil {
            self.queueWait.recordNanoseconds(request.trace.queueWait.nanoseconds)
        }
        if let statistics = request.trace.statistics {
            self.roundTrips.increment(by: Int64(statistics.databaseRoundTrips))
            if statistics.databaseErrors > 0 {
                self.databaseErrors.increment(by: Int64(statistics.databaseErrors))
            }
        }
    }

    /// The per-request instruments, made once per label set: creating them through the
    /// factory validates names and takes the registry's lock, too slow for every request.
    private struct RequestInstruments: @unchecked Sendable {
        var requests: CoreMetrics.Counter
        var duration: CoreMetrics.Timer
    }

    /// The label set of one request's instruments: hashed as it is, where a formatted string
    /// key cost an allocation per request.
    private struct InstrumentsKey: Hashable {
        var method: String
        var route: String
        var status: Int
    }

    private let cache = NIOLockedValueBox<[InstrumentsKey: RequestInstruments]>([:])

    private func instruments(method: String, route: String, status: Int) -> RequestInstruments {
        let key = InstrumentsKey(method: method, route: route, status: status)
        if let cached = self.cache.withLockedValue({ $0[key] }) {
            return cached
        }
        let made = RequestInstruments(
            requests: Counter(
                label: "http_requests_total",
                dimensions: [("method", method), ("route", route), ("status", String(status))],
                factory: self.factory
            ),
            duration: Timer(
                label: "http_request_duration_seconds",
                dimensions: [("route", route)],
                factory: self.factory
            )
        )
        self.cache.withLockedValue { $0[key] = made }
        return made
    }

    /// A read pipelined behind a stalled request was also given to an idle worker.
    func recordHedge() {
        Counter(label: "rookery_hedged_requests_total", factory: self.factory).increment()
    }

    /// A request refused with 503 because its cost class's queue was full.
    func recordRejection(_ costClass: CostClass) {
        Counter(label: "rookery_class_rejected_total", dimensions: [("class", costClass.label)], factory: self.factory)
            .increment()
    }

    func recordRestart(reason: String) {
        Counter(label: "worker_restarts_total", dimensions: [("reason", reason)], factory: self.factory)
            .increment()
    }

    /// An unexpected exit of the embedded PostgreSQL, and whether the restart worked.
    func recordEmbeddedPostgres(_ event: EmbeddedPostgresSupervisor.Event) {
        switch event {
        case .exited:
            Counter(label: "rookery_embedded_postgres_exits_total", factory: self.factory).increment()
        case .restarted:
            Counter(label: "rookery_embedded_postgres_restarts_total", factory: self.factory).increment()
        case .restartFailed:
            Counter(label: "rookery_embedded_postgres_failed_starts_total", factory: self.factory).increment()
        }
    }

    /// Gauges that describe the present (queue, workers, memory) are set from a fresh
    /// snapshot just before each scrape.
    func render(_ snapshot: PoolSnapshot) -> [UInt8] {
        Gauge(label: "rookery_queue_depth", factory: self.factory).record(snapshot.queueDepth)
        Gauge(label: "rookery_requests_in_flight", factory: self.factory).record(snapshot.busyWorkers)
        for state in snapshot.costClasses {
            let dimensions = [("class", state.label)]
            Gauge(label: "rookery_class_in_flight", dimensions: dimensions, factory: self.factory).record(
                state.inFlight
            )
            Gauge(label: "rookery_class_queue_depth", dimensions: dimensions, factory: self.factory)
                .record(state.queueDepth)
            if let limit = state.workerLimit {
                Gauge(label: "rookery_class_worker_limit", dimensions: dimensions, factory: self.factory).record(limit)
            }
        }
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
        if let embedded = snapshot.embeddedDatabase {
            Gauge(label: "rookery_embedded_postgres_up", factory: self.factory).record(embedded.running ? 1 : 0)
        }
        if let gateway = ProcessStats.read(pid: getpid()) {
            Gauge(label: "rookery_gateway_resident_memory_bytes", factory: self.factory).record(gateway.residentBytes)
        }
        return self.exposition()
    }

    /// Every metric as it stands, in Prometheus text format.
    func exposition() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(8192)
        self.registry.emit(into: &output)
        return output
    }
}
