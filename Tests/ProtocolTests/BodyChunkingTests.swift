import NIOCore
import Protocol
import XCTest

/// The encoder splits long bodies into frames of at most `FrameLimits.bodyChunkSize` bytes.
final class BodyChunkingTests: XCTestCase {
    private let encoder = FrameEncoder()

    func testLongRequestBodyBecomesThreeFramesThatConcatenateBack() throws {
        let body = Self.patternedBody(count: 150_000)
        var buffer = ByteBuffer()
        self.encoder.writeRequestBody(body, requestID: 42, into: &buffer)

        let frames = try Self.decodeAll(buffer, as: GatewayMessage.self)
        XCTAssertEqual(frames.count, 3)
        var joined = ByteBuffer()
        for frame in frames {
            XCTAssertEqual(frame.requestID, 42)
            guard case .requestBody(var chunk) = frame.message else {
                return XCTFail("expected a request body, got \(frame.message)")
            }
            XCTAssertLessThanOrEqual(chunk.readableBytes, 65_536)
            joined.writeBuffer(&chunk)
        }
        XCTAssertEqual(joined, body)
        XCTAssertEqual(Self.payloadLengths(buffer), [65_536, 65_536, 18_928])
    }

    func testLongResponseBodyBecomesThreeFramesThatConcatenateBack() throws {
        let body = Self.patternedBody(count: 150_000)
        var buffer = ByteBuffer()
        self.encoder.writeResponseBody(body, requestID: 9, into: &buffer)

        let frames = try Self.decodeAll(buffer, as: WorkerMessage.self)
        var joined = ByteBuffer()
        for frame in frames {
            guard case .responseBody(var chunk) = frame.message else {
                return XCTFail("expected a response body, got \(frame.message)")
            }
            joined.writeBuffer(&chunk)
        }
        XCTAssertEqual(frames.count, 3)
        XCTAssertEqual(joined, body)
    }

    func testChunkBoundaries() {
        let cases: [(size: Int, lengths: [UInt32])] = [
            (1, [1]),
            (65_535, [65_535]),
            (65_536, [65_536]),
            (65_537, [65_536, 1]),
            (131_072, [65_536, 65_536]),
        ]
        for (size, lengths) in cases {
            var buffer = ByteBuffer()
            self.encoder.writeRequestBody(Self.patternedBody(count: size), requestID: 1, into: &buffer)
            XCTAssertEqual(Self.payloadLengths(buffer), lengths, "body of \(size) bytes")
        }
    }

    func testEmptyBodyIsOneEmptyFrame() throws {
        var buffer = ByteBuffer()
        self.encoder.writeResponseBody(ByteBuffer(), requestID: 7, into: &buffer)
        let expected: [UInt8] = [
            0x01, 0x83, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x07,
            0x00, 0x00, 0x00, 0x00,
        ]
        XCTAssertEqual(Array(buffer.readableBytesView), expected)
        XCTAssertEqual(
            try DecoderHarness.decode(expected, as: WorkerMessage.self),
            Frame(requestID: 7, message: .responseBody(ByteBuffer()))
        )
    }

    func testEncoderAppendsAfterExistingBytes() throws {
        // The length is patched at the frame's own offset, not at the buffer's start.
        var buffer = ByteBuffer(bytes: WorkerFrameFixtures.hello)
        self.encoder.writeResponseBody(ByteBuffer(string: "{}"), requestID: 7, into: &buffer)
        XCTAssertEqual(Array(buffer.readableBytesView), WorkerFrameFixtures.hello + WorkerFrameFixtures.responseBody)
    }

    func testBodySliceIsNotConsumed() {
        var body = Self.patternedBody(count: 70_000)
        body.moveReaderIndex(forwardBy: 10)
        var buffer = ByteBuffer()
        self.encoder.writeRequestBody(body, requestID: 1, into: &buffer)
        XCTAssertEqual(body.readableBytes, 69_990)
        XCTAssertEqual(Self.payloadLengths(buffer), [65_536, 4454])
    }

    private static func patternedBody(count: Int) -> ByteBuffer {
        ByteBuffer(bytes: (0..<count).map { UInt8(truncatingIfNeeded: $0 % 251) })
    }

    private static func decodeAll<Message: FrameMessage>(
        _ buffer: ByteBuffer,
        as: Message.Type
    ) throws -> [Frame<Message>] {
        var buffer = buffer
        var decoder = FrameDecoder<Message>()
        var frames: [Frame<Message>] = []
        while let frame = try decoder.decodeFrame(buffer: &buffer) {
            frames.append(frame)
        }
        XCTAssertEqual(buffer.readableBytes, 0)
        return frames
    }

    /// The payload lengths of the frames in `buffer`, read from their headers.
    private static func payloadLengths(_ buffer: ByteBuffer) -> [UInt32] {
        var buffer = buffer
        var lengths: [UInt32] = []
        while let header = buffer.peekFrameHeader() {
            lengths.append(header.payloadLength)
            buffer.moveReaderIndex(forwardBy: FrameHeader.size + Int(header.payloadLength))
        }
        return lengths
    }
}
