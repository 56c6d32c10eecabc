import NIOCore
import Protocol

/// A complete response produced by a handler.
struct HTTPResponse {
    var status: Int
    var headers: [HeaderField]
    var body: ByteBuffer
    /// The route template that produced the response, reported to the gateway for metrics
    /// and the access log (`unmatched` for 404/405, `preflight` for CORS preflights).
    var route = "unmatched"
    /// Set on responses that carry a freshly signed token for this user: the write ledger then
    /// records the user id instead of the body, and a replay renders the user with a new token,
    /// so no token is ever stored.
    var replayUserID: Int64?

    init(status: Int, headers: [HeaderField] = [], body: ByteBuffer = ByteBuffer()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    static let jsonContentType = "application/json; charset=utf-8"

    /// A JSON response from pre-encoded bytes.
    static func json(status: Int = 200, bytes: [UInt8]) -> HTTPResponse {
        HTTPResponse(
            status: status,
            headers: [HeaderField(name: "Content-Type", value: jsonContentType)],
            body: ByteBuffer(bytes: bytes)
        )
    }

    /// 204 No Content.
    static func noContent() -> HTTPResponse {
        HTTPResponse(status: 204)
    }
}
