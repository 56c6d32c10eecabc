import Foundation
import NIOConcurrencyHelpers

/// Per-client-IP token buckets, shared by every connection. Full buckets are forgotten, so
/// memory follows the number of clients currently over-active, not of all clients ever seen.
final class RateLimiter: Sendable {
    private let rate: Double
    private let buckets = NIOLockedValueBox<[String: TokenBucket]>([:])

    /// nil when `rate` is 0 (off).
    init?(rate: Double) {
        guard rate > 0 else { return nil }
        self.rate = rate
    }

    /// nil when the request may go ahead; otherwise seconds to wait (for Retry-After).
    func check(client: String, now: Double = Date().timeIntervalSinceReferenceDate) -> Double? {
        self.buckets.withLockedValue { buckets in
            var bucket = buckets[client] ?? TokenBucket(rate: self.rate, burst: max(1, 2 * self.rate), now: now)
            let wait = bucket.take(now: now)
            buckets[client] = bucket
            if buckets.count > 10_000 {
                buckets = buckets.filter { !$0.value.isFull(now: now) }
            }
            return wait
        }
    }
}
