import Glibc

/// The reverse proxies whose X-Forwarded-For the gateway believes (`--trusted-proxy`): single
/// addresses or CIDR ranges, IPv4 or IPv6, so a fleet of balancers in one subnet is one entry.
///
/// An IPv4 peer seen through a dual-stack socket (`::ffff:10.0.0.1`) matches IPv4 entries too.
struct TrustedProxies: Sendable, Equatable, ExpressibleByArrayLiteral {
    /// One trusted address or range: the first `prefixLength` bits of `address` must match.
    struct Range: Sendable, Equatable {
        /// 4 bytes (IPv4) or 16 bytes (IPv6), network byte order.
        var address: [UInt8]
        var prefixLength: Int

        /// Parses `10.0.0.1`, `10.0.0.0/8`, `fd00::/8`; nil for anything else.
        init?(_ text: String) {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 1 || parts.count == 2, let address = TrustedProxies.parse(String(parts[0])) else {
                return nil
            }
            let maximum = address.count * 8
            var prefixLength = maximum
            if parts.count == 2 {
                guard let length = Int(parts[1]), (0...maximum).contains(length) else { return nil }
                prefixLength = length
            }
            self.address = address
            self.prefixLength = prefixLength
        }

        func contains(_ candidate: [UInt8]) -> Bool {
            guard candidate.count == self.address.count else { return false }
            var remaining = self.prefixLength
            for (byte, expected) in zip(candidate, self.address) where remaining > 0 {
                let bits = min(remaining, 8)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if byte & mask != expected & mask { return false }
                remaining -= bits
            }
            return true
        }
    }

    private(set) var ranges: [Range]

    init(ranges: [Range]) {
        self.ranges = ranges
    }

    /// Parses every entry; the first one that is neither an address nor a CIDR range is thrown.
    init(parsing entries: [String]) throws {
        var ranges: [Range] = []
        for entry in entries {
            guard let range = Range(entry) else {
                throw GatewayConfigurationError(
                    "invalid --trusted-proxy \"\(entry)\": expected an IP address or a CIDR range like 10.0.0.0/8"
                )
            }
            ranges.append(range)
        }
        self.ranges = ranges
    }

    /// For tests and literals: entries that do not parse are left out.
    init(arrayLiteral entries: String...) {
        self.ranges = entries.compactMap(Range.init)
    }

    var isEmpty: Bool { self.ranges.isEmpty }

    /// Whether `address` (as NIO prints a peer, or as an X-Forwarded-For hop) is trusted.
    func contains(_ address: String) -> Bool {
        guard !self.ranges.isEmpty, let bytes = Self.parse(address) else { return false }
        let candidates = [bytes] + (Self.mappedIPv4(bytes).map { [$0] } ?? [])
        return self.ranges.contains { range in candidates.contains { range.contains($0) } }
    }

    static func == (lhs: TrustedProxies, rhs: TrustedProxies) -> Bool {
        Set(lhs.ranges.map(\.description)) == Set(rhs.ranges.map(\.description))
    }

    /// The 4 or 16 bytes of an IPv4 or IPv6 address in text form.
    static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`).
    private static func mappedIPv4(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF else {
            return nil
        }
        return Array(bytes[12..<16])
    }
}

extension TrustedProxies.Range: CustomStringConvertible {
    var description: String {
        "\(self.address.map(String.init).joined(separator: "."))/\(self.prefixLength)"
    }
}
