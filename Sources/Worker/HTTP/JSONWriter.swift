/// A small streaming JSON writer that appends UTF-8 bytes directly, with correct escaping.
///
/// Used on hot paths where building Foundation objects first would only cost time.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// Whether the next value in the current container needs a leading comma.
    private var needsComma: [Bool] = [false]

    init(capacity: Int = 256) {
        self.bytes.reserveCapacity(capacity)
    }

    mutating func beginObject() {
        self.separate()
        self.bytes.append(UInt8(ascii: "{"))
        self.needsComma.append(false)
    }

    mutating func endObject() {
        self.bytes.append(UInt8(ascii: "}"))
        self.needsComma.removeLast()
    }

    mutating func beginArray() {
        self.separate()
        self.bytes.append(UInt8(ascii: "["))
        self.needsComma.append(false)
    }

    mutating func endArray() {
        self.bytes.append(UInt8(ascii: "]"))
        self.needsComma.removeLast()
    }

    /// Writes an object key; the next call writes its value.
    mutating func key(_ name: String) {
        self.separate()
        self.appendQuoted(name)
        self.bytes.append(UInt8(ascii: ":"))
        self.needsComma[self.needsComma.count - 1] = false
    }

    mutating func string(_ value: String) {
        self.separate()
        self.appendQuoted(value)
    }

    mutating func optionalString(_ value: String?) {
        if let value {
            self.string(value)
        } else {
            self.null()
        }
    }

    mutating func int(_ value: Int) {
        self.separate()
        self.bytes.append(contentsOf: String(value).utf8)
    }

    mutating func bool(_ value: Bool) {
        self.separate()
        self.bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func null() {
        self.separate()
        self.bytes.append(contentsOf: "null".utf8)
    }

    private mutating func separate() {
        let depth = self.needsComma.count - 1
        if self.needsComma[depth] {
            self.bytes.append(UInt8(ascii: ","))
        }
        self.needsComma[depth] = true
    }

    /// Writes `utf8` (which must be valid UTF-8, as text from PostgreSQL is) as a JSON string:
    /// for values copied straight out of a database result, with no `String` in between.
    mutating func string(utf8: UnsafeRawBufferPointer) {
        self.separate()
        self.appendQuoted(
            UnsafeBufferPointer(start: utf8.baseAddress?.assumingMemoryBound(to: UInt8.self), count: utf8.count)
        )
    }

    private mutating func appendQuoted(_ value: String) {
        var value = value
        value.withUTF8 { self.appendQuoted($0) }
    }

    /// Whether `value` has no quote, backslash or control character (a plain loop over the
    /// contiguous UTF-8: the generic `contains(where:)` showed up in profiles).
    private static func needsNoEscape(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in value where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            return false
        }
        return true
    }

    private mutating func appendQuoted(_ value: UnsafeBufferPointer<UInt8>) {
        self.bytes.append(UInt8(ascii: "\""))
        // Most strings need no escape: copy them in one go.
        if Self.needsNoEscape(value) {
            self.bytes.append(contentsOf: value)
            self.bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in value {
            switch byte {
            case UInt8(ascii: "\""):
                self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"):
                self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A:
                self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D:
                self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09:
                self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                self.bytes.append(contentsOf: [
                    UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                    hex[Int(byte >> 4)], hex[Int(byte & 0x0F)],
                ])
            default:
                self.bytes.append(byte)
            }
        }
        self.bytes.append(UInt8(ascii: "\""))
    }
}
