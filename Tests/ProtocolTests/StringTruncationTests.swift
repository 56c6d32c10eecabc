import NIOCore
import Protocol
import XCTest

/// Strings are prefixed with a UInt16 length, so the encoder cuts longer ones at 65 535
/// bytes, backing off to the start of a UTF-8 sequence so the frame still decodes.
final class StringTruncationTests: XCTestCase {
    private let encoder = FrameEncoder()

    func testShortStringIsWrittenWhole() {
        var buffer = ByteBuffer()
        XCTAssertEqual(buffer.writeLengthPrefixedString("é€"), 7)
        XCTAssertEqual(Array(buffer.readableBytesView), [0x00, 0x05, 0xC3, 0xA9, 0xE2, 0x82, 0xAC])
    }

    func testASCIIAtTheLimitIsUnchanged() throws {
        let text = String(repeating: "a", count: 65_535)
        XCTAssertEqual(try self.roundTripErrorMessage(text), text)
        XCTAssertEqual(Self.lengthPrefix(of: text), 65_535)
    }

    func testASCIIOverTheLimitIsCutAtTheLimit() throws {
        let text = String(repeating: "a", count: 70_000)
        XCTAssertEqual(try self.roundTripErrorMessage(text), String(repeating: "a", count: 65_535))
        XCTAssertEqual(Self.lengthPrefix(of: text), 65_535)
    }

    func testTwoByteCharacterAtTheCutIsDropped() throws {
        // 32 768 × "é" is 65 536 bytes; byte 65 535 would split the last "é".
        let text = String(repeating: "é", count: 32_768)
        XCTAssertEqual(Self.lengthPrefix(of: text), 65_534)
        XCTAssertEqual(try self.roundTripErrorMessage(text), String(repeating: "é", count: 32_767))
    }

    func testThreeByteCharacterEndingAtTheLimitIsKept() throws {
        // 21 846 × "€" is 65 538 bytes; the first 21 845 end exactly at byte 65 535.
        let text = String(repeating: "€", count: 21_846)
        XCTAssertEqual(Self.lengthPrefix(of: text), 65_535)
        XCTAssertEqual(try self.roundTripErrorMessage(text), String(repeating: "€", count: 21_845))
    }

    func testThreeByteCharacterAcrossTheLimitIsDropped() throws {
        // "a" shifts the "€"s by one, so the last one occupies bytes 65 533...65 535.
        let text = "a" + String(repeating: "€", count: 21_845)
        XCTAssertEqual(text.utf8.count, 65_536)
        XCTAssertEqual(Self.lengthPrefix(of: text), 65_533)
        XCTAssertEqual(try self.roundTripErrorMessage(text), "a" + String(repeating: "€", count: 21_844))
    }

    func testFourByteCharacterAcrossTheLimitIsDropped() throws {
        let text = "ab" + String(repeating: "😀", count: 16_384)
        XCTAssertEqual(text.utf8.count, 65_538)
        XCTAssertEqual(Self.lengthPrefix(of: text), 65_534)
        XCTAssertEqual(try self.roundTripErrorMessage(text), "ab" + String(repeating: "😀", count: 16_383))
    }

    func testLongRequestHeadFieldsAreCutAndStillDecode() throws {
        let head = RequestHead(
            method: "GET",
            target: "/" + String(repeating: "ü", count: 40_000),
            peerAddress: "10.0.0.1",
            headers: [HeaderField(name: "X-Long", value: String(repeating: "😀", count: 20_000))]
        )
        var buffer = ByteBuffer()
        self.encoder.writeRequestHead(head, requestID: 5, into: &buffer)
        var decoder = FrameDecoder<GatewayMessage>()
        guard case .requestHead(let decoded) = try decoder.decodeFrame(buffer: &buffer)?.message else {
            return XCTFail("expected a request head")
        }
        XCTAssertEqual(decoded.target, "/" + String(repeating: "ü", count: 32_767))
        XCTAssertEqual(decoded.headers, [HeaderField(name: "X-Long", value: String(repeating: "😀", count: 16_383))])
        XCTAssertTrue(head.target.hasPrefix(decoded.target))
    }

    /// Encodes `message` in an error frame and returns what the decoder reads back.
    private func roundTripErrorMessage(_ message: String) throws -> String? {
        var buffer = ByteBuffer()
        self.encoder.writeError(code: 500, message: message, requestID: 1, into: &buffer)
        var decoder = FrameDecoder<WorkerMessage>()
        guard case .error(let code, let decoded) = try decoder.decodeFrame(buffer: &buffer)?.message else {
            return nil
        }
        XCTAssertEqual(code, 500)
        XCTAssertEqual(buffer.readableBytes, 0)
        return decoded
    }

    /// The length prefix `writeLengthPrefixedString` writes for `text`.
    private static func lengthPrefix(of text: String) -> UInt16? {
        var buffer = ByteBuffer()
        let written = buffer.writeLengthPrefixedString(text)
        let length = buffer.readInteger(as: UInt16.self)
        XCTAssertEqual(length.map { Int($0) + 2 }, written)
        XCTAssertEqual(buffer.readableBytes, length.map(Int.init))
        return length
    }
}
