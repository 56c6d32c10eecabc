import NIOCore
import Protocol

/// Adapts the single-step `FrameDecoder` to `ByteToMessageDecoder`, which is what
/// `ByteToMessageDecoderVerifier` drives. Test-only: production code wraps the decoder in
/// `ByteToMessageHandler` directly.
struct FrameToMessageDecoder<Message: FrameMessage & Equatable>: ByteToMessageDecoder {
    typealias InboundOut = Frame<Message>

    var decoder = FrameDecoder<Message>()

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try self.decoder.decode(buffer: &buffer) else {
            return .needMoreData
        }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        guard let frame = try self.decoder.decodeLast(buffer: &buffer, seenEOF: seenEOF) else {
            return .needMoreData
        }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }
}
