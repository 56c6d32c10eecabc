/// Payloads of tokens whose header and signature already checked out, by the exact token text.
///
/// A client sends the same token with every request, and verifying it (three base64url
/// decodes, two JSON decodes, an HMAC) is a large share of a short read's CPU. A hit skips
/// only the parts that cannot change for the same text (header and signature); the time and
/// subject checks still run on every use, so an expired token is refused as before. Only
/// authentic tokens get in, and the cache is bounded: when full it starts over.
///
/// One per worker process; the worker serves one request at a time on one thread.
final class VerifiedTokenCache {
    private var payloads: [String: JWTPayload] = [:]
    let capacity: Int

    init(capacity: Int = 1024) {
        self.capacity = capacity
    }

    func payload(for token: String) -> JWTPayload? {
        self.payloads[token]
    }

    func remember(_ payload: JWTPayload, for token: String) {
        if self.payloads.count >= self.capacity {
            self.payloads.removeAll(keepingCapacity: true)
        }
        self.payloads[token] = payload
    }

    var count: Int { self.payloads.count }
}
