import ArgumentParser
import Foundation

/// The gateway's protective limits and rate limits, each with an environment fallback.
/// Defaults are documented in docs/security.md.
struct LimitOptions: ParsableArguments {
    @Option(
        name: .customLong("max-header-bytes"),
        help:
            "Largest request line plus headers in bytes; larger gets 431. (env: MAX_HEADER_BYTES, default: 32768, at most 81920)"
    )
    var maxHeaderBytes: String?

    @Option(
        name: .customLong("max-headers"),
        help: "Most header fields in a request; more gets 431. (env: MAX_HEADERS, default: 100, at most 127)"
    )
    var maxHeaders: String?

    @Option(
        name: .customLong("header-timeout"),
        help:
            "Seconds a client gets to send a complete request head once it started; then 408 and close (slowloris). (env: HEADER_TIMEOUT, default: 10)"
    )
    var headerTimeout: String?

    @Option(
        name: .customLong("body-timeout"),
        help:
            "Seconds a client gets to send the whole body after the head; then 408 and close. (env: BODY_TIMEOUT, default: 30)"
    )
    var bodyTimeout: String?

    @Option(
        name: .customLong("keepalive-timeout"),
        help: "Seconds an idle keep-alive connection stays open between requests. (env: KEEPALIVE_TIMEOUT, default: 60)"
    )
    var keepAliveTimeout: String?

    @Option(
        name: .customLong("max-connections"),
        help: "Most open client connections; more are closed at once. (env: MAX_CONNECTIONS, default: 10000)"
    )
    var maxConnections: String?

    @Option(
        name: .customLong("max-pipelined"),
        help:
            "Most requests a client may pipeline ahead of its responses; more closes the connection. (env: MAX_PIPELINED, default: 16)"
    )
    var maxPipelined: String?

    @Option(
        name: .customLong("rate-limit"),
        help:
            "Requests per second per client IP (token bucket, burst = 2 × rate); 0 = off. Over it: 429. (env: RATE_LIMIT, default: 0)"
    )
    var rateLimit: String?

    @Option(
        name: .customLong("auth-rate-limit"),
        help:
            "Requests per second per client IP to POST /api/users and /api/users/login (burst = 2 × rate); 0 = off. (env: AUTH_RATE_LIMIT, default: 20)"
    )
    var authRateLimit: String?

    @Option(
        name: .customLong("trusted-proxy"),
        help:
            "Address or CIDR range (10.0.0.0/8, fd00::/8) of reverse proxies whose X-Forwarded-For is believed; repeat for several. (env: TRUSTED_PROXIES, comma-separated; default: none)"
    )
    var trustedProxies: [String] = []

    @Option(
        name: .customLong("tls-cert"),
        help:
            "PEM certificate chain: serve HTTPS (TLS 1.2+, with HSTS) instead of HTTP. Needs --tls-key. (env: TLS_CERT)"
    )
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key for --tls-cert. (env: TLS_KEY)")
    var tlsKey: String?
}

/// Validated limits, shared by every connection.
struct ConnectionLimits: Sendable {
    var maxHeaderBytes: Int
    var maxHeaders: Int
    var headerTimeout: Double
    var bodyTimeout: Double
    var keepAliveTimeout: Double
    var maxConnections: Int
    var maxPipelined: Int
    var rateLimit: Double
    var authRateLimit: Double
    var trustedProxies: TrustedProxies
    /// Certificate chain and key files when TLS is on.
    var tls: (certificate: String, key: String)?
}

extension LimitOptions {
    func resolve(environment: [String: String]) throws -> ConnectionLimits {
        let options = OptionResolver(environment: environment)
        func number(
            _ flag: String?,
            _ variable: String,
            name: String,
            default fallback: Double,
            range: ClosedRange<Double>
        )
            throws -> Double
        { try options.number(flag, variable, name: name, default: fallback, range: range) }
        var proxies = self.trustedProxies
        if self.trustedProxies.isEmpty, let list = environment["TRUSTED_PROXIES"] {
            proxies = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        return ConnectionLimits(
            maxHeaderBytes: Int(
                try number(
                    self.maxHeaderBytes,
                    "MAX_HEADER_BYTES",
                    name: "max-header-bytes",
                    default: 32768,
                    range: 1024...81920
                )
            ),
            maxHeaders: Int(
                try number(self.maxHeaders, "MAX_HEADERS", name: "max-headers", default: 100, range: 1...127)
            ),
            headerTimeout: try number(
                self.headerTimeout,
                "HEADER_TIMEOUT",
                name: "header-timeout",
                default: 10,
                range: 0.1...3600
            ),
            bodyTimeout: try number(
                self.bodyTimeout,
                "BODY_TIMEOUT",
                name: "body-timeout",
                default: 30,
                range: 0.1...3600
            ),
            keepAliveTimeout: try number(
                self.keepAliveTimeout,
                "KEEPALIVE_TIMEOUT",
                name: "keepalive-timeout",
                default: 60,
                range: 0.1...86400
            ),
            maxConnections: Int(
                try number(
                    self.maxConnections,
                    "MAX_CONNECTIONS",
                    name: "max-connections",
                    default: 10000,
                    range: 1...1_000_000
                )
            ),
            maxPipelined: Int(
                try number(self.maxPipelined, "MAX_PIPELINED", name: "max-pipelined", default: 16, range: 1...1024)
            ),
            rateLimit: try number(self.rateLimit, "RATE_LIMIT", name: "rate-limit", default: 0, range: 0...1_000_000),
            authRateLimit: try number(
                self.authRateLimit,
                "AUTH_RATE_LIMIT",
                name: "auth-rate-limit",
                default: 20,
                range: 0...1_000_000
            ),
            trustedProxies: try TrustedProxies(parsing: proxies),
            tls: try self.resolveTLS(environment: environment)
        )
    }

    private func resolveTLS(environment: [String: String]) throws -> (certificate: String, key: String)? {
        let options = OptionResolver(environment: environment)
        let certificate = options.text(self.tlsCertificate, "TLS_CERT")
        let key = options.text(self.tlsKey, "TLS_KEY")
        switch (certificate, key) {
        case (nil, nil):
            return nil
        case (let certificate?, let key?):
            return (certificate, key)
        default:
            throw GatewayConfigurationError("--tls-cert and --tls-key must be given together")
        }
    }
}
