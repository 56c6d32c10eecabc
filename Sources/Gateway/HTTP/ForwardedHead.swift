import NIOHTTP1
import Protocol

extension RequestHead {
    /// The head a worker sees for a client's request: the client's fields minus its
    /// `X-Request-Id` and any internal header (a client cannot forge them), plus the request id
    /// and, for a request that may write, its write-ledger key.
    init(forwarding head: HTTPRequestHead, peerAddress: String, requestID: String, writeKey: String?) {
        var headers: [HeaderField] = []
        headers.reserveCapacity(head.headers.count + 2)
        for (name, value) in head.headers
        where !name.caseInsensitiveEquals("x-request-id") && !InternalHeaders.isInternal(name) {
            headers.append(HeaderField(name: name, value: value))
        }
        headers.append(HeaderField(name: "X-Request-Id", value: requestID))
        if let writeKey {
            headers.append(HeaderField(name: InternalHeaders.writeKey, value: writeKey))
        }
        self.init(method: head.method.rawValue, target: head.uri, peerAddress: peerAddress, headers: headers)
    }
}
