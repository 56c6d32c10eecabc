import CRookerySystem
import NIOConcurrencyHelpers

/// X-Request-Id handling: keep a client's id when it is sane, otherwise make one.
enum RequestIDs {
    /// Longest client-supplied id kept.
    static let maxLength = 128

    /// Whether a client's id may be passed on: 1–128 characters of `[A-Za-z0-9._:-]`, so it
    /// cannot break a log line or a header.
    static func isAcceptable(_ id: String) -> Bool {
        guard !id.isEmpty, id.utf8.count <= maxLength else { return false }
        return id.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "-"), UInt8(ascii: ":"):
                return true
            default:
                return false
            }
        }
    }

    /// A new random id: 32 lowercase hex digits (128 bits from the kernel's CSPRNG). Also the
    /// write key of a request (`Rookery-Write-Key`), so it must never repeat.
    static func generate() -> String {
        let (high, low) = self.randomness.withLockedValue { $0.next128() }
        return String(unsafeUninitializedCapacity: 32) { text in
            for index in 0..<16 {
                text[index] = Self.hexDigit(high >> (60 - 4 * UInt64(index)))
                text[16 + index] = Self.hexDigit(low >> (60 - 4 * UInt64(index)))
            }
            return 32
        }
    }

    private static func hexDigit(_ value: UInt64) -> UInt8 {
        let nibble = UInt8(truncatingIfNeeded: value & 0xf)
        return nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    /// Kernel randomness fetched 256 bytes at a time: one getrandom(2) per 16 ids instead of
    /// two per id, on a path every request takes.
    private static let randomness = NIOLockedValueBox(RandomPool())
}

/// Bytes from getrandom(2), handed out 16 at a time; refilled when used up.
struct RandomPool {
    private var words = [UInt64](repeating: 0, count: 32)
    private var next = 32

    mutating func next128() -> (UInt64, UInt64) {
        if self.next + 2 > self.words.count {
            self.refill()
        }
        defer { self.next += 2 }
        return (self.words[self.next], self.words[self.next + 1])
    }

    private mutating func refill() {
        let filled = self.words.withUnsafeMutableBytes { raw in
            rookery_random_bytes(raw.baseAddress, raw.count)
        }
        if filled != self.words.count * 8 {
            // getrandom(2) only falls short before the kernel's pool is seeded or on a signal;
            // the standard library's generator (also getrandom, retrying) fills the gap.
            var generator = SystemRandomNumberGenerator()
            for index in self.words.indices {
                self.words[index] = generator.next()
            }
        }
        self.next = 0
    }
}
