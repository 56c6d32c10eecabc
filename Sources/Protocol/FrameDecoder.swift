public import NIOCore

/// Turns bytes into frames of one direction.
///
/// A pure value: `decode(buffer:)` either returns a frame (consuming exactly its bytes),
/// returns nil and leaves the reader index untouched when the frame is incomplete, or throws.
/// The payload length is checked against the limit before a single payload byte is read,
/// so a hostile peer cannot make the decoder buffer more than one maximal frame.
public struct FrameDecoder<Message: FrameMessage>: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = Frame<Message>

    public let limits: FrameLimits

    public init(limits: FrameLimits = .default) {
        self.limits = limits
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> Frame<Message>? {
        try self.decodeFrame(buffer: &buffer)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> Frame<Message>? {
        if let frame = try self.decodeFrame(buffer: &buffer) {
            return frame
        }
        if seenEOF, buffer.readableBytes > 0 {
            throw ProtocolError.truncatedFrame(bufferedBytes: buffer.readableBytes)
        }
        return nil
    }

    /// The typed-throws core of `decode(buffer:)`.
    public mutating func decodeFrame(buffer: inout ByteBuffer) throws(ProtocolError) -> Frame<Message>? {
        guard let header = buffer.peekFrameHeader() else {
            return nil
        }
        // Validate the header as soon as it is complete, so garbage fails fast.
        guard header.version == FrameHeader.currentVersion else {
            throw .unsupportedVersion(header.version)
        }
        guard Message.isKnownType(header.type) else {
            throw .unknownFrameType(header.type)
        }
        guard header.flags == 0 else {
            throw .unexpectedFlags(header.flags)
        }
        guard header.payloadLength <= self.limits.maxPayloadSize else {
            throw .payloadTooLarge(declared: header.payloadLength, limit: self.limits.maxPayloadSize)
        }
        let total = FrameHeader.size + Int(header.payloadLength)
        guard buffer.readableBytes >= total else {
            return nil
        }
        guard
            let payload = buffer.getSlice(at: buffer.readerIndex + FrameHeader.size, length: Int(header.payloadLength))
        else {
            return nil
        }
        let message = try Message.decode(type: header.type, payload: payload, limits: self.limits)
        buffer.moveReaderIndex(forwardBy: total)
        return Frame(requestID: header.requestID, message: message)
    }
}
