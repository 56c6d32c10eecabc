import NIOCore
import Protocol
import TestSupport
import XCTest

/// Seeded random inputs: the decoder may only return frames, return nil, or throw a
/// `ProtocolError`. A trap would take the whole test process down, so finishing is the check;
/// the invariants below make sure a returned frame is also consistent with its header.
final class FrameDecoderFuzzTests: XCTestCase {
    private static let iterations = 20_000
    private static let smallLimits = FrameLimits(maxPayloadSize: 64, maxHeaderCount: 3)

    func testRandomByteStrings() {
        var random = SplitMix64(seed: 0x5EED_0001)
        for _ in 0..<Self.iterations {
            let bytes = random.bytes(count: Int.random(in: 0...96, using: &random))
            self.check(bytes)
        }
    }

    func testRandomPayloadsBehindPlausibleHeaders() {
        var random = SplitMix64(seed: 0x5EED_0002)
        let types: [UInt8] = [0x01, 0x02, 0x03, 0x04, 0x05, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86]
        for _ in 0..<Self.iterations {
            let payload = Self.randomPayload(using: &random)
            let type =
                Bool.random(using: &random)
                ? types.randomElement(using: &random) ?? 0 : UInt8.random(in: 0...255, using: &random)
            let declared =
                Bool.random(using: &random) ? payload.count : Int.random(in: 0...(payload.count + 8), using: &random)
            let requestID = UInt32.random(in: 0...UInt32.max, using: &random)
            let header = DecoderHarness.header(type: type, requestID: requestID, length: UInt32(declared))
            self.check(header + payload)
        }
    }

