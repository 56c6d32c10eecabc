import Dispatch
import Foundation
import NIOCore
import Protocol
import XCTest

/// A micro-benchmark of the frame codec, not a test: it prints nanoseconds per message and
/// per frame and asserts nothing about time. Runs only with `ROOKERY_BENCH=1`, in release
/// mode to mean anything (`deploy/loadtest/bench-codec.sh`).
///
/// A "typical request" is a GET with 8 headers (head + end frame); a "typical response" is a
/// 200 with 4 headers and a 2 KiB JSON body (head + body + end frame). Each iteration encodes
/// the message into a reused buffer and decodes every frame back, as the gateway and worker
/// do for each request.
final class CodecBenchmark: XCTestCase {
    /// `ROOKERY_BENCH_ITERATIONS` overrides it (a debug build is ~100× slower).
    private static let iterations = max(
        ProcessInfo.processInfo.environment["ROOKERY_BENCH_ITERATIONS"].flatMap { Int($0) } ?? 200_000,
        10
    )

    override func setUpWithError() throws {
        guard ProcessInfo.processInfo.environment["ROOKERY_BENCH"] == "1" else {
            throw XCTSkip("set ROOKERY_BENCH=1 to run the codec benchmark")
        }
    }

    func testRequestRoundTrip() throws {
        let head = RequestHead(
            method: "GET",
            target: "/api/articles?limit=20&offset=0&tag=swift",
            peerAddress: "127.0.0.1",
            headers: [
                HeaderField(name: "Host", value: "127.0.0.1:8080"),
                HeaderField(name: "User-Agent", value: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101"),
                HeaderField(name: "Accept", value: "application/json"),
                HeaderField(name: "Accept-Encoding", value: "gzip, deflate, br"),
                HeaderField(name: "Accept-Language", value: "en-US,en;q=0.5"),
                HeaderField(name: "Authorization", value: "Token " + String(repeating: "x", count: 160)),
                HeaderField(name: "Connection", value: "keep-alive"),
                HeaderField(name: "X-Request-Id", value: "4ccd372ea933cfaba1f4f4ba9484c30b"),
            ]
        )
        let encoder = FrameEncoder()
        var decoder = FrameDecoder<GatewayMessage>()
        var buffer = ByteBuffer()
        var frames = 0
        let nanoseconds = try Self.measure {
            buffer.clear()
            encoder.writeRequestHead(head, requestID: 42, into: &buffer)
            encoder.writeRequestEnd(requestID: 42, into: &buffer)
            while let frame = try decoder.decode(buffer: &buffer) {
                frames &+= Int(frame.requestID & 1)
            }
        }
        XCTAssertEqual(frames, 0)  // request id 42 is even; the loop only keeps the work observable
        Self.report("request (GET, 8 headers)", nanoseconds: nanoseconds, framesPerMessage: 2)
    }

    func testResponseRoundTrip() throws {
        let head = ResponseHead(
            status: 200,
            headers: [
                HeaderField(name: "Content-Type", value: "application/json; charset=utf-8"),
                HeaderField(name: "Access-Control-Allow-Origin", value: "*"),
                HeaderField(name: "Server", value: "rookery"),
                HeaderField(name: "Date", value: "Sun, 29 Nov 2026 03:50:18 GMT"),
            ]
        )
        let article = #"{"slug":"seed-article-1","title":"Seed article 1","favorited":false},"#
        let json = "[" + String(repeating: article, count: 2048 / article.utf8.count + 1).prefix(2046) + "]"
        let body = ByteBuffer(string: json)
        let encoder = FrameEncoder()
        var decoder = FrameDecoder<WorkerMessage>()
        var buffer = ByteBuffer()
        var bodyBytes = 0
        let nanoseconds = try Self.measure {
            buffer.clear()
            encoder.writeResponseHead(head, requestID: 42, into: &buffer)
            encoder.writeResponseBody(body, requestID: 42, into: &buffer)
            encoder.writeResponseEnd(RequestStatistics(databaseRoundTrips: 2), requestID: 42, into: &buffer)
            while let frame = try decoder.decode(buffer: &buffer) {
                if case .responseBody(let chunk) = frame.message {
                    bodyBytes = chunk.readableBytes
                }
            }
        }
        XCTAssertEqual(bodyBytes, 2048)
        Self.report("response (200, 2 KiB JSON)", nanoseconds: nanoseconds, framesPerMessage: 3)
    }

    /// Runs `body` `iterations` times after a warm-up and returns the nanoseconds per run.
    private static func measure(_ body: () throws -> Void) throws -> Double {
        for _ in 0..<(iterations / 10) {
            try body()
        }
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations {
            try body()
        }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / Double(iterations)
    }

    private static func report(_ name: String, nanoseconds: Double, framesPerMessage: Int) {
        let perFrame = nanoseconds / Double(framesPerMessage)
        print(
            "CodecBenchmark \(name): \(String(format: "%.0f", nanoseconds)) ns per encode+decode, "
                + "\(String(format: "%.0f", perFrame)) ns per frame (\(framesPerMessage) frames), "
                + "\(iterations) iterations"
        )
    }
}
