import NIOCore
import Protocol

/// Worker-to-gateway frames written out byte by byte, with the messages they carry.
enum WorkerFrameFixtures {
    static let helloMessage = WorkerMessage.hello(
        WorkerHello(pid: 4242, protocolVersion: 1, software: "rookery-worker 0.1.0")
    )

    /// Request id 0, payload 27 bytes.
    static let hello: [UInt8] = [
        0x01, 0x81, 0x00, 0x00,  // version 1, type hello, flags 0
        0x00, 0x00, 0x00, 0x00,  // request id 0
        0x00, 0x00, 0x00, 0x1B,  // payload length 27
        0x00, 0x00, 0x10, 0x92,  // pid 4242
        0x01,  // protocol version 1
        0x00, 0x14,  // software, 20 bytes: "rookery-worker 0.1.0"
        0x72, 0x6F, 0x6F, 0x6B, 0x65, 0x72, 0x79, 0x2D, 0x77, 0x6F,
        0x72, 0x6B, 0x65, 0x72, 0x20, 0x30, 0x2E, 0x31, 0x2E, 0x30,
    ]

    static let responseHeadMessage = WorkerMessage.responseHead(
        ResponseHead(status: 200, headers: [HeaderField(name: "Content-Type", value: "application/json")])
    )

    /// Request id 7, payload 36 bytes.
    static let responseHead: [UInt8] = [
        0x01, 0x82, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x07,
        0x00, 0x00, 0x00, 0x24,
        0x00, 0xC8,  // status 200
        0x00, 0x01,  // one header field
        0x00, 0x0C, 0x43, 0x6F, 0x6E, 0x74, 0x65, 0x6E, 0x74, 0x2D, 0x54, 0x79, 0x70, 0x65,  // "Content-Type"
        0x00, 0x10, 0x61, 0x70, 0x70, 0x6C, 0x69, 0x63, 0x61, 0x74,  // "application/json"
        0x69, 0x6F, 0x6E, 0x2F, 0x6A, 0x73, 0x6F, 0x6E,
    ]

    static let responseBodyMessage = WorkerMessage.responseBody(ByteBuffer(string: "{}"))

    /// Request id 7, payload "{}".
    static let responseBody: [UInt8] = [
        0x01, 0x83, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x07,
        0x00, 0x00, 0x00, 0x02,
        0x7B, 0x7D,
    ]

    static let responseEndMessage = WorkerMessage.responseEnd(
        RequestStatistics(databaseRoundTrips: 3, databaseMicroseconds: 1500, databaseErrors: 1, route: "/api/tags")
    )

    /// Request id 7, UInt32 round trips, UInt64 microseconds, UInt32 errors, route string.
    static let responseEnd: [UInt8] = [
        0x01, 0x84, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x07,
        0x00, 0x00, 0x00, 0x1B,
        0x00, 0x00, 0x00, 0x03,  // 3 round trips
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0xDC,  // 1500 µs
        0x00, 0x00, 0x00, 0x01,  // 1 database error
        0x00, 0x09, 0x2F, 0x61, 0x70, 0x69, 0x2F, 0x74, 0x61, 0x67, 0x73,  // "/api/tags"
    ]

    static let pongMessage = WorkerMessage.pong(nonce: 0x0102_0304_0506_0708, databaseReachable: true)

    /// Request id 0, UInt64 nonce and a reachability byte.
    static let pong: [UInt8] = [
        0x01, 0x85, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x09,
        0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
        0x01,
    ]

    static let unreachablePongMessage = WorkerMessage.pong(nonce: 9, databaseReachable: false)

    static let unreachablePong: [UInt8] = [
        0x01, 0x85, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x09,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09,
        0x00,
    ]

    static let errorMessage = WorkerMessage.error(code: 400, message: "bad frame")

    /// Request id 7, UInt16 code and a string.
    static let error: [UInt8] = [
        0x01, 0x86, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x07,
        0x00, 0x00, 0x00, 0x0D,
        0x01, 0x90,  // code 400
        0x00, 0x09, 0x62, 0x61, 0x64, 0x20, 0x66, 0x72, 0x61, 0x6D, 0x65,  // "bad frame"
    ]

    /// Every fixture with the frame it decodes to.
    static let all: [(bytes: [UInt8], frame: Frame<WorkerMessage>)] = [
        (hello, Frame(requestID: 0, message: helloMessage)),
        (responseHead, Frame(requestID: 7, message: responseHeadMessage)),
        (responseBody, Frame(requestID: 7, message: responseBodyMessage)),
        (responseEnd, Frame(requestID: 7, message: responseEndMessage)),
        (pong, Frame(requestID: 0, message: pongMessage)),
        (unreachablePong, Frame(requestID: 0, message: unreachablePongMessage)),
        (error, Frame(requestID: 7, message: errorMessage)),
    ]
}
