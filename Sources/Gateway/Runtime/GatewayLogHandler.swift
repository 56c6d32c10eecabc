import Foundation
import Glibc
import Logging

/// One line per event on standard error, as text or JSON (`--log-format`).
///
/// The access log writes a line per request, so this is on the hot path: the timestamp and the
/// JSON are built by hand (no date formatter, no JSONSerialization) and each line is one
/// `write(2)`, which also keeps lines from different threads whole.
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
        var bytes = line
        bytes.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(2, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}

/// Cheap log formatting helpers: UTC timestamps with milliseconds and JSON string escaping.
enum LogTimestamp {
    /// `2026-11-29T03:08:09.520Z` from the real-time clock, without a formatter.
    static func now() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var text = ""
        text.reserveCapacity(24)
        self.append(Int(parts.tm_year) + 1900, width: 4, to: &text)
        text += "-"
        self.append(Int(parts.tm_mon) + 1, width: 2, to: &text)
        text += "-"
        self.append(Int(parts.tm_mday), width: 2, to: &text)
        text += "T"
        self.append(Int(parts.tm_hour), width: 2, to: &text)
        text += ":"
        self.append(Int(parts.tm_min), width: 2, to: &text)
        text += ":"
        self.append(Int(parts.tm_sec), width: 2, to: &text)
        text += "."
        self.append(Int(now.tv_nsec / 1_000_000), width: 3, to: &text)
        text += "Z"
        return text
    }

    private static func append(_ value: Int, width: Int, to text: inout String) {
        let digits = String(value)
        if digits.count < width {
            text += String(repeating: "0", count: width - digits.count)
        }
        text += digits
    }

    /// Appends `value` as a quoted JSON string with the required escapes.
    static func appendJSONString(_ value: String, to text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
