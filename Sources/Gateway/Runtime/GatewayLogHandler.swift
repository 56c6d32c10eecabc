import Foundation
import Logging

/// One line per event on standard error, as text or JSON (`--log-format`).
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
        var fields: [String: String] = [:]
        for (key, value) in self.metadata { fields[key] = "\(value)" }
        for (key, value) in event.metadata ?? [:] { fields[key] = "\(value)" }
        let time = ISO8601DateFormatter.string(
            from: Date(),
            timeZone: TimeZone(identifier: "UTC") ?? .current,
            formatOptions: [.withInternetDateTime, .withFractionalSeconds]
        )
        let line: String
        if self.json {
            var object: [String: String] = fields
            object["time"] = time
            object["level"] = event.level.rawValue
            object["logger"] = self.label
            object["message"] = "\(event.message)"
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
            line = String(decoding: data, as: UTF8.self) + "\n"
        } else {
            let extra = fields.keys.sorted().map { "\($0)=\(fields[$0] ?? "")" }.joined(separator: " ")
            line =
                "\(time) \(event.level.rawValue) \(self.label): \(event.message)\(extra.isEmpty ? "" : " " + extra)\n"
        }
        FileHandle.standardError.write(Data(line.utf8))
    }
}
