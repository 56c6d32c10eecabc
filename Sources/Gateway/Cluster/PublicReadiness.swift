import NIOCore
import Protocol

/// `GET`/`HEAD /readyz` on the public HTTP port, answered by the gateway itself and never
/// forwarded to a worker, so a load balancer on another host can check this host without the
/// admin listener (and its /status and /metrics) being reachable from outside.
///
/// The answer is one word (`ready`, `read-only`, `draining`, `not ready`) with 200 or 503; the
/// reasons stay on the admin listener. docs/security.md explains the choice.
enum PublicReadiness {
    static let path = "/readyz"

    /// Whether `head` is the readiness probe (query string ignored).
    static func isProbe(_ head: RequestHead) -> Bool {
        guard head.method == "GET" || head.method == "HEAD" else { return false }
        let target = head.target.utf8
        let pathEnd = target.firstIndex(of: UInt8(ascii: "?")) ?? target.endIndex
        return target[target.startIndex..<pathEnd].elementsEqual(Self.path.utf8)
    }

    /// The response for `readiness`: plain text, never cached.
    static func response(_ readiness: Readiness) -> GatewayResponse {
        let head = ResponseHead(
            status: UInt16(readiness.statusCode),
            headers: [
                HeaderField(name: "Content-Type", value: "text/plain; charset=utf-8"),
                HeaderField(name: "Cache-Control", value: "no-store"),
            ]
        )
        return .worker(head, ByteBuffer(string: readiness.publicBody))
    }
}
