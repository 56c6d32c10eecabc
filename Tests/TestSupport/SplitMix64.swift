/// A tiny deterministic random generator (Steele, Lea and Flood's SplitMix64): the same seed
/// gives the same sequence on every platform and Swift version, so a failing fuzz run can be
/// replayed from the seed it printed. The one copy every test target uses.
///
/// The helpers below are written out instead of using `Int.random(in:using:)`, whose way of
/// consuming the generator is not a documented contract (the codec fuzz tests use the standard
/// library's methods all the same: their seeds only need to repeat on one toolchain).
public struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) {
        self.state = seed
    }

    public mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// 0 ..< bound (bound > 0); the modulo bias is irrelevant for fuzzing.
    public mutating func below(_ bound: Int) -> Int {
        Int(self.next() % UInt64(max(bound, 1)))
    }

    /// lower ... upper.
    public mutating func between(_ lower: Int, _ upper: Int) -> Int {
        lower + self.below(upper - lower + 1)
    }

    /// True with probability `percent`/100.
    public mutating func chance(_ percent: Int) -> Bool {
        self.below(100) < percent
    }

    public mutating func pick<Element>(_ elements: [Element]) -> Element {
        elements[self.below(elements.count)]
    }

    /// Picks by weight: `[(weight, value)]`.
    public mutating func weighted<Element>(_ choices: [(Int, Element)]) -> Element {
        var roll = self.below(choices.reduce(0) { $0 + $1.0 })
        for (weight, value) in choices {
            if roll < weight { return value }
            roll -= weight
        }
        return choices[choices.count - 1].1
    }

    public mutating func byte() -> UInt8 {
        UInt8(truncatingIfNeeded: self.next())
    }

    public mutating func bytes(count: Int) -> [UInt8] {
        (0..<count).map { _ in self.byte() }
    }
}
