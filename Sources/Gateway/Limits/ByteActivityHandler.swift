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

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.deadlines.bytesArrived()
        context.fireChannelRead(data)
    }
}
