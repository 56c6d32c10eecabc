import Foundation

/// The client's address for rate limits and logs: the peer, unless the peer is a trusted
/// proxy, in which case the nearest untrusted address in X-Forwarded-For.
enum ClientAddress {
    static func resolve(peer: String, forwardedFor: [String], trustedProxies: TrustedProxies) -> String {
        guard trustedProxies.contains(peer), !forwardedFor.isEmpty else { return peer }
        // X-Forwarded-For lists client, proxy1, proxy2…; each proxy appends its peer. Walk from
        // the right, skipping our own trusted proxies; the first other entry is the client.
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        for hop in hops.reversed() where !trustedProxies.contains(hop) {
            return hop
        }
        return hops.first ?? peer
    }
}
