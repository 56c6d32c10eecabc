/// A token bucket: `rate` tokens a second, at most `burst` saved up. Pure, so its arithmetic
/// is unit-tested with explicit times.
struct TokenBucket: Sendable {
    let rate: Double
    let burst: Double
    private(set) var tokens: Double
    private(set) var updatedAt: Double

    init(rate: Double, burst: Double, now: Double) {
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.updatedAt = now
    }

    /// Takes one token if there is one. Otherwise returns the seconds until one is available.
    mutating func take(now: Double) -> Double? {
        self.refill(now: now)
        if self.tokens >= 1 {
            self.tokens -= 1
            return nil
        }
        return (1 - self.tokens) / self.rate
    }

    /// Whether the bucket is full again, so it can be forgotten.
    func isFull(now: Double) -> Bool {
        self.tokens + (now - self.updatedAt) * self.rate >= self.burst
    }

    private mutating func refill(now: Double) {
        let elapsed = max(0, now - self.updatedAt)
        self.tokens = min(self.burst, self.tokens + elapsed * self.rate)
        self.updatedAt = now
    }
}
