import NIOCore
import NIOHTTP1
import NIOPosix

/// Binds the admin listener, always on 127.0.0.1.
enum AdminServer {
    static func bind(
        port: Int,
        group: any EventLoopGroup,
        pool: WorkerPool,
        health: GatewayHealth = GatewayHealth(),
        metrics: GatewayMetrics,
        boundSocket: CInt? = nil
    ) -> EventLoopFuture<any Channel> {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        AdminHandler(pool: pool, health: health, metrics: metrics)
                    )
                }
            }
        if let boundSocket {
            return bootstrap.withBoundSocket(boundSocket)
        }
        return bootstrap.bind(host: "127.0.0.1", port: port)
    }
}
