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

    /// Access-log buffers by event loop (`ObjectIdentifier` of the loop); fixed at start.
    private let accessLogBuffers: [ObjectIdentifier: AccessLogBuffer]
    private let accessLine: AccessLogLine
    private let accessLogEnabled: Bool

    /// `eventLoops`: the loops that serve client connections, each of which gets its own
    /// access-log buffer. `jsonAccessLog`: the format of `--log-format`.
    init(
        logger: Logger,
        metrics: GatewayMetrics,
        slowRequestThreshold: TimeAmount,
        eventLoops: [any EventLoop] = [],
        jsonAccessLog: Bool = false
    ) {
        self.logger = logger
        var access = Logger(label: AccessLogLine.label)
        access.logLevel = logger.logLevel
        access[metadataKey: "gateway_pid"] = logger[metadataKey: "gateway_pid"]
        self.accessLogger = access
        self.accessLogEnabled = access.logLevel <= .info
        self.accessLine = AccessLogLine(
            json: jsonAccessLog,
            gatewayPID: logger[metadataKey: "gateway_pid"].map { "\($0)" }
        )
        var buffers: [ObjectIdentifier: AccessLogBuffer] = [:]
        for loop in eventLoops {
            buffers[ObjectIdentifier(loop)] = AccessLogBuffer(eventLoop: loop)
        }
        self.accessLogBuffers = buffers
        self.metrics = metrics
        self.slowRequestThreshold = slowRequestThreshold
    }

    /// Records `request`, answered on `eventLoop`: metrics, the access-log line (buffered per
    /// loop when the loop has a buffer, else through the access `Logger`) and, over the
    /// threshold, the slow-request line.
    func requestFinished(_ request: CompletedRequest, on eventLoop: any EventLoop) {
        self.metrics.recordRequest(request)
        if self.accessLogEnabled {
            if let buffer = self.accessLogBuffers[ObjectIdentifier(eventLoop)] {
                buffer.append { self.accessLine.append(request, to: &$0) }
            } else {
                self.accessLogger.info("\(AccessLogLine.message)", metadata: Self.metadata(of: request))
            }
        }
        guard request.duration >= self.slowRequestThreshold else { return }
        var metadata = Self.metadata(of: request)
        metadata["worker_ms"] = .string(Self.milliseconds(request.trace.workerTime))
        if let statistics = request.trace.statistics {
            metadata["db_ms"] = .string(Self.milliseconds(.microseconds(Int64(statistics.databaseMicroseconds))))
            metadata["db_round_trips"] = .stringConvertible(statistics.databaseRoundTrips)
        }
        self.logger.warning("slow request", metadata: metadata)
    }

    /// The access-log fields of `request`, as `Logger` metadata.
    static func metadata(of request: CompletedRequest) -> Logger.Metadata {
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
        return metadata
    }

    /// Milliseconds with microsecond precision, e.g. `12.345`.
    static func milliseconds(_ amount: TimeAmount) -> String {
        var bytes: [UInt8] = []
        AccessLogLine.appendMilliseconds(amount, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
