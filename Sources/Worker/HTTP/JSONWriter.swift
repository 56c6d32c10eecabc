/// A small streaming JSON writer that appends UTF-8 bytes directly, with correct escaping.
///
/// Used on hot paths where building Foundation objects first would only cost time.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    /// Whether the next value in the current container needs a leading comma.
    private var needsComma = false
    /// `needsComma` of each enclosing container, innermost last: touched only when a container
    /// begins or ends, not for every value.
    private var enclosingNeedsComma: [Bool] = []

    init(capacity: Int = 256) {
        self.bytes.reserveCapacity(capacity)
    }

    mutating func beginObject() {
        self.begin(UInt8(ascii: "{"))
    }

    mutating func endObject() {
        self.end(UInt8(ascii: "}"))
    }

    mutating func beginArray() {
        self.begin(UInt8(ascii: "["))
    }

    mutating func endArray() {
        self.end(UInt8(ascii: "]"))
    }

    private mutating func begin(_ bracket: UInt8) {
        self.separate()
        self.bytes.append(bracket)
        self.enclosingNeedsComma.append(self.needsComma)
        self.needsComma = false
    }

    /// Closes the innermost container. An unbalanced end (a bug in the caller) writes the
    /// bracket and keeps going rather than trapping.
    private mutating func end(_ bracket: UInt8) {
        self.bytes.append(bracket)
        self.needsComma = self.enclosingNeedsComma.popLast() ?? true
    }

    /// Writes an object key; the next call writes its value.
    mutating func key(_ name: String) {
        self.separate()
        self.appendQuoted(name)
        self.bytes.append(UInt8(ascii: ":"))
        self.needsComma = false
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
        if self.needsComma {
            self.bytes.append(UInt8(ascii: ","))
        }
        self.needsComma = true
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
