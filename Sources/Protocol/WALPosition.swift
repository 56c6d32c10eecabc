/// A PostgreSQL WAL position (LSN) as `pg_current_wal_lsn()` prints it, `16/B374D848`: two
/// hexadecimal halves of a 64-bit byte position. Ordered, so "has the replica replayed past
/// this write" is a comparison.
public struct WALPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var value: UInt64

    public init(value: UInt64) {
        self.value = value
    }

    /// Parses `X/Y` (1–8 hex digits each); nil for anything else.
    public init?(_ text: String) {
        let halves = text.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2, (1...8).contains(halves[0].count), (1...8).contains(halves[1].count),
            let high = UInt64(halves[0], radix: 16), let low = UInt64(halves[1], radix: 16),
            halves.allSatisfy({ $0.allSatisfy(\.isHexDigit) })
        else {
            return nil
        }
        self.value = high << 32 | low
    }

    public var description: String {
        String(self.value >> 32, radix: 16, uppercase: true) + "/"
            + String(self.value & 0xFFFF_FFFF, radix: 16, uppercase: true)
    }

    public static func < (lhs: WALPosition, rhs: WALPosition) -> Bool {
        lhs.value < rhs.value
    }
}
