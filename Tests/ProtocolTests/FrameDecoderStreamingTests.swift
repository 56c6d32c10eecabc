import NIOCore
import NIOTestUtils
import Protocol
import XCTest

/// How the decoder behaves on a byte stream: drip-fed, in one piece, several frames at
/// once, incomplete frames and end of stream.
final class FrameDecoderStreamingTests: XCTestCase {
    func testVerifierAcceptsGatewayFrames() throws {
        let pairs = GatewayFrameFixtures.all.map { (ByteBuffer(bytes: $0.bytes), [$0.frame]) }
        XCTAssertNoThrow(
            try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) {
                FrameToMessageDecoder<GatewayMessage>()
            }
        )
    }

    func testVerifierAcceptsWorkerFrames() throws {
        let pairs = WorkerFrameFixtures.all.map { (ByteBuffer(bytes: $0.bytes), [$0.frame]) }
        XCTAssertNoThrow(
            try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) {
                FrameToMessageDecoder<WorkerMessage>()
            }
        )
    }

    func testVerifierAcceptsAWholeRequestAsOneInput() throws {
        let request =
            GatewayFrameFixtures.requestHead + GatewayFrameFixtures.requestBody + GatewayFrameFixtures.requestEnd
        let frames = Array(GatewayFrameFixtures.all.prefix(3).map(\.frame))
        XCTAssertNoThrow(
            try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: [(ByteBuffer(bytes: request), frames)]) {
                FrameToMessageDecoder<GatewayMessage>()
            }
        )
    }

    func testSeveralFramesInOneBufferDecodeInOrder() throws {
        var buffer = ByteBuffer(bytes: WorkerFrameFixtures.all.flatMap(\.bytes))
        var decoder = FrameDecoder<WorkerMessage>()
        var frames: [Frame<WorkerMessage>] = []
        while let frame = try decoder.decodeFrame(buffer: &buffer) {
            frames.append(frame)
        }
        XCTAssertEqual(frames, WorkerFrameFixtures.all.map(\.frame))
        XCTAssertEqual(buffer.readableBytes, 0)
    }

    func testOneByteAtATimeThroughTheSingleStepDecoder() throws {
        let stream = GatewayFrameFixtures.all.flatMap(\.bytes)
        var buffer = ByteBuffer()
        var decoder = FrameDecoder<GatewayMessage>()
        var frames: [Frame<GatewayMessage>] = []
        for byte in stream {
            buffer.writeInteger(byte)
            while let frame = try decoder.decodeFrame(buffer: &buffer) {
                frames.append(frame)
            }
        }
        XCTAssertEqual(frames, GatewayFrameFixtures.all.map(\.frame))
    }

    func testPartialFrameLeavesReaderIndexUntouched() throws {
        for (bytes, _) in GatewayFrameFixtures.all {
            try self.assertEveryPrefixIsIncomplete(bytes, as: GatewayMessage.self)
        }
        for (bytes, _) in WorkerFrameFixtures.all {
            try self.assertEveryPrefixIsIncomplete(bytes, as: WorkerMessage.self)
        }
    }

    func testPartialFrameAfterAConsumedFrameLeavesReaderIndexUntouched() throws {
        let partial = Array(WorkerFrameFixtures.responseEnd.prefix(15))
        var buffer = ByteBuffer(bytes: WorkerFrameFixtures.hello + partial)
        var decoder = FrameDecoder<WorkerMessage>()
        XCTAssertEqual(try decoder.decodeFrame(buffer: &buffer)?.message, WorkerFrameFixtures.helloMessage)
        let readerIndex = buffer.readerIndex
        XCTAssertEqual(readerIndex, WorkerFrameFixtures.hello.count)
        XCTAssertNil(try decoder.decodeFrame(buffer: &buffer))
        XCTAssertEqual(buffer.readerIndex, readerIndex)
        XCTAssertEqual(Array(buffer.readableBytesView), partial)
    }

    func testDecodeLastOnAPartialFrameAtEOFThrowsTruncatedFrame() {
        var buffer = ByteBuffer(bytes: GatewayFrameFixtures.requestHead.prefix(20))
        var decoder = FrameDecoder<GatewayMessage>()
        XCTAssertThrowsError(try decoder.decodeLast(buffer: &buffer, seenEOF: true)) { error in
            XCTAssertEqual(error as? ProtocolError, .truncatedFrame(bufferedBytes: 20))
        }
    }

    func testDecodeLastOnAPartialHeaderAtEOFThrowsTruncatedFrame() {
        var buffer = ByteBuffer(bytes: [0x01, 0x81, 0x00])
        var decoder = FrameDecoder<WorkerMessage>()
        XCTAssertThrowsError(try decoder.decodeLast(buffer: &buffer, seenEOF: true)) { error in
            XCTAssertEqual(error as? ProtocolError, .truncatedFrame(bufferedBytes: 3))
        }
    }

    func testDecodeLastWithoutEOFOnAPartialFrameWaits() throws {
        var buffer = ByteBuffer(bytes: GatewayFrameFixtures.requestHead.prefix(20))
        var decoder = FrameDecoder<GatewayMessage>()
        XCTAssertNil(try decoder.decodeLast(buffer: &buffer, seenEOF: false))
        XCTAssertEqual(buffer.readableBytes, 20)
    }

    func testDecodeLastStillReturnsCompleteFramesThenEndsCleanly() throws {
        var buffer = ByteBuffer(bytes: GatewayFrameFixtures.drain + GatewayFrameFixtures.requestEnd)
        var decoder = FrameDecoder<GatewayMessage>()
        XCTAssertEqual(try decoder.decodeLast(buffer: &buffer, seenEOF: true)?.message, .drain)
        XCTAssertEqual(try decoder.decodeLast(buffer: &buffer, seenEOF: true)?.message, .requestEnd)
        XCTAssertNil(try decoder.decodeLast(buffer: &buffer, seenEOF: true))
    }

    func testSingleStepProcessorDripFedThenTruncatedAtEOF() throws {
        var processor = NIOSingleStepByteToMessageProcessor(FrameDecoder<WorkerMessage>())
        var frames: [Frame<WorkerMessage>] = []
        for byte in WorkerFrameFixtures.all.flatMap(\.bytes) {
            try processor.process(buffer: ByteBuffer(bytes: [byte])) { frames.append($0) }
        }
        XCTAssertEqual(frames, WorkerFrameFixtures.all.map(\.frame))

        try processor.process(buffer: ByteBuffer(bytes: WorkerFrameFixtures.pong.prefix(13))) { frames.append($0) }
        XCTAssertEqual(frames.count, WorkerFrameFixtures.all.count)
        XCTAssertThrowsError(try processor.finishProcessing(seenEOF: true) { frames.append($0) }) { error in
            XCTAssertEqual(error as? ProtocolError, .truncatedFrame(bufferedBytes: 13))
        }
    }

    func testSingleStepProcessorEndsCleanlyOnAFrameBoundary() throws {
        var processor = NIOSingleStepByteToMessageProcessor(FrameDecoder<GatewayMessage>())
        var frames: [Frame<GatewayMessage>] = []
        let stream =
            GatewayFrameFixtures.requestHead + GatewayFrameFixtures.requestBody + GatewayFrameFixtures.requestEnd
        try processor.process(buffer: ByteBuffer(bytes: stream)) { frames.append($0) }
        XCTAssertNoThrow(try processor.finishProcessing(seenEOF: true) { frames.append($0) })
        XCTAssertEqual(frames, Array(GatewayFrameFixtures.all.prefix(3).map(\.frame)))
    }

    private func assertEveryPrefixIsIncomplete<Message: FrameMessage>(
        _ bytes: [UInt8],
        as type: Message.Type,
        file: StaticString = #filePath,
        line: UInt = #line
    ) throws {
        for length in 0..<bytes.count {
            var buffer = ByteBuffer(bytes: [0xEE, 0xEE] + bytes.prefix(length))
            buffer.moveReaderIndex(forwardBy: 2)
            var decoder = FrameDecoder<Message>()
            XCTAssertNil(try decoder.decodeFrame(buffer: &buffer), "prefix of \(length) bytes", file: file, line: line)
            XCTAssertEqual(buffer.readerIndex, 2, "prefix of \(length) bytes", file: file, line: line)
            XCTAssertEqual(buffer.readableBytes, length, "prefix of \(length) bytes", file: file, line: line)
        }
    }
}
