/// The RealWorld error body, `{"errors":{"<field>":["<message>", …]}}`, for the worker's
/// errors and the ones the gateway answers by itself. Fields in name order, so a body is
/// reproducible; field names and messages are escaped.
public enum RealWorldErrorBody {
    public static func encode(_ errors: [String: [String]]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        bytes.append(contentsOf: #"{"errors":{"#.utf8)
        for (index, field) in errors.keys.sorted().enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONEscaping.appendQuoted(field, to: &bytes)
            bytes.append(contentsOf: ":[".utf8)
            for (position, message) in (errors[field] ?? []).enumerated() {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                JSONEscaping.appendQuoted(message, to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        }
        bytes.append(contentsOf: "}}".utf8)
        return bytes
    }

    /// One field with one message, the common case.
    public static func encode(field: String, message: String) -> [UInt8] {
        self.encode([field: [message]])
    }
}
