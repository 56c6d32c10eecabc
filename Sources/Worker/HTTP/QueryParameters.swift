/// Parsed `application/x-www-form-urlencoded` query parameters, in order.
///
/// Malformed escapes are kept literally rather than rejected: a query string never makes a
/// request fail on its own, the handler decides what a value means.
struct QueryParameters {
    private(set) var pairs: [(name: String, value: String)] = []

    /// At most this many pairs are parsed; the rest is ignored.
    static let maxPairs = 64

    init(_ query: String) {
        guard !query.isEmpty else { return }
        for part in query.split(separator: "&", omittingEmptySubsequences: true).prefix(Self.maxPairs) {
            if let equals = part.firstIndex(of: "=") {
                let name = PercentDecoding.decode(part[..<equals], plusAsSpace: true)
                let value = PercentDecoding.decode(part[part.index(after: equals)...], plusAsSpace: true)
                self.pairs.append((name, value))
            } else {
                self.pairs.append((PercentDecoding.decode(part, plusAsSpace: true), ""))
            }
        }
    }

    /// The first value for `name`, if present.
    subscript(name: String) -> String? {
        self.pairs.first { $0.name == name }?.value
    }
}
