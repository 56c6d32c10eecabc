import FoundationEssentials
import Glibc
import Logging

/// Writes one line per log event to standard error, as text or as JSON, so the gateway's
/// stderr (journald under systemd) carries worker logs in the same format as its own.
struct WorkerLogHandler: LogHandler {
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
        var merged = self.metadata
        if let extra = event.metadata {
            merged.merge(extra) { _, new in new }
        }
        let line = LogLine.render(
            json: self.json,
            level: event.level,
            label: self.label,
            message: "\(event.message)",
            metadata: merged
        )
        Self.writeToStandardError(line)
    }

    /// One `write(2)` per line (retrying short writes), so lines of different processes on
    /// the same stderr never interleave within a line.
    static func writeToStandardError(_ line: String) {
        var line = line
        line.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(2, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}

/// Renders one log line; shared by text and JSON output.
enum LogLine {
    static func render(json: Bool, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata)
        -> String
    {
        let time = PostgresTimestamp.format(Date())
        if json {
            var writer = JSONWriter()
            writer.beginObject()
            writer.key("time")
            writer.string(time)
            writer.key("level")
            writer.string(level.rawValue)
            writer.key("logger")
            writer.string(label)
            writer.key("message")
            writer.string(message)
            for key in metadata.keys.sorted() {
                writer.key(key)
                writer.string(metadata[key].map { "\($0)" } ?? "")
            }
            writer.endObject()
            return String(decoding: writer.bytes, as: UTF8.self) + "\n"
        }
        let fields = metadata.keys.sorted().map { "\($0)=\(metadata[$0].map { "\($0)" } ?? "")" }.joined(separator: " ")
        return "\(time) \(level.rawValue) \(label): \(message)\(fields.isEmpty ? "" : " " + fields)\n"
    }
}
