import NIOCore

/// One answered request, as the access log and the metrics see it.
struct CompletedRequest: Sendable {
    var requestID: String
    var method: String
    /// The request target; only its path (no query string) is ever logged.
    var path: String
    var status: Int
    var bytes: Int
    /// From the request head arriving to the response being written.
    var duration: TimeAmount
    var client: String
    var trace: ResponseTrace

    /// The path without the query string: queries may carry personal data.
    var pathWithoutQuery: Substring {
        self.path[..<(self.path.firstIndex(of: "?") ?? self.path.endIndex)]
    }
}
