/// One HTTP header field as carried in request and response heads, in the order received.
public struct HeaderField: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

extension Array where Element == HeaderField {
    /// The first value of the named header, compared case-insensitively.
    public func first(named name: String) -> String? {
        for field in self where field.name.caseInsensitiveEquals(name) {
            return field.value
        }
        return nil
    }
}

extension String {
    /// ASCII case-insensitive comparison, enough for header names and tokens.
    public func caseInsensitiveEquals(_ other: String) -> Bool {
        let lhs = self.utf8
        let rhs = other.utf8
        guard lhs.count == rhs.count else { return false }
        // Header names are compared several times per request: over the contiguous bytes when
        // both strings have them (native and small strings do), which a UTF-8 view iterator
        // cannot match.
        let contiguous = lhs.withContiguousStorageIfAvailable { a in
            rhs.withContiguousStorageIfAvailable { b in Self.equalIgnoringASCIICase(a, b) }
        }
        if let contiguous, let equal = contiguous {
            return equal
        }
        for (a, b) in zip(lhs, rhs) where a != b {
            if Self.lowercased(a) != Self.lowercased(b) { return false }
        }
        return true
    }

    private static func equalIgnoringASCIICase(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool
    {
        for index in 0..<a.count where a[index] != b[index] {
            if Self.lowercased(a[index]) != Self.lowercased(b[index]) { return false }
        }
        return true
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (byte >= 65 && byte <= 90) ? byte + 32 : byte
    }
}
