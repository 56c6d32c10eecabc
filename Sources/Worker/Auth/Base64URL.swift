import FoundationEssentials

/// Base64url without padding (RFC 4648 §5, as JWS uses it), strict in both directions.
///
/// Decoding accepts only the canonical form: the url-safe alphabet, no `=`, no whitespace, and
/// no stray bits in the last character. A token therefore has exactly one spelling, so two
/// different strings can never carry the same signature.
enum Base64URL {
    static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let standard = Data(bytes).base64EncodedString()
        var text = ""
        text.reserveCapacity(standard.utf8.count)
        for character in standard.unicodeScalars {
            switch character {
            case "+": text.unicodeScalars.append("-")
            case "/": text.unicodeScalars.append("_")
            case "=": continue
            default: text.unicodeScalars.append(character)
            }
        }
        return text
    }

    static func encode(_ string: String) -> String {
        self.encode(Array(string.utf8))
    }

    /// The decoded bytes, or `nil` for anything that is not canonical unpadded base64url.
    static func decode(_ text: Substring) -> [UInt8]? {
        var standard = ""
        standard.reserveCapacity(text.utf8.count + 3)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                standard.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "-"):
                standard.append("+")
            case UInt8(ascii: "_"):
                standard.append("/")
            default:
                return nil
            }
        }
        // A remainder of one character cannot encode a whole byte.
        let remainder = standard.utf8.count % 4
        guard remainder != 1 else { return nil }
        if remainder > 0 {
            standard += String(repeating: "=", count: 4 - remainder)
        }
        guard let data = Data(base64Encoded: standard) else { return nil }
        let bytes = Array(data)
        // Rejects non-zero padding bits ("AB" and "AC" would otherwise both decode to 0x00).
        guard self.encode(bytes).utf8.elementsEqual(text.utf8) else { return nil }
        return bytes
    }

    static func decode(_ text: String) -> [UInt8]? {
        self.decode(text[...])
    }
}
