import NIOHTTP1

/// What the gateway decides about a request from its head alone, before any body byte: refuse
/// it (431 or 413, and the connection closes), answer 429 once its body has been skipped, or
/// take it. The size checks come first, so a refused request spends no rate-limit token.
enum RequestAdmission {
    case accept
    case refuse(GatewayError)
    /// Over a per-client rate limit; retry after this many seconds.
    case rateLimited(retryAfter: Double)

    static func check(_ head: HTTPRequestHead, client: String, settings: ProxySettings) -> RequestAdmission {
        let limits = settings.limits
        if head.headers.count > limits.maxHeaders {
            return .refuse(.tooManyHeaders(limit: limits.maxHeaders))
        }
        if self.headBytes(head) > limits.maxHeaderBytes {
            return .refuse(.headersTooLarge)
        }
        if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > settings.maxBodySize {
            return .refuse(.bodyTooLarge)
        }
        if let wait = self.rateLimitWait(head, client: client, settings: settings) {
            return .rateLimited(retryAfter: wait)
        }
        return .accept
    }

    /// Request line plus header fields, as the client sent them (near enough: ": " and CRLF).
    static func headBytes(_ head: HTTPRequestHead) -> Int {
        var total = head.method.rawValue.utf8.count + head.uri.utf8.count + 11
        for (name, value) in head.headers {
            total += name.utf8.count + value.utf8.count + 4
        }
        return total
    }

    /// Seconds to wait when the client is over a rate limit (the stricter one for registration
    /// and login), else nil.
    private static func rateLimitWait(_ head: HTTPRequestHead, client: String, settings: ProxySettings) -> Double? {
        if let limiter = settings.rateLimiter, let wait = limiter.check(client: client) {
            return wait
        }
        if head.method == .POST, let limiter = settings.authRateLimiter {
            let path = head.uri.split(separator: "?", maxSplits: 1).first ?? ""
            if path == "/api/users" || path == "/api/users/login" {
                return limiter.check(client: client)
            }
        }
        return nil
    }
}
