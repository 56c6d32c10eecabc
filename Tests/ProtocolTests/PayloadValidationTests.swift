import NIOCore
import Protocol
import XCTest

/// Payload checks: every field must be complete, nothing may be left over, strings are
/// UTF-8 and header counts are capped before anything is allocated.
final class PayloadValidationTests: XCTestCase {
    func testTruncatedPing() {
        // Declared length 5 is consistent with the buffer, but a ping needs 8 bytes.
        let bytes: [UInt8] = [
            0x01, 0x04, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x05,
            0x01, 0x02, 0x03, 0x04, 0x05,
        ]
        XCTAssertEqual(
            DecoderHarness.error(decoding: bytes, as: GatewayMessage.self),
            .truncatedPayload(frameType: 0x04)
        )
    }

    func testTruncatedRequestHead() {
        // Length 5 holds the method "GET"; the target's length prefix is missing.
        let bytes: [UInt8] = [
            0x01, 0x01, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x07,
            0x00, 0x00, 0x00, 0x05,
            0x00, 0x03, 0x47, 0x45, 0x54,
        ]
        XCTAssertEqual(
            DecoderHarness.error(decoding: bytes, as: GatewayMessage.self),
            .truncatedPayload(frameType: 0x01)
        )
    }

    func testStringLongerThanItsPayload() {
        // The method claims 16 bytes, the payload only has 3 after the prefix.
        let bytes: [UInt8] = [
            0x01, 0x01, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x07,
            0x00, 0x00, 0x00, 0x05,
            0x00, 0x10, 0x47, 0x45, 0x54,
        ]
        XCTAssertEqual(
            DecoderHarness.error(decoding: bytes, as: GatewayMessage.self),
            .truncatedPayload(frameType: 0x01)
        )
    }

    func testTruncatedWorkerPayloads() {
        let cases: [[UInt8]] = [
            // hello: pid, then nothing
            [0x01, 0x81, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x10, 0x92],
            // response head: a status only
            [0x01, 0x82, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x02, 0x00, 0xC8],
            // response end: round trips only
            [0x01, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x03],
            // pong: nonce without the reachability byte
            [
                0x01, 0x85, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08,
                0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
            ],
            // error: a code with an empty payload after it
            [0x01, 0x86, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x02, 0x01, 0x90],
        ]
        for bytes in cases {
            XCTAssertEqual(
                DecoderHarness.error(decoding: bytes, as: WorkerMessage.self),
                .truncatedPayload(frameType: bytes[1])
            )
        }
    }

    func testTrailingBytesAreRejected() {
        let requestEnd: [UInt8] = [
            0x01, 0x03, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x07,
            0x00, 0x00, 0x00, 0x01,
            0x00,
        ]
        XCTAssertEqual(
            DecoderHarness.error(decoding: requestEnd, as: GatewayMessage.self),
            .trailingBytes(frameType: 0x03, count: 1)
        )
        let ping: [UInt8] = [
            0x01, 0x04, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x0A,
            0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xAA, 0xBB,
        ]
        XCTAssertEqual(
            DecoderHarness.error(decoding: ping, as: GatewayMessage.self),
            .trailingBytes(frameType: 0x04, count: 2)
        )
        let drain: [UInt8] = [
            0x01, 0x05, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x03,
            0x00, 0x00, 0x00,
        ]
        XCTAssertEqual(
            DecoderHarness.error(decoding: drain, as: GatewayMessage.self),
            .trailingBytes(frameType: 0x05, count: 3)
        )
    }

    func testTrailingBytesAfterAResponseHeadAreRejected() {
        let bytes: [UInt8] = [
            0x01, 0x82, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x07,
            0x00, 0x00, 0x00, 0x05,
            0x00, 0xC8,  // status 200
            0x00, 0x00,  // no header fields
            0xFF,  // left over
        ]
        XCTAssertEqual(
            DecoderHarness.error(decoding: bytes, as: WorkerMessage.self),
            .trailingBytes(frameType: 0x82, count: 1)
        )
    }

    func testTrailingBytesAfterAHelloAreRejected() {
        var bytes = WorkerFrameFixtures.hello
        bytes[11] = 0x1E  // payload length 30: the hello's 27 bytes, an empty route table, one more
        bytes += [0x00, 0x00, 0xFF]
        XCTAssertEqual(
            DecoderHarness.error(decoding: bytes, as: WorkerMessage.self),
            .trailingBytes(frameType: 0x81, count: 1)
        )
    }

    func testHeaderCountAboveTheLimitIsRejectedBeforeReadingFields() {
        // Count 129 with no fields at all: the count alone is refused.
        let bytes: [UInt8] = [
            0x01, 0x82, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x07,
            0x00, 0x00, 0x00, 0x04,
            0x00, 0xC8,
            0x00, 0x81,
        ]
        XCTAssertEqual(
            DecoderHarness.error(decoding: bytes, as: WorkerMessage.self),
            .tooManyHeaders(count: 129, limit: 128)
        )
        var maximal = bytes
        maximal[14] = 0xFF
        maximal[15] = 0xFF
        XCTAssertEqual(
            DecoderHarness.error(decoding: maximal, as: WorkerMessage.self),
            .tooManyHeaders(count: 65_535, limit: 128)
        )
    }

