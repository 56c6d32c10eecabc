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

    /// An object key rendered once (`"name":`), for keys written many times per response.
    struct Key {
        fileprivate let quoted: [UInt8]

        init(_ name: String) {
            var writer = JSONWriter(capacity: name.utf8.count + 3)
            writer.key(name)
            self.quoted = writer.bytes
        }
    }

    /// Writes a pre-rendered object key; the next call writes its value.
    mutating func key(_ key: Key) {
        self.separate()
        self.bytes.append(contentsOf: key.quoted)
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

    /// Whether `value` has no quote, backslash or control character. Eight bytes at a time
    /// (the scan ran over every byte of every list page): a word has a byte below 0x20 exactly
    /// when `(w - 0x20…20) & ~w & 0x80…80` is non-zero, and a byte equal to `b` exactly when
    /// `w ^ b…b` has a zero byte (the same test with 0x01).
    private static func needsNoEscape(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = value.baseAddress else { return true }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        func hasByteBelow(_ limit: UInt64, _ word: UInt64) -> Bool {
            (word &- ones &* limit) & ~word & highBits != 0
        }
        var index = 0
        while index + 8 <= value.count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            if hasByteBelow(0x20, word) || hasByteBelow(1, word ^ (ones &* 0x22))
                || hasByteBelow(1, word ^ (ones &* 0x5C))
            {
                return false
            }
            index += 8
        }
        while index < value.count {
            let byte = base[index]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                return false
            }
            index += 1
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
