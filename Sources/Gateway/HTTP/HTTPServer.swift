import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// Binds the public HTTP listener: HTTP/1.1 with keep-alive, pipelining and error handling
/// from NIO, then `HTTPProxyHandler`.
enum HTTPServer {
    static func bind(
        host: String,
        port: Int,
        group: any EventLoopGroup,
        boundSocket: CInt? = nil,
        corsOrigin: String,
        connections: ConnectionRegistry,
        makeHandler: @escaping @Sendable () -> HTTPProxyHandler
    ) -> EventLoopFuture<any Channel> {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withPipeliningAssistance: true,
                        withErrorHandling: false
                    )
                    try channel.pipeline.syncOperations.addHandler(HTTPProtocolErrorResponder(corsOrigin: corsOrigin))
                    try channel.pipeline.syncOperations.addHandler(makeHandler())
                    connections.add(channel)
                }
            }
        if let boundSocket {
            return bootstrap.withBoundSocket(boundSocket)
        }
        return bootstrap.bind(host: host, port: port)
    }
}

/// The open client connections, so shutdown can ask each to finish and close.
final class ConnectionRegistry: Sendable {
    private let channels = NIOLockedValueBox<[ObjectIdentifier: any Channel]>([:])

    func add(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        self.channels.withLockedValue { $0[key] = channel }
        channel.closeFuture.whenComplete { _ in
            self.channels.withLockedValue { _ = $0.removeValue(forKey: key) }
        }
    }

    /// Asks every connection to quiesce: idle ones close now, busy ones after their response
    /// (with `Connection: close`), handled by NIO's `HTTPServerPipelineHandler`.
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
