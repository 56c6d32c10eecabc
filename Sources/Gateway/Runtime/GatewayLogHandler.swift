import Foundation
import Glibc
import Logging

/// One line per event on standard error, as text or JSON (`--log-format`).
///
/// The timestamp and the JSON are built by hand (no date formatter, no JSONSerialization) and
/// each line is one `write(2)` through `StandardError`, which keeps lines from different threads
/// whole. The access log, a line per request, takes a faster path to the same format
/// (`AccessLogLine`, `AccessLogBuffer`).
struct GatewayLogHandler: LogHandler {
    let label: String
    let json: Bool
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    init(label: String, json: Bool) {
        self.label = label
        self.json = json
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var bytes = self.line(for: event)
        bytes.withUTF8 { StandardError.write(UnsafeRawBufferPointer($0)) }
    }

    /// The formatted line for `event`, with its trailing newline.
    func line(for event: LogEvent) -> String {
        var fields = self.metadata
        if let extra = event.metadata {
            fields.merge(extra) { _, new in new }
        }
        var line = ""
        line.reserveCapacity(256)
        let time = LogTimestamp.now()
        if self.json {
            line += "{\"time\":\"\(time)\",\"level\":\"\(event.level.rawValue)\",\"logger\":"
            LogTimestamp.appendJSONString(self.label, to: &line)
            line += ",\"message\":"
            LogTimestamp.appendJSONString("\(event.message)", to: &line)
            for key in fields.keys.sorted() {
                line += ","
                LogTimestamp.appendJSONString(key, to: &line)
                line += ":"
                LogTimestamp.appendJSONString(fields[key].map { "\($0)" } ?? "", to: &line)
            }
            line += "}\n"
        } else {
            line += "\(time) \(event.level.rawValue) \(self.label): \(event.message)"
            for key in fields.keys.sorted() {
                line += " \(key)=\(fields[key].map { "\($0)" } ?? "")"
            }
            line += "\n"
        }
        return line
    }
}

/// Cheap log formatting helpers: UTC timestamps with milliseconds and JSON string escaping.
enum LogTimestamp {
    /// `2026-11-29T03:08:09.520Z` from the real-time clock, without a formatter.
    static func now() -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        self.appendNow(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the current UTC time as `2026-11-29T03:08:09.520Z`.
    static func appendNow(to bytes: inout [UInt8]) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        self.append(Int(parts.tm_year) + 1900, width: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        self.append(Int(parts.tm_mon) + 1, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        self.append(Int(parts.tm_mday), width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        self.append(Int(parts.tm_hour), width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        self.append(Int(parts.tm_min), width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        self.append(Int(parts.tm_sec), width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        self.append(Int(now.tv_nsec / 1_000_000), width: 3, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
    }

    /// Appends a non-negative `value` in decimal, left-padded with zeros to `width` digits.
    static func append(_ value: Int, width: Int, to bytes: inout [UInt8]) {
        let value = max(value, 0)
        var scale = 1
        var digits = 1
        while value / scale >= 10 {
            scale *= 10
            digits += 1
        }
        for _ in digits..<max(width, digits) {
            bytes.append(UInt8(ascii: "0"))
        }
        var rest = value
        while scale > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest / scale))
            rest %= scale
            scale /= 10
        }
    }

    /// Appends `value` as a quoted JSON string with the required escapes.
    static func appendJSONString(_ value: String, to text: inout String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count + 2)
        self.appendJSONString(value, to: &bytes)
        text += String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `value` as a quoted JSON string, as UTF-8.
    static func appendJSONString(_ value: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        self.appendJSONEscaped(value.utf8, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends UTF-8 text as the inside of a JSON string: quote, backslash and control
    /// characters escaped, everything else copied.
    static func appendJSONEscaped(_ utf8: some Sequence<UInt8>, to bytes: inout [UInt8]) {
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(byte)
            case UInt8(ascii: "\n"):
                bytes.append(contentsOf: #"\n"#.utf8)
            case UInt8(ascii: "\r"):
                bytes.append(contentsOf: #"\r"#.utf8)
            case UInt8(ascii: "\t"):
                bytes.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                bytes.append(contentsOf: #"\u00"#.utf8)
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0x0f)])
            default:
                bytes.append(byte)
            }
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
