import NIOCore
import Protocol

/// A complete request as the worker's handlers see it: head, path split from query, body.
struct HTTPRequest {
    var method: String
    /// The path without the query string, still percent-encoded.
    var path: String
    var query: QueryParameters
    var headers: [HeaderField]
    var body: ByteBuffer
    var peerAddress: String
    /// The X-Request-Id the gateway attached (the client's, or a generated one).
    var requestID: String

    init(head: RequestHead, body: ByteBuffer) {
        self.method = head.method
        let target = head.target
        if let mark = target.firstIndex(of: "?") {
            self.path = String(target[..<mark])
            self.query = QueryParameters(String(target[target.index(after: mark)...]))
        } else {
            self.path = target
            self.query = QueryParameters("")
        }
        self.headers = head.headers
        self.body = body
        self.peerAddress = head.peerAddress
        self.requestID = head.headers.first(named: "x-request-id") ?? ""
    }

    func header(_ name: String) -> String? {
        self.headers.first(named: name)
    }
}
