import Logging
import RookeryCommon

/// Writes one line per log event to standard error, as text or as JSON, in the format both
/// processes share (`LogLine`), so the gateway's stderr (journald under systemd) carries worker
/// logs in the same format as its own.
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
            level: event.level.rawValue,
            label: self.label,
            message: "\(event.message)",
            fields: merged.mapValues { "\($0)" }
        )
        StandardError.write(line)
    }
}
