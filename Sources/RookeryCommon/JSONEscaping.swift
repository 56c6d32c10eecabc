/// JSON string escaping, the one copy the API's responses and both processes' log lines use.
///
/// Escapes what RFC 8259 requires — quote, backslash and the control characters below 0x20 —
/// and copies every other byte, so valid UTF-8 stays valid UTF-8.
public enum JSONEscaping {
    /// Appends `value` as a quoted JSON string.
    public static func appendQuoted(_ value: String, to bytes: inout [UInt8]) {
        var value = value
        value.withUTF8 { self.appendQuoted($0, to: &bytes) }
    }

    /// Appends UTF-8 `value` as a quoted JSON string. Most strings need no escape: they are
    /// copied in one go.
    public static func appendQuoted(_ value: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        if Self.needsNoEscape(value) {
            bytes.append(contentsOf: value)
        } else {
            self.appendEscaped(value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends UTF-8 text as the inside of a JSON string (no quotes around it).
    public static func appendEscaped(_ utf8: some Sequence<UInt8>, to bytes: inout [UInt8]) {
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(byte)
            case UInt8(ascii: "\n"):
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"):
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"):
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0x0F)])
            default:
                bytes.append(byte)
            }
        }
    }

    /// Whether `value` has no quote, backslash or control character. Eight bytes at a time
    /// (the scan runs over every byte of every list page): a word has a byte below 0x20 exactly
    /// when `(w - 0x20…20) & ~w & 0x80…80` is non-zero, and a byte equal to `b` exactly when
    /// `w ^ b…b` has a zero byte (the same test with 0x01).
    public static func needsNoEscape(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
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

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
