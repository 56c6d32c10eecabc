import NIOCore

/// Sits in front of the HTTP decoder and reports that bytes arrived, so connection deadlines
/// can tell an idle keep-alive connection from a client that started a request and stalls.
final class ByteActivityHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let deadlines: ConnectionDeadlines

    init(deadlines: ConnectionDeadlines) {
        self.deadlines = deadlines
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // Sits before the HTTP codec, so it can answer a request whose head never completed —
        // one NIO's pipelining handler has not seen and must not be asked to answer.
        self.deadlines.sendRawAndClose = { bytes in
            context.writeAndFlush(NIOAny(bytes)).whenComplete { _ in context.close(promise: nil) }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.deadlines.sendRawAndClose = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.deadlines.bytesArrived()
        context.fireChannelRead(data)
    }
}
