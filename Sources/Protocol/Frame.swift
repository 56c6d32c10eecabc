public import NIOCore

/// A message type that can decode itself from one frame's payload.
public protocol FrameMessage: Sendable {
    /// Decodes the payload of a frame of the given type. Leftover bytes are an error.
    static func decode(type: UInt8, payload: ByteBuffer, limits: FrameLimits) throws(ProtocolError) -> Self
    /// Whether `type` names a message of this direction; checked as soon as a header arrives.
    static func isKnownType(_ type: UInt8) -> Bool
}

/// One decoded frame: the request it belongs to and its message.
public struct Frame<Message: FrameMessage>: Sendable {
    /// Zero for frames that belong to no request (hello, ping, pong, drain).
    public var requestID: UInt32
    public var message: Message

    public init(requestID: UInt32, message: Message) {
        self.requestID = requestID
        self.message = message
    }
}

extension Frame: Equatable where Message: Equatable {}
extension Frame: Hashable where Message: Hashable {}
