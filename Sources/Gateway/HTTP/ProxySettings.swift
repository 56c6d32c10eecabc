import NIOCore

/// Per-connection settings of the public HTTP listener.
struct ProxySettings: Sendable {
    var maxBodySize: Int
    /// Access-Control-Allow-Origin on responses the gateway makes itself.
    var corsOrigin: String
}
