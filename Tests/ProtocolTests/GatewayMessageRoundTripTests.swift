import NIOCore
import Protocol
import XCTest

/// Every gateway-to-worker message encodes to its hand-built fixture and decodes back.
final class GatewayMessageRoundTripTests: XCTestCase {
    private let encoder = FrameEncoder()

    func testRequestHeadMatchesFixture() throws {
        var buffer = ByteBuffer()
        guard case .requestHead(let head) = GatewayFrameFixtures.requestHeadMessage else {
            return XCTFail("fixture is not a request head")
        }
        self.encoder.writeRequestHead(head, requestID: 7, into: &buffer)
        XCTAssertEqual(Array(buffer.readableBytesView), GatewayFrameFixtures.requestHead)
        try self.assertDecodes(buffer, to: Frame(requestID: 7, message: .requestHead(head)))
    }

    func testRequestBodyMatchesFixture() throws {
        var buffer = ByteBuffer()
        self.encoder.writeRequestBody(ByteBuffer(string: "hello"), requestID: 7, into: &buffer)
        XCTAssertEqual(Array(buffer.readableBytesView), GatewayFrameFixtures.requestBody)
        try self.assertDecodes(buffer, to: Frame(requestID: 7, message: GatewayFrameFixtures.requestBodyMessage))
    }

    func testRequestEndMatchesFixture() throws {
        var buffer = ByteBuffer()
        self.encoder.writeRequestEnd(requestID: 7, into: &buffer)
        XCTAssertEqual(Array(buffer.readableBytesView), GatewayFrameFixtures.requestEnd)
        try self.assertDecodes(buffer, to: Frame(requestID: 7, message: .requestEnd))
    }

    func testPingMatchesFixture() throws {
        var buffer = ByteBuffer()
        self.encoder.writePing(nonce: 0x0102_0304_0506_0708, into: &buffer)
        XCTAssertEqual(Array(buffer.readableBytesView), GatewayFrameFixtures.ping)
        try self.assertDecodes(buffer, to: Frame(requestID: 0, message: GatewayFrameFixtures.pingMessage))
    }

    func testDrainMatchesFixture() throws {
        var buffer = ByteBuffer()
        self.encoder.writeDrain(into: &buffer)
        XCTAssertEqual(Array(buffer.readableBytesView), GatewayFrameFixtures.drain)
        try self.assertDecodes(buffer, to: Frame(requestID: 0, message: .drain))
    }

    func testEveryFixtureDecodesToItsFrame() throws {
        for (bytes, frame) in GatewayFrameFixtures.all {
            XCTAssertEqual(try DecoderHarness.decode(bytes, as: GatewayMessage.self), frame)
        }
    }

    func testFixturesDeclareTheirPayloadLength() {
        for (bytes, _) in GatewayFrameFixtures.all {
            let header = ByteBuffer(bytes: bytes).peekFrameHeader()
            XCTAssertEqual(header.map { Int($0.payloadLength) + FrameHeader.size }, bytes.count)
        }
    }

    func testEmptyStringsAndNoHeadersRoundTrip() throws {
        let head = RequestHead(method: "", target: "", peerAddress: "", headers: [])
        var buffer = ByteBuffer()
        self.encoder.writeRequestHead(head, requestID: 0xFFFF_FFFF, into: &buffer)
        let expected: [UInt8] = [
            0x01, 0x01, 0x00, 0x00,
            0xFF, 0xFF, 0xFF, 0xFF,
            0x00, 0x00, 0x00, 0x08,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        ]
        XCTAssertEqual(Array(buffer.readableBytesView), expected)
        try self.assertDecodes(buffer, to: Frame(requestID: 0xFFFF_FFFF, message: .requestHead(head)))
    }

    func testNonASCIIStringsRoundTrip() throws {
        let head = RequestHead(
            method: "POST",
            target: "/api/articles/caf%C3%A9",
            peerAddress: "::1",
            headers: [HeaderField(name: "X-Name", value: "Zoë 😀")]
        )
        var buffer = ByteBuffer()
        self.encoder.writeRequestHead(head, requestID: 3, into: &buffer)
        try self.assertDecodes(buffer, to: Frame(requestID: 3, message: .requestHead(head)))
    }

    func testEveryTypeIDIsBelowTheHighBit() {
        let ids: [GatewayMessage.TypeID] = [.requestHead, .requestBody, .requestEnd, .ping, .drain]
        XCTAssertEqual(ids.map(\.rawValue), [0x01, 0x02, 0x03, 0x04, 0x05])
        XCTAssertEqual(GatewayFrameFixtures.all.map(\.frame.message.typeID), ids)
    }

    private func assertDecodes(
        _ buffer: ByteBuffer,
        to expected: Frame<GatewayMessage>,
        file: StaticString = #filePath,
        line: UInt = #line
    ) throws {
        var buffer = buffer
        var decoder = FrameDecoder<GatewayMessage>()
        XCTAssertEqual(try decoder.decodeFrame(buffer: &buffer), expected, file: file, line: line)
        XCTAssertEqual(buffer.readableBytes, 0, "the decoder consumed the whole frame", file: file, line: line)
    }
}
