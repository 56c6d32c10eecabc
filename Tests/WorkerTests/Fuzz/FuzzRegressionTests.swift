import Foundation
import NIOCore
import Protocol
import XCTest

@testable import Worker

/// Replays the fuzzing seeds and every saved crash input (deploy/fuzz/regressions/) through
/// the same entry points libFuzzer drives, so a fixed crash stays fixed in ordinary test runs.
final class FuzzRegressionTests: XCTestCase {
    private func inputs(_ folder: String) throws -> [(String, Data)] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("deploy/fuzz/\(folder)")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return try names.filter { !$0.hasPrefix(".") }.sorted().map { name in
            (name, try Data(contentsOf: root.appendingPathComponent(name)))
        }
    }

    /// Each input decodes to the same frames in one piece and split, and every decoded frame
    /// encodes back to the very bytes it was decoded from.
    func testSeedsAndRegressionsRunThroughTheFrameDecoder() throws {
        let all = try self.inputs("seeds/frames") + self.inputs("seeds/requests") + self.inputs("regressions")
        XCTAssertFalse(all.isEmpty)
        var decodedFrames = 0
        for (name, data) in all {
            let (whole, split) = data.withUnsafeBytes { FuzzTargets.decodeFrames($0) }
            XCTAssertEqual(whole, split, "\(name): the split point changed the frames")
            var offset = 0
            for frame in whole {
                let encoded = Self.encode(frame)
                XCTAssertEqual(
                    Array(data.dropFirst(offset).prefix(encoded.count)),
                    encoded,
                    "\(name): frame at byte \(offset) does not re-encode to its bytes"
                )
                offset += encoded.count
            }
            decodedFrames += whole.count
        }
        XCTAssertGreaterThan(decodedFrames, 0, "the seeds hold valid frames")
    }

    /// Every complete request is answered, and with the database unreachable no handler ends
    /// in a 500: client errors stay client errors, database work becomes a 503.
    func testSeedsAndRegressionsRunThroughTheRequestPath() throws {
        FuzzTargets.application = FuzzTargets.makeApplication()
        let all = try self.inputs("seeds/requests") + self.inputs("regressions")
        XCTAssertFalse(all.isEmpty)
        var answered = 0
        for (name, data) in all {
            for response in data.withUnsafeBytes({ FuzzTargets.serveRequests($0) }) {
                XCTAssertTrue((200..<600).contains(response.status), "\(name): status \(response.status)")
                XCTAssertNotEqual(response.status, 500, "\(name): \(String(buffer: response.body))")
                answered += 1
            }
        }
        XCTAssertGreaterThan(answered, 0, "the request seeds hold complete requests")
    }

    /// The frame's bytes as the gateway's encoder writes them (ping and drain carry their id).
    private static func encode(_ frame: Frame<GatewayMessage>) -> [UInt8] {
        let encoder = FrameEncoder()
        var buffer = ByteBuffer()
        switch frame.message {
        case .requestHead(let head):
            encoder.writeRequestHead(head, requestID: frame.requestID, into: &buffer)
        case .requestBody(let body):
            encoder.writeRequestBody(body, requestID: frame.requestID, into: &buffer)
        case .requestEnd:
            encoder.writeRequestEnd(requestID: frame.requestID, into: &buffer)
        case .ping(let nonce):
            encoder.writePing(nonce: nonce, into: &buffer)
            buffer.setInteger(frame.requestID, at: buffer.readerIndex + 4)
        case .drain:
            encoder.writeDrain(into: &buffer)
            buffer.setInteger(frame.requestID, at: buffer.readerIndex + 4)
        }
        return Array(buffer.readableBytesView)
    }
}
