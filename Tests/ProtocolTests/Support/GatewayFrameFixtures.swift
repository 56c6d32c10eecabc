import NIOCore
import Protocol

/// Gateway-to-worker frames written out byte by byte, with the messages they carry.
///
/// The bytes are typed by hand from the layout in docs/protocol.md, never produced by the
/// encoder, so a change to the wire format breaks these tests instead of silently passing.
enum GatewayFrameFixtures {
    static let requestHeadMessage = GatewayMessage.requestHead(
        RequestHead(
            method: "GET",
            target: "/api/tags",
            peerAddress: "127.0.0.1",
            headers: [
                HeaderField(name: "Host", value: "x"),
                HeaderField(name: "X-Request-Id", value: "abc"),
            ]
        )
    )

    /// Request id 7, payload 57 bytes.
    static let requestHead: [UInt8] = [
        0x01, 0x01, 0x00, 0x00,  // version 1, type requestHead, flags 0
        0x00, 0x00, 0x00, 0x07,  // request id 7
        0x00, 0x00, 0x00, 0x39,  // payload length 57
        0x00, 0x03, 0x47, 0x45, 0x54,  // "GET"
        0x00, 0x09, 0x2F, 0x61, 0x70, 0x69, 0x2F, 0x74, 0x61, 0x67, 0x73,  // "/api/tags"
        0x00, 0x09, 0x31, 0x32, 0x37, 0x2E, 0x30, 0x2E, 0x30, 0x2E, 0x31,  // "127.0.0.1"
        0x00, 0x02,  // two header fields
        0x00, 0x04, 0x48, 0x6F, 0x73, 0x74,  // "Host"
        0x00, 0x01, 0x78,  // "x"
        0x00, 0x0C, 0x58, 0x2D, 0x52, 0x65, 0x71, 0x75, 0x65, 0x73, 0x74, 0x2D, 0x49, 0x64,  // "X-Request-Id"
        0x00, 0x03, 0x61, 0x62, 0x63,  // "abc"
    ]

    static let requestBodyMessage = GatewayMessage.requestBody(ByteBuffer(string: "hello"))

    /// Request id 7, payload "hello".
    static let requestBody: [UInt8] = [
        0x01, 0x02, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x07,
        0x00, 0x00, 0x00, 0x05,
        0x68, 0x65, 0x6C, 0x6C, 0x6F,
    ]

    static let requestEndMessage = GatewayMessage.requestEnd

    /// Request id 7, empty payload.
    static let requestEnd: [UInt8] = [
        0x01, 0x03, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x07,
        0x00, 0x00, 0x00, 0x00,
    ]

    static let pingMessage = GatewayMessage.ping(nonce: 0x0102_0304_0506_0708)

    /// Request id 0, UInt64 nonce.
    static let ping: [UInt8] = [
        0x01, 0x04, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x08,
        0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
    ]

    static let drainMessage = GatewayMessage.drain

    /// Request id 0, empty payload.
    static let drain: [UInt8] = [
        0x01, 0x05, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00,
    ]

    /// Every fixture with the frame it decodes to.
    static let all: [(bytes: [UInt8], frame: Frame<GatewayMessage>)] = [
        (requestHead, Frame(requestID: 7, message: requestHeadMessage)),
        (requestBody, Frame(requestID: 7, message: requestBodyMessage)),
        (requestEnd, Frame(requestID: 7, message: requestEndMessage)),
        (ping, Frame(requestID: 0, message: pingMessage)),
        (drain, Frame(requestID: 0, message: drainMessage)),
    ]
}
