import NIOCore
import NIOHTTP1

/// Closes a connection that pipelines more than `limit` requests ahead of its responses.
///
/// Sits between the HTTP decoder and NIO's pipelining handler, which would otherwise buffer
/// every decoded request of a flood in memory.
final class PipelineLimitHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let limit: Int
    private var outstanding = 0

    init(limit: Int) {
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = self.unwrapInboundIn(data) {
            self.outstanding += 1
            if self.outstanding > self.limit {
                context.close(promise: nil)
                return
            }
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = self.unwrapOutboundIn(data) {
            self.outstanding = max(0, self.outstanding - 1)
        }
        context.write(data, promise: promise)
    }
}
