/// The one line format of both processes' logs on standard error (`--log-format`), so the
/// gateway's stderr (journald under systemd) reads the same whoever wrote a line:
///
/// - text: `2026-11-29T03:08:09.520Z info rookery.gateway: worker ready slot=0 worker_pid=4243`
/// - JSON: `{"time":"…","level":"info","logger":"rookery.gateway","message":"worker ready",
///   "slot":"0","worker_pid":"4243"}` — every metadata value a string.
///
/// Metadata keys come in name order. The access log writes the same format by a faster path
/// (`AccessLogLine`).
public enum LogLine {
    /// The line, with its trailing newline.
    public static func render(
        json: Bool,
        level: String,
        label: String,
        message: String,
        fields: [String: String]
    ) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        if json {
            bytes.append(contentsOf: #"{"time":""#.utf8)
            UTCTimestamp.appendNow(to: &bytes)
            bytes.append(contentsOf: #"","level":"#.utf8)
            JSONEscaping.appendQuoted(level, to: &bytes)
            bytes.append(contentsOf: #","logger":"#.utf8)
            JSONEscaping.appendQuoted(label, to: &bytes)
            bytes.append(contentsOf: #","message":"#.utf8)
            JSONEscaping.appendQuoted(message, to: &bytes)
            for key in fields.keys.sorted() {
                bytes.append(UInt8(ascii: ","))
                JSONEscaping.appendQuoted(key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                JSONEscaping.appendQuoted(fields[key] ?? "", to: &bytes)
            }
            bytes.append(contentsOf: "}\n".utf8)
        } else {
            UTCTimestamp.appendNow(to: &bytes)
            bytes.append(contentsOf: " \(level) \(label): \(message)".utf8)
            for key in fields.keys.sorted() {
                bytes.append(contentsOf: " \(key)=\(fields[key] ?? "")".utf8)
            }
            bytes.append(UInt8(ascii: "\n"))
        }
        return bytes
    }
}
