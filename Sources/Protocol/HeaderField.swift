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
        for (a, b) in zip(lhs, rhs) where a != b {
            let lowerA = (a >= 65 && a <= 90) ? a + 32 : a
            let lowerB = (b >= 65 && b <= 90) ? b + 32 : b
            if lowerA != lowerB { return false }
        }
        return true
    }
}
