import Logging
import RookeryCommon

/// One line per event on standard error, as text or JSON (`--log-format`), in the format both
/// processes share (`LogLine`).
///
/// Each line is one `write(2)` through `StandardError`, which keeps lines from different
/// threads whole. The access log, a line per request, takes a faster path to the same format
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
        StandardError.write(self.line(for: event))
    }

    /// The formatted line for `event`, with its trailing newline (`LogLine`).
    func line(for event: LogEvent) -> [UInt8] {
        var fields = self.metadata
        if let extra = event.metadata {
            fields.merge(extra) { _, new in new }
        }
        return LogLine.render(
            json: self.json,
            level: event.level.rawValue,
            label: self.label,
            message: "\(event.message)",
            fields: fields.mapValues { "\($0)" }
        )
    }
}
