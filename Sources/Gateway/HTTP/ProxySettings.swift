import NIOCore

/// Per-connection settings of the public HTTP listener, shared by every connection.
struct ProxySettings: Sendable {
    var maxBodySize: Int
    /// Access-Control-Allow-Origin on responses the gateway makes itself.
    var corsOrigin: String
    var limits: ConnectionLimits
    /// Per-client-IP limit on every request; nil when off.
    var rateLimiter: RateLimiter?
    /// Stricter per-client-IP limit on registration and login; nil when off.
    var authRateLimiter: RateLimiter?
    /// Strict-Transport-Security value when TLS is on.
    var strictTransportSecurity: String?
}
