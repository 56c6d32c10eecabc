import NIOCore
import RookeryCommon

/// Formats one access-log line straight into bytes, in exactly the text or JSON format
/// `LogLine` gives any other line (fields sorted by name, every JSON value a string).
///
/// The access log writes a line per request, so it skips swift-log's metadata dictionary,
/// the merge and the sort that a `Logger` call costs.
struct AccessLogLine: Sendable {
    let json: Bool
    /// The access logger's own metadata: the gateway's pid (nil when it has none).
    let gatewayPID: String?

    static let label = "rookery.access"
    static let message = "request"

    /// Appends the line for `request`, with its trailing newline.
    func append(_ request: CompletedRequest, to bytes: inout [UInt8]) {
        if self.json {
            bytes.append(contentsOf: #"{"time":""#.utf8)
            UTCTimestamp.appendNow(to: &bytes)
            bytes.append(contentsOf: #"","level":"info","logger":""#.utf8)
            bytes.append(contentsOf: Self.label.utf8)
            bytes.append(contentsOf: #"","message":""#.utf8)
            bytes.append(contentsOf: Self.message.utf8)
            bytes.append(UInt8(ascii: "\""))
        } else {
            UTCTimestamp.appendNow(to: &bytes)
            bytes.append(contentsOf: " info \(Self.label): \(Self.message)".utf8)
        }
        func field(_ name: StaticString, _ write: (inout [UInt8]) -> Void) {
            if self.json {
                bytes.append(contentsOf: #",""#.utf8)
                bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
                bytes.append(contentsOf: #"":""#.utf8)
                write(&bytes)
                bytes.append(UInt8(ascii: "\""))
            } else {
                bytes.append(UInt8(ascii: " "))
                bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
                bytes.append(UInt8(ascii: "="))
                write(&bytes)
            }
        }
        func text(_ name: StaticString, _ value: some StringProtocol) {
            field(name) { bytes in
                if self.json {
                    JSONEscaping.appendEscaped(value.utf8, to: &bytes)
                } else {
                    bytes.append(contentsOf: value.utf8)
                }
            }
        }
        func number(_ name: StaticString, _ value: Int) {
            field(name) { bytes in
                DecimalDigits.append(value, to: &bytes)
            }
        }
        // In the sorted order of the field names.
        number("bytes", request.bytes)
        text("client", request.client)
        field("duration_ms") { Self.appendMilliseconds(request.duration, to: &$0) }
        if let gatewayPID = self.gatewayPID {
            text("gateway_pid", gatewayPID)
        }
        text("method", request.method)
        text("path", request.pathWithoutQuery)
        field("queue_wait_ms") { Self.appendMilliseconds(request.trace.queueWait, to: &$0) }
        text("request_id", request.requestID)
        text("route", request.trace.route)
        number("status", request.status)
        if let pid = request.trace.workerPID {
            number("worker_pid", Int(pid))
        }
        bytes.append(contentsOf: self.json ? "}\n".utf8 : "\n".utf8)
    }

    /// Milliseconds with microsecond precision, e.g. `12.345`.
    static func appendMilliseconds(_ amount: TimeAmount, to bytes: inout [UInt8]) {
        let micros = max(amount.nanoseconds / 1000, 0)
        DecimalDigits.append(Int(micros / 1000), to: &bytes)
        bytes.append(UInt8(ascii: "."))
        DecimalDigits.append(Int(micros % 1000), width: 3, to: &bytes)
    }
}
