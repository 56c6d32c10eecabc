public import NIOCore

/// A request head as the gateway forwards it to a worker.
public struct RequestHead: Sendable, Hashable {
    public var method: String
    /// The request target exactly as the client sent it (path and query).
    public var target: String
    /// The client's address, as text, for logs and rate limits.
    public var peerAddress: String
    public var headers: [HeaderField]

    public init(method: String, target: String, peerAddress: String, headers: [HeaderField]) {
        self.method = method
        self.target = target
        self.peerAddress = peerAddress
        self.headers = headers
    }
}

/// Messages the gateway sends to a worker.
public enum GatewayMessage: Sendable, Hashable {
    /// Starts a request. Body frames and one end frame with the same request id follow.
    case requestHead(RequestHead)
    /// A piece of the request body.
    case requestBody(ByteBuffer)
    /// The request is complete; the worker may now run it.
    case requestEnd
    /// Liveness probe; the worker answers with a pong carrying the same nonce.
    case ping(nonce: UInt64)
    /// Finish the current request, if any, then exit cleanly.
    case drain

    /// Type ids on the wire. Gateway-to-worker types are below 0x80.
    public enum TypeID: UInt8, Sendable {
        case requestHead = 0x01
        case requestBody = 0x02
        case requestEnd = 0x03
        case ping = 0x04
        case drain = 0x05
    }

    public var typeID: TypeID {
        switch self {
        case .requestHead: return .requestHead
        case .requestBody: return .requestBody
        case .requestEnd: return .requestEnd
        case .ping: return .ping
        case .drain: return .drain
        }
    }
}

extension GatewayMessage: FrameMessage {
    public static func isKnownType(_ type: UInt8) -> Bool {
        TypeID(rawValue: type) != nil
    }

    public static func decode(
        type: UInt8,
        payload: ByteBuffer,
        limits: FrameLimits
    ) throws(ProtocolError) -> GatewayMessage {
        guard let typeID = TypeID(rawValue: type) else {
            throw .unknownFrameType(type)
        }
        var reader = PayloadReader(buffer: payload, frameType: type, limits: limits)
        let message: GatewayMessage
        switch typeID {
        case .requestHead:
            let method = try reader.readString()
            let target = try reader.readString()
            let peer = try reader.readString()
            let headers = try reader.readHeaders()
            message = .requestHead(RequestHead(method: method, target: target, peerAddress: peer, headers: headers))
        case .requestBody:
            message = .requestBody(reader.readRest())
        case .requestEnd:
            message = .requestEnd
        case .ping:
            message = .ping(nonce: try reader.readInteger())
        case .drain:
            message = .drain
        }
        try reader.finish()
        return message
    }
}
