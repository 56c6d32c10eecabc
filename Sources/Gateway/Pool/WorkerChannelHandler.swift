import NIOCore
import Protocol

/// Decoded frames from one worker's socket, handed to the pool.
///
/// Lives on the pool's event loop, like the pool itself, so it calls the pool directly.
final class WorkerChannelHandler: ChannelInboundHandler {
    typealias InboundIn = Frame<WorkerMessage>

    private let pool: WorkerPool
    private let workerID: UInt64

    init(pool: WorkerPool, workerID: UInt64) {
        self.pool = pool
        self.workerID = workerID
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = self.unwrapInboundIn(data)
        self.pool.workerSent(frame, workerID: self.workerID)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.pool.workerDisconnected(workerID: self.workerID, reason: "socket closed")
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A worker that sends an invalid frame is broken; it is stopped and replaced.
        self.pool.workerMisbehaved(workerID: self.workerID, reason: "\(error)")
        context.close(promise: nil)
    }
}