    func testMutationsOfValidFrames() {
        var random = SplitMix64(seed: 0x5EED_0003)
        let fixtures = GatewayFrameFixtures.all.map(\.bytes) + WorkerFrameFixtures.all.map(\.bytes)
        for _ in 0..<Self.iterations {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                bytes += fixtures.randomElement(using: &random) ?? []
            }
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                Self.mutate(&bytes, using: &random)
            }
            self.check(bytes)
        }
    }

    func testEveryPrefixOfEveryFixtureStream() {
        let stream = GatewayFrameFixtures.all.flatMap(\.bytes) + WorkerFrameFixtures.all.flatMap(\.bytes)
        for length in 0...stream.count {
            self.check(Array(stream.prefix(length)))
            self.check(Array(stream.suffix(length)))
        }
    }

    // MARK: inputs

    /// Random bytes, sometimes shaped like length-prefixed strings and header lists.
    private static func randomPayload(using random: inout SplitMix64) -> [UInt8] {
        var payload: [UInt8] = []
        switch Int.random(in: 0...3, using: &random) {
        case 0:
            payload = random.bytes(count: Int.random(in: 0...40, using: &random))
        case 1:
            // status + header count + strings
            payload = [0x00, 0xC8, 0x00, UInt8.random(in: 0...5, using: &random)]
            for _ in 0..<Int.random(in: 0...8, using: &random) {
                payload += Self.randomString(using: &random)
            }
        case 2:
            // three strings + header count + strings
            for _ in 0..<3 {
                payload += Self.randomString(using: &random)
            }
            payload += [0x00, UInt8.random(in: 0...5, using: &random)]
            for _ in 0..<Int.random(in: 0...8, using: &random) {
                payload += Self.randomString(using: &random)
            }
        default:
            // pid, version, string (hello-shaped)
            payload = random.bytes(count: 5) + Self.randomString(using: &random)
        }
        return payload
    }

    /// A length prefix followed by bytes, the length sometimes lying and the bytes sometimes not UTF-8.
    private static func randomString(using random: inout SplitMix64) -> [UInt8] {
        let count = Int.random(in: 0...6, using: &random)
        let declared = Int.random(in: 0...3, using: &random) == 0 ? Int.random(in: 0...300, using: &random) : count
        let body: [UInt8] =
            Bool.random(using: &random)
            ? (0..<count).map { _ in UInt8.random(in: 0x20...0x7E, using: &random) }
            : random.bytes(count: count)
        return [UInt8(declared >> 8), UInt8(declared & 0xFF)] + body
    }

    private static func mutate(_ bytes: inout [UInt8], using random: inout SplitMix64) {
        guard !bytes.isEmpty else {
            bytes = random.bytes(count: 4)
            return
        }
        let index = Int.random(in: 0..<bytes.count, using: &random)
        switch Int.random(in: 0...5, using: &random) {
        case 0:
            bytes[index] ^= UInt8(1) << UInt8.random(in: 0...7, using: &random)
        case 1:
            bytes[index] = UInt8.random(in: 0...255, using: &random)
        case 2:
            bytes.removeSubrange(index...)
        case 3:
            bytes.insert(contentsOf: random.bytes(count: Int.random(in: 1...8, using: &random)), at: index)
        case 4:
            bytes.remove(at: index)
        default:
            bytes[index] = [0x00, 0x7F, 0x80, 0xFF].randomElement(using: &random) ?? 0
        }
    }

    // MARK: checks

    private func check(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        for limits in [FrameLimits.default, Self.smallLimits] {
            self.drain(bytes, as: GatewayMessage.self, limits: limits, file: file, line: line)
            self.drain(bytes, as: WorkerMessage.self, limits: limits, file: file, line: line)
        }
    }

    /// Decodes frames until the decoder asks for more or throws, checking each step.
    private func drain<Message: FrameMessage & Equatable>(
        _ bytes: [UInt8],
        as type: Message.Type,
        limits: FrameLimits,
        file: StaticString,
        line: UInt
    ) {
        var decoder = FrameDecoder<Message>(limits: limits)
        var buffer = ByteBuffer(bytes: bytes)
        while true {
            let before = buffer.readerIndex
            let header = buffer.peekFrameHeader()
            let frame: Frame<Message>?
            do {
                frame = try decoder.decode(buffer: &buffer)
            } catch {
                XCTAssertTrue(error is ProtocolError, "unexpected error \(error) for \(bytes)", file: file, line: line)
                return
            }
            guard let frame else {
                XCTAssertEqual(
                    buffer.readerIndex,
                    before,
                    "nil moved the reader index for \(bytes)",
                    file: file,
                    line: line
                )
                self.checkEnd(&decoder, buffer: &buffer, bytes: bytes, file: file, line: line)
                return
            }
            guard let header else {
                return XCTFail("a frame from fewer than 12 bytes: \(bytes)", file: file, line: line)
            }
            XCTAssertEqual(frame.requestID, header.requestID, file: file, line: line)
            XCTAssertEqual(
                buffer.readerIndex - before,
                FrameHeader.size + Int(header.payloadLength),
                "the frame did not consume exactly its bytes: \(bytes)",
                file: file,
                line: line
            )
            XCTAssertLessThanOrEqual(Int(header.payloadLength), limits.maxPayloadSize, file: file, line: line)
            self.checkReencodes(frame, limits: limits, file: file, line: line)
        }
    }

    /// At end of stream, leftover bytes are a truncated frame and nothing else.
    private func checkEnd<Message: FrameMessage>(
        _ decoder: inout FrameDecoder<Message>,
        buffer: inout ByteBuffer,
        bytes: [UInt8],
        file: StaticString,
        line: UInt
    ) {
        let buffered = buffer.readableBytes
        do {
            let frame = try decoder.decodeLast(buffer: &buffer, seenEOF: true)
            XCTAssertNil(frame, file: file, line: line)
            XCTAssertEqual(buffered, 0, "leftover bytes were accepted at EOF: \(bytes)", file: file, line: line)
        } catch {
            XCTAssertEqual(
                error as? ProtocolError,
                .truncatedFrame(bufferedBytes: buffered),
                "for \(bytes)",
                file: file,
                line: line
            )
        }
    }

    /// A decoded frame, encoded again, decodes to the same frame.
    private func checkReencodes<Message: FrameMessage & Equatable>(
        _ frame: Frame<Message>,
        limits: FrameLimits,
        file: StaticString,
        line: UInt
    ) {
        var buffer = ByteBuffer()
        if let message = frame.message as? GatewayMessage {
            Self.encode(message, requestID: frame.requestID, into: &buffer)
        } else if let message = frame.message as? WorkerMessage {
            Self.encode(message, requestID: frame.requestID, into: &buffer)
        }
        var decoder = FrameDecoder<Message>(limits: limits)
        XCTAssertEqual(try decoder.decode(buffer: &buffer), frame, file: file, line: line)
        XCTAssertEqual(buffer.readableBytes, 0, file: file, line: line)
    }

    private static func encode(_ message: GatewayMessage, requestID: UInt32, into buffer: inout ByteBuffer) {
        let encoder = FrameEncoder()
        switch message {
        case .requestHead(let head):
            encoder.writeRequestHead(head, requestID: requestID, into: &buffer)
        case .requestBody(let body):
            encoder.writeRequestBody(body, requestID: requestID, into: &buffer)
        case .requestEnd:
            encoder.writeRequestEnd(requestID: requestID, into: &buffer)
        case .ping(let nonce):
            // Ping and drain always carry request id 0 when encoded.
            var header = ByteBuffer()
            encoder.writePing(nonce: nonce, into: &header)
            header.setInteger(requestID, at: header.readerIndex + 4)
            buffer.writeBuffer(&header)
        case .drain:
            var header = ByteBuffer()
            encoder.writeDrain(into: &header)
            header.setInteger(requestID, at: header.readerIndex + 4)
            buffer.writeBuffer(&header)
        }
    }

    private static func encode(_ message: WorkerMessage, requestID: UInt32, into buffer: inout ByteBuffer) {
        let encoder = FrameEncoder()
        var frame = ByteBuffer()
        switch message {
        case .hello(let hello):
            encoder.writeHello(hello, into: &frame)
        case .responseHead(let head):
            encoder.writeResponseHead(head, requestID: requestID, into: &frame)
        case .responseBody(let body):
            encoder.writeResponseBody(body, requestID: requestID, into: &frame)
        case .responseEnd(let statistics):
            encoder.writeResponseEnd(statistics, requestID: requestID, into: &frame)
        case .pong(let nonce, let reachable):
            encoder.writePong(nonce: nonce, databaseReachable: reachable, into: &frame)
        case .error(let code, let text):
            encoder.writeError(code: code, message: text, requestID: requestID, into: &frame)
        }
        // Hello and pong always carry request id 0 when encoded; the decoder accepts any.
        frame.setInteger(requestID, at: frame.readerIndex + 4)
        buffer.writeBuffer(&frame)
    }
}
