/// Parses `Authorization: Token <jwt>` (RealWorld's scheme) and `Bearer <jwt>`.
///
/// Works on the value's UTF-8 bytes: the delimiters are ASCII, and walking a 200-byte token
/// `Character` by `Character` (grapheme breaking) cost about 3 µs on every authenticated request.
enum AuthorizationHeader {
    /// The token, or `nil` when the value does not use one of the two schemes (compared
    /// ASCII-case-insensitively, as RFC 9110 says) with a non-empty credential.
    static func token(from value: String) -> String? {
        let bytes = value.utf8
        guard let first = bytes.firstIndex(where: { !Self.isBlank($0) }),
            let last = bytes.lastIndex(where: { !Self.isBlank($0) })
        else {
            return nil
        }
        let trimmed = bytes[first...last]
        guard let space = trimmed.firstIndex(where: Self.isBlank),
            Self.isScheme(trimmed[..<space], "token") || Self.isScheme(trimmed[..<space], "bearer"),
            let start = trimmed[space...].firstIndex(where: { !Self.isBlank($0) })
        else {
            return nil
        }
        let credential = trimmed[start...]
        guard !credential.contains(where: Self.isBlank) else { return nil }
        return String(decoding: credential, as: UTF8.self)
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    /// Whether `bytes` spell `lowercaseName` in any ASCII case.
    private static func isScheme(_ bytes: Substring.UTF8View, _ lowercaseName: StaticString) -> Bool {
        guard bytes.count == lowercaseName.utf8CodeUnitCount else { return false }
        return lowercaseName.withUTF8Buffer { name in
            zip(bytes, name).allSatisfy { byte, expected in
                let lowered = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
                return lowered == expected
            }
        }
    }
}
