import Logging
import NIOCore
import Protocol

/// Records every answered request: one access-log line, a slow-request line with the time
/// breakdown when over the threshold, and the request metrics. Never logs headers or bodies,
/// so passwords and tokens cannot reach the log.
final class RequestObserver: Sendable {
    let logger: Logger
    private let accessLogger: Logger
    private let metrics: GatewayMetrics
    private let slowRequestThreshold: TimeAmount

    init(logger: Logger, metrics: GatewayMetrics, slowRequestThreshold: TimeAmount) {
        self.logger = logger
        var access = Logger(label: "rookery.access")
        access.logLevel = logger.logLevel
        access[metadataKey: "gateway_pid"] = logger[metadataKey: "gateway_pid"]
        self.accessLogger = access
        self.metrics = metrics
        self.slowRequestThreshold = slowRequestThreshold
    }

    func requestFinished(_ request: CompletedRequest) {
        self.metrics.recordRequest(request)
        let slow = request.duration >= self.slowRequestThreshold
        // Building the line's metadata is the costly part: skip it when nothing will be logged.
        guard slow || self.accessLogger.logLevel <= .info else { return }
        var metadata: Logger.Metadata = [
            "request_id": .string(request.requestID),
            "method": .string(request.method),
            "path": .string(String(request.pathWithoutQuery)),
            "route": .string(request.trace.route),
            "status": .stringConvertible(request.status),
            "bytes": .stringConvertible(request.bytes),
            "duration_ms": .string(Self.milliseconds(request.duration)),
            "queue_wait_ms": .string(Self.milliseconds(request.trace.queueWait)),
            "client": .string(request.client),
        ]
        if let pid = request.trace.workerPID {
            metadata["worker_pid"] = .stringConvertible(pid)
        }
        self.accessLogger.info("request", metadata: metadata)
        if slow {
            metadata["worker_ms"] = .string(Self.milliseconds(request.trace.workerTime))
            if let statistics = request.trace.statistics {
                metadata["db_ms"] = .string(Self.milliseconds(.microseconds(Int64(statistics.databaseMicroseconds))))
                metadata["db_round_trips"] = .stringConvertible(statistics.databaseRoundTrips)
            }
            self.logger.warning("slow request", metadata: metadata)
        }
    }

    /// Milliseconds with microsecond precision, e.g. `12.345`.
    static func milliseconds(_ amount: TimeAmount) -> String {
        let micros = max(amount.nanoseconds / 1000, 0)
        let fraction = String(micros % 1000)
        return "\(micros / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}
