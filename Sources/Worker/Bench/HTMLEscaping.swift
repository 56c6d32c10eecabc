/// Escapes text for an HTML element body or a quoted attribute value, as the TechEmpower
/// fortunes test requires: `&`, `<`, `>`, `"` and `'` become character references; every
/// other byte, including multi-byte UTF-8, is copied unchanged.
enum HTMLEscaping {
    static func append(_ text: String, to bytes: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"):
                bytes.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"):
                bytes.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"):
                bytes.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""):
                bytes.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"):
                bytes.append(contentsOf: "&#39;".utf8)
            default:
                bytes.append(byte)
            }
        }
    }

    static func escape(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        self.append(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