    func testHeaderCountAtTheLimitIsAccepted() throws {
        var payload: [UInt8] = [0x00, 0xC8, 0x00, 0x80]
        for _ in 0..<128 {
            payload += [0x00, 0x01, 0x61, 0x00, 0x00]  // name "a", empty value
        }
        let bytes = DecoderHarness.frame(type: 0x82, requestID: 1, payload: payload)
        let frame = try DecoderHarness.decode(bytes, as: WorkerMessage.self)
        guard case .responseHead(let head) = frame?.message else {
            return XCTFail("expected a response head")
        }
        XCTAssertEqual(head.headers.count, 128)
    }

    func testCustomHeaderLimitIsHonoured() {
        XCTAssertEqual(
            DecoderHarness.error(
                decoding: GatewayFrameFixtures.requestHead,
                as: GatewayMessage.self,
                limits: FrameLimits(maxHeaderCount: 1)
            ),
            .tooManyHeaders(count: 2, limit: 1)
        )
    }

    func testLyingHeaderCountFailsWithoutAllocating() {
        // Count 1000 under a generous limit, but only 4 bytes follow: at most one field fits.
        let bytes: [UInt8] = [
            0x01, 0x82, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x07,
            0x00, 0x00, 0x00, 0x08,
            0x00, 0xC8,
            0x03, 0xE8,  // 1000 fields
            0x00, 0x00, 0x00, 0x00,
        ]
        XCTAssertEqual(
            DecoderHarness.error(decoding: bytes, as: WorkerMessage.self, limits: FrameLimits(maxHeaderCount: 65_535)),
            .truncatedPayload(frameType: 0x82)
        )
        // Under the default limit the same frame is refused for its count.
        XCTAssertEqual(
            DecoderHarness.error(decoding: bytes, as: WorkerMessage.self),
            .tooManyHeaders(count: 1000, limit: 128)
        )
    }

    func testHeaderCountOfTwoWithRoomForOneIsTruncated() {
        let bytes: [UInt8] = [
            0x01, 0x01, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x07,
            0x00, 0x00, 0x00, 0x0C,
            0x00, 0x00,  // method ""
            0x00, 0x00,  // target ""
            0x00, 0x00,  // peer ""
            0x00, 0x02,  // two fields...
            0x00, 0x00, 0x00, 0x00,  // ...but room for one
        ]
        XCTAssertEqual(
            DecoderHarness.error(decoding: bytes, as: GatewayMessage.self),
            .truncatedPayload(frameType: 0x01)
        )
    }

    func testInvalidUTF8IsRejected() {
        let invalidSequences: [[UInt8]] = [
            [0xFF],  // never valid
            [0xC0, 0xAF],  // overlong "/"
            [0xE2, 0x82],  // truncated "€"
            [0xED, 0xA0, 0x80],  // UTF-16 surrogate
            [0x80],  // lone continuation byte
        ]
        for sequence in invalidSequences {
            // An error frame whose message is the invalid sequence.
            let bytes =
                [0x01, 0x86, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, UInt8(4 + sequence.count)]
                + [0x01, 0x90, 0x00, UInt8(sequence.count)] + sequence
            XCTAssertEqual(
                DecoderHarness.error(decoding: bytes, as: WorkerMessage.self),
                .invalidUTF8(frameType: 0x86),
                "\(sequence)"
            )
        }
    }

    func testInvalidUTF8InAHeaderValueIsRejected() {
        let bytes: [UInt8] = [
            0x01, 0x01, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x07,
            0x00, 0x00, 0x00, 0x0E,
            0x00, 0x00,
            0x00, 0x00,
            0x00, 0x00,
            0x00, 0x01,
            0x00, 0x01, 0x61,  // name "a"
            0x00, 0x01, 0xFE,  // value: invalid
        ]
        XCTAssertEqual(DecoderHarness.error(decoding: bytes, as: GatewayMessage.self), .invalidUTF8(frameType: 0x01))
    }

    func testBodiesAreOpaqueBytes() throws {
        // Body payloads are not text: invalid UTF-8 passes through untouched.
        let bytes: [UInt8] = [
            0x01, 0x02, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x07,
            0x00, 0x00, 0x00, 0x03,
            0xFF, 0x00, 0xC0,
        ]
        XCTAssertEqual(
            try DecoderHarness.decode(bytes, as: GatewayMessage.self),
            Frame(requestID: 7, message: .requestBody(ByteBuffer(bytes: [0xFF, 0x00, 0xC0])))
        )
    }
}
