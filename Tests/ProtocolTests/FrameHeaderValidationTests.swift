import NIOCore
import Protocol
import XCTest

/// Header checks that run as soon as the 12 header bytes are in: version, flags, length cap.
/// Unknown types are rejected once the payload is in.
final class FrameHeaderValidationTests: XCTestCase {
    func testHeaderLayoutIsBigEndian() {
        let bytes: [UInt8] = [
            0x01, 0x82, 0x00, 0x00,
            0x12, 0x34, 0x56, 0x78,
            0x00, 0x01, 0x02, 0x03,
        ]
        XCTAssertEqual(
            ByteBuffer(bytes: bytes).peekFrameHeader(),
            FrameHeader(type: 0x82, requestID: 0x1234_5678, payloadLength: 0x0001_0203)
        )
        var written = ByteBuffer()
        XCTAssertEqual(
            written.writeFrameHeader(FrameHeader(type: 0x82, requestID: 0x1234_5678, payloadLength: 0x0001_0203)),
            FrameHeader.size
        )
        XCTAssertEqual(Array(written.readableBytesView), bytes)
        XCTAssertNil(ByteBuffer(bytes: bytes.prefix(11)).peekFrameHeader())
    }

    func testOversizeDeclaredLengthIsRejectedBeforeThePayloadArrives() {
        let onlyHeader: [UInt8] = [
            0x01, 0x83, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x07,
            0x00, 0x04, 0x00, 0x01,  // 262 145 bytes: one more than the limit
        ]
        XCTAssertEqual(
            DecoderHarness.error(decoding: onlyHeader, as: WorkerMessage.self),
            .payloadTooLarge(declared: 262_145, limit: 262_144)
        )
        let hugeHeader: [UInt8] = [
            0x01, 0x02, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x01,
            0xFF, 0xFF, 0xFF, 0xFF,
        ]
        XCTAssertEqual(
            DecoderHarness.error(decoding: hugeHeader, as: GatewayMessage.self),
            .payloadTooLarge(declared: 0xFFFF_FFFF, limit: 262_144)
        )
    }

    func testDeclaredLengthAtTheLimitWaitsForThePayload() throws {
        let onlyHeader: [UInt8] = [
            0x01, 0x83, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x07,
            0x00, 0x04, 0x00, 0x00,  // exactly 262 144 bytes
        ]
        XCTAssertNil(try DecoderHarness.decode(onlyHeader, as: WorkerMessage.self))
        let whole = onlyHeader + [UInt8](repeating: 0x61, count: 262_144)
        let frame = try DecoderHarness.decode(whole, as: WorkerMessage.self)
        guard case .responseBody(let body) = frame?.message else {
            return XCTFail("expected a response body, got \(String(describing: frame))")
        }
        XCTAssertEqual(body.readableBytes, 262_144)
    }

    func testCustomLimitIsHonoured() {
        let limits = FrameLimits(maxPayloadSize: 4)
        XCTAssertEqual(
            DecoderHarness.error(decoding: GatewayFrameFixtures.requestBody, as: GatewayMessage.self, limits: limits),
            .payloadTooLarge(declared: 5, limit: 4)
        )
    }

    func testDefaultLimits() {
        XCTAssertEqual(FrameLimits.default.maxPayloadSize, 256 * 1024)
        XCTAssertEqual(FrameLimits.default.maxHeaderCount, 128)
        XCTAssertEqual(FrameLimits.bodyChunkSize, 64 * 1024)
        XCTAssertLessThanOrEqual(FrameLimits.bodyChunkSize, FrameLimits.default.maxPayloadSize)
    }

    func testWrongVersionIsRejectedFromTheHeaderAlone() {
        for version: UInt8 in [0x00, 0x02, 0xFF] {
            let onlyHeader: [UInt8] = [
                version, 0x81, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x1B,
            ]
            XCTAssertEqual(
                DecoderHarness.error(decoding: onlyHeader, as: WorkerMessage.self),
                .unsupportedVersion(version)
            )
            XCTAssertEqual(
                DecoderHarness.error(decoding: onlyHeader, as: GatewayMessage.self),
                .unsupportedVersion(version)
            )
        }
    }

    func testWrongVersionOnAnOtherwiseValidFrame() {
        var bytes = WorkerFrameFixtures.hello
        bytes[0] = 0x02
        XCTAssertEqual(DecoderHarness.error(decoding: bytes, as: WorkerMessage.self), .unsupportedVersion(2))
    }

    func testNonzeroFlagsAreRejected() {
        for (high, low) in [(UInt8(0x00), UInt8(0x01)), (0x80, 0x00), (0xFF, 0xFF)] {
            let bytes: [UInt8] = [
                0x01, 0x05, high, low,
                0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00,
            ]
            XCTAssertEqual(
                DecoderHarness.error(decoding: bytes, as: GatewayMessage.self),
                .unexpectedFlags(UInt16(high) << 8 | UInt16(low))
            )
        }
    }

    func testUnknownGatewayTypesAreRejected() {
        // 0x00 and 0x06 are unassigned; 0x81 is a worker hello sent the wrong way.
        for type: UInt8 in [0x00, 0x06, 0x7F, 0x81, 0x86, 0xFF] {
            let bytes: [UInt8] = [
                0x01, type, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x00,
            ]
            XCTAssertEqual(
                DecoderHarness.error(decoding: bytes, as: GatewayMessage.self),
                .unknownFrameType(type)
            )
        }
    }

    func testUnknownWorkerTypesAreRejected() {
        // 0x01 is a gateway request head sent the wrong way.
        for type: UInt8 in [0x00, 0x01, 0x05, 0x80, 0x87, 0xFF] {
            let bytes: [UInt8] = [
                0x01, type, 0x00, 0x00,
                0x00, 0x00, 0x00, 0x07,
                0x00, 0x00, 0x00, 0x02,
                0x7B, 0x7D,
            ]
            XCTAssertEqual(
                DecoderHarness.error(decoding: bytes, as: WorkerMessage.self),
                .unknownFrameType(type)
            )
        }
    }

    func testWorkerFixturesAreUnknownToTheGatewayDecoderAndViceVersa() {
        for (bytes, frame) in WorkerFrameFixtures.all {
            XCTAssertEqual(
                DecoderHarness.error(decoding: bytes, as: GatewayMessage.self),
                .unknownFrameType(frame.message.typeID.rawValue)
            )
        }
        for (bytes, frame) in GatewayFrameFixtures.all {
            XCTAssertEqual(
                DecoderHarness.error(decoding: bytes, as: WorkerMessage.self),
                .unknownFrameType(frame.message.typeID.rawValue)
            )
        }
    }

    func testErrorsDescribeThemselves() {
        XCTAssertEqual(ProtocolError.unsupportedVersion(2).description, "unsupported protocol version 2")
        XCTAssertEqual(ProtocolError.unknownFrameType(0x81).description, "unknown frame type 0x81")
        XCTAssertEqual(
            ProtocolError.payloadTooLarge(declared: 300_000, limit: 262_144).description,
            "payload of 300000 bytes exceeds the limit of 262144"
        )
        XCTAssertEqual(ProtocolError.unexpectedFlags(0x8000).description, "undefined flags 0x8000")
        XCTAssertEqual(
            ProtocolError.truncatedFrame(bufferedBytes: 3).description,
            "stream ended inside a frame (3 bytes buffered)"
        )
    }
}
