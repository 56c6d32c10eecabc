import NIOCore
import Protocol

/// Small helpers that run a fresh decoder over literal bytes.
enum DecoderHarness {
    /// Decodes one frame from `bytes`; nil when the bytes are an incomplete frame.
    static func decode<Message: FrameMessage>(
        _ bytes: [UInt8],
        as: Message.Type,
        limits: FrameLimits = .default
    ) throws(ProtocolError) -> Frame<Message>? {
        var decoder = FrameDecoder<Message>(limits: limits)
        var buffer = ByteBuffer(bytes: bytes)
        return try decoder.decodeFrame(buffer: &buffer)
    }

    /// The error decoding `bytes` throws, or nil when it does not throw.
    static func error<Message: FrameMessage>(
        decoding bytes: [UInt8],
        as type: Message.Type,
        limits: FrameLimits = .default
    ) -> ProtocolError? {
        do {
            _ = try self.decode(bytes, as: type, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    /// A frame header for hand-built malformed frames.
    static func header(
        version: UInt8 = 1,
        type: UInt8,
        flags: UInt16 = 0,
        requestID: UInt32 = 0,
        length: UInt32
    ) -> [UInt8] {
        [version, type, UInt8(flags >> 8), UInt8(flags & 0xFF)]
            + [UInt8(requestID >> 24), UInt8((requestID >> 16) & 0xFF), UInt8((requestID >> 8) & 0xFF)]
            + [UInt8(requestID & 0xFF)]
            + [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)]
    }

    /// A frame header followed by `payload`, with the length field matching the payload.
    static func frame(type: UInt8, requestID: UInt32 = 0, payload: [UInt8]) -> [UInt8] {
        self.header(type: type, requestID: requestID, length: UInt32(payload.count)) + payload
    }
}
