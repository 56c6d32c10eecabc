public import NIOCore

/// The first frame a worker sends: who it is and which protocol it speaks.
public struct WorkerHello: Sendable, Hashable {
    public var pid: Int32
    /// The protocol version the worker was built with; the gateway rejects a mismatch.
    public var protocolVersion: UInt8
    /// Free-form build identification for /status, e.g. "rookery-worker 0.1.0".
    public var software: String
    /// The routes whose cost class is not `standard`, as the worker's router declares them.
    public var routeCosts: [RouteCost]

    public init(
        pid: Int32,
        protocolVersion: UInt8 = FrameHeader.currentVersion,
        software: String,
        routeCosts: [RouteCost] = []
    ) {
        self.pid = pid
        self.protocolVersion = protocolVersion
        self.software = software
        self.routeCosts = routeCosts
    }
}

/// A response head as a worker returns it.
public struct ResponseHead: Sendable, Hashable {
    public var status: UInt16
    public var headers: [HeaderField]

    public init(status: UInt16, headers: [HeaderField]) {
        self.status = status
        self.headers = headers
    }
}

/// What the worker measured while serving one request, sent with its end frame so the
/// gateway can log and count it without scraping workers.
public struct RequestStatistics: Sendable, Hashable {
    /// Database round trips made for this request.
    public var databaseRoundTrips: UInt32
    /// Time spent waiting on the database, in microseconds.
    public var databaseMicroseconds: UInt64
    /// Database statements that failed during this request.
    public var databaseErrors: UInt32
    /// The route template that matched (`/api/articles/:slug`), or `unmatched`; a bounded
    /// label for metrics, never a raw path.
    public var route: String

    public init(
        databaseRoundTrips: UInt32 = 0,
        databaseMicroseconds: UInt64 = 0,
        databaseErrors: UInt32 = 0,
        route: String = ""
    ) {
        self.databaseRoundTrips = databaseRoundTrips
        self.databaseMicroseconds = databaseMicroseconds
        self.databaseErrors = databaseErrors
        self.route = route
    }
}

/// Messages a worker sends to the gateway.
public enum WorkerMessage: Sendable, Hashable {
    /// Sent once, right after start, when the worker is ready to take requests.
    case hello(WorkerHello)
    case responseHead(ResponseHead)
    case responseBody(ByteBuffer)
    /// The response is complete; the worker is idle again.
    case responseEnd(RequestStatistics)
    /// Answer to a ping. `databaseReachable` is the worker's view of its connection.
    case pong(nonce: UInt64, databaseReachable: Bool)
    /// The worker could not process the request with this id (for example a protocol violation).
    case error(code: UInt16, message: String)

    /// Type ids on the wire. Worker-to-gateway types have the high bit set.
    public enum TypeID: UInt8, Sendable {
        case hello = 0x81
        case responseHead = 0x82
        case responseBody = 0x83
        case responseEnd = 0x84
        case pong = 0x85
        case error = 0x86
    }

    public var typeID: TypeID {
        switch self {
        case .hello: return .hello
        case .responseHead: return .responseHead
        case .responseBody: return .responseBody
        case .responseEnd: return .responseEnd
        case .pong: return .pong
        case .error: return .error
        }
    }
}

extension WorkerMessage: FrameMessage {
    public static func isKnownType(_ type: UInt8) -> Bool {
        TypeID(rawValue: type) != nil
    }

    public static func decode(
        type: UInt8,
        payload: ByteBuffer,
        limits: FrameLimits
    ) throws(ProtocolError) -> WorkerMessage {
        guard let typeID = TypeID(rawValue: type) else {
            throw .unknownFrameType(type)
        }
        var reader = PayloadReader(buffer: payload, frameType: type, limits: limits)
        let message: WorkerMessage
        switch typeID {
        case .hello:
            let pid: Int32 = try reader.readInteger()
            let version: UInt8 = try reader.readInteger()
            let software = try reader.readString()
            let routeCosts = try reader.readRouteCosts()
            message = .hello(
                WorkerHello(pid: pid, protocolVersion: version, software: software, routeCosts: routeCosts)
            )
        case .responseHead:
            let status: UInt16 = try reader.readInteger()
            let headers = try reader.readHeaders()
            message = .responseHead(ResponseHead(status: status, headers: headers))
        case .responseBody:
            message = .responseBody(reader.readRest())
        case .responseEnd:
            let trips: UInt32 = try reader.readInteger()
            let micros: UInt64 = try reader.readInteger()
            let errors: UInt32 = try reader.readInteger()
            let route = try reader.readString()
            message = .responseEnd(
                RequestStatistics(
                    databaseRoundTrips: trips,
                    databaseMicroseconds: micros,
                    databaseErrors: errors,
                    route: route
                )
            )
        case .pong:
            let nonce: UInt64 = try reader.readInteger()
            let reachable: UInt8 = try reader.readInteger()
            message = .pong(nonce: nonce, databaseReachable: reachable != 0)
        case .error:
            let code: UInt16 = try reader.readInteger()
            let text = try reader.readString()
            message = .error(code: code, message: text)
        }
        try reader.finish()
        return message
    }
}
