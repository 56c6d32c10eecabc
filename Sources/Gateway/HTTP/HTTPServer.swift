import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Binds the public HTTP listener. Each connection's pipeline, front to back:
/// TLS (when on) → byte activity (deadlines) → NIO's HTTP request decoder → `HTTPProxyHandler`,
/// which answers pipelined requests in order, answers malformed ones, and writes responses as
/// bytes itself (no response encoder).
enum HTTPServer {
    static func bind(
        host: String,
        port: Int,
        group: any EventLoopGroup,
        boundSocket: CInt? = nil,
        settings: ProxySettings,
        tlsContext: NIOSSLContext? = nil,
        connections: ConnectionRegistry,
        makeHandler: @escaping @Sendable (ConnectionDeadlines) -> HTTPProxyHandler
    ) -> EventLoopFuture<any Channel> {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard connections.add(channel, limit: settings.limits.maxConnections) else {
                        channel.close(promise: nil)
                        return
                    }
                    let deadlines = ConnectionDeadlines(eventLoop: channel.eventLoop, limits: settings.limits)
                    let pipeline = channel.pipeline.syncOperations
                    if let tlsContext {
                        try pipeline.addHandler(NIOSSLServerHandler(context: tlsContext))
                    }
                    try pipeline.addHandler(ByteActivityHandler(deadlines: deadlines))
                    try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
                    try pipeline.addHandler(makeHandler(deadlines))
                }
            }
        if let boundSocket {
            return bootstrap.withBoundSocket(boundSocket)
        }
        return bootstrap.bind(host: host, port: port)
    }
}

/// The open client connections, so shutdown can ask each to finish and close, and so the
/// number of connections stays under `--max-connections`.
final class ConnectionRegistry: Sendable {
    private let channels = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])

    /// Registers a new connection; false when the limit is reached (the caller closes it).
    func add(_ channel: any Channel, limit: Int = .max) -> Bool {
        let key = ObjectIdentifier(channel)
        let accepted = self.channels.withLockedValue { channels -> Bool in
            guard channels.count < limit else { return false }
            channels[key] = channel
            return true
        }
        guard accepted else { return false }
        channel.closeFuture.whenComplete { _ in
            self.channels.withLockedValue { _ = $0.removeValue(forKey: key) }
        }
        return true
    }

    /// Asks every connection to quiesce: idle ones close now, busy ones after their response
    /// (with `Connection: close`), handled by `HTTPProxyHandler`.
    func quiesceAll() {
        let all = self.channels.withLockedValue { Array($0.values) }
        for channel in all {
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
    }

    var count: Int {
        self.channels.withLockedValue { $0.count }
    }
}
