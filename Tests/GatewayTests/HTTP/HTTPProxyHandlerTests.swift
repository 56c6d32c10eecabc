import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Protocol
import XCTest

@testable import Gateway

/// One client connection on an embedded channel, with NIO's request decoder in front and the
/// pool replaced by a list of submitted requests: order of pipelined answers, when reading
/// pauses, the pipelining limit, malformed input and quiescing.
final class HTTPProxyHandlerTests: XCTestCase {
    /// Counts the `read` calls that get past the proxy handler to the socket.
    private final class ReadCounter: ChannelOutboundHandler {
        typealias OutboundIn = ByteBuffer
        var reads = 0
        func read(context: ChannelHandlerContext) {
            self.reads += 1
            context.read()
        }
    }

    private var channel: EmbeddedChannel!
    private var metrics = GatewayMetrics(bootstrap: false)
    private var submitted: [ProxiedRequest] = []
    private let readCounter = ReadCounter()

    override func setUpWithError() throws {
        let channel = EmbeddedChannel()
        let limits = ConnectionLimits(
            maxHeaderBytes: 8192,
            maxHeaders: 100,
            headerTimeout: 10,
            bodyTimeout: 10,
            keepAliveTimeout: 10,
            maxConnections: 10,
            maxPipelined: 3,
            rateLimit: 0,
            authRateLimit: 0,
            trustedProxies: []
        )
        let settings = ProxySettings(maxBodySize: 1024, corsOrigin: "*", limits: limits)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        self.metrics = GatewayMetrics(bootstrap: false)
        let observer = RequestObserver(
            logger: logger,
            metrics: self.metrics,
            slowRequestThreshold: .seconds(60)
        )
        let deadlines = ConnectionDeadlines(eventLoop: channel.embeddedEventLoop, limits: limits)
        let handler = HTTPProxyHandler(settings: settings, observer: observer, deadlines: deadlines) {
            self.submitted.append($0)
        }
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(self.readCounter)
        try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
        try pipeline.addHandler(handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        self.channel = channel
    }

    override func tearDownWithError() throws {
        _ = try? self.channel.finish()
    }

    private func send(_ text: String) throws {
        try self.channel.writeInbound(self.channel.allocator.buffer(string: text))
    }

    private func answer(_ index: Int, body: String, status: UInt16 = 200) {
        let head = ResponseHead(status: status, headers: [HeaderField(name: "Content-Type", value: "text/plain")])
        self.submitted[index].respond(.worker(head, self.channel.allocator.buffer(string: body)))
        self.channel.embeddedEventLoop.run()
    }

    /// Everything written to the client so far.
    private func written() throws -> String {
        var text = ""
        while let buffer = try self.channel.readOutbound(as: ByteBuffer.self) {
            text += String(buffer: buffer)
        }
        return text
    }

    private func bodies(of text: String) -> [String] {
        text.components(separatedBy: "HTTP/1.1 ").dropFirst().map { $0.components(separatedBy: "\r\n\r\n").last ?? "" }
    }

    func testOneRequestIsForwardedAndAnswered() throws {
        try self.send("GET /a HTTP/1.1\r\nHost: x\r\nX-Request-Id: client-id-1\r\n\r\n")
        XCTAssertEqual(self.submitted.count, 1)
        XCTAssertEqual(self.submitted[0].head.target, "/a")
        XCTAssertEqual(self.submitted[0].requestID, "client-id-1")
        self.answer(0, body: "one")
        let text = try self.written()
        XCTAssertTrue(text.hasPrefix("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"), text)
        XCTAssertTrue(text.contains("\r\nX-Request-Id: client-id-1\r\n"), text)
        XCTAssertTrue(text.hasSuffix("Content-Length: 3\r\n\r\none"), text)
        XCTAssertTrue(self.channel.isActive)
    }

    func testPipelinedRequestsGoOneAtATimeAndAreAnsweredInOrder() throws {
        try self.send(
            "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        XCTAssertEqual(self.submitted.map(\.head.target), ["/1"])
        self.answer(0, body: "first")
        XCTAssertEqual(self.submitted.map(\.head.target), ["/1", "/2"])
        self.answer(1, body: "second")
        self.answer(2, body: "third")
        XCTAssertEqual(self.bodies(of: try self.written()), ["first", "second", "third"])
    }

    func testReadingPausesOnlyWhileRequestsAreQueued() throws {
        try self.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n")
        let before = self.readCounter.reads
        self.channel.read()
        XCTAssertEqual(self.readCounter.reads, before + 1, "a request with a worker alone does not pause reading")
        try self.send("GET /2 HTTP/1.1\r\nHost: x\r\n\r\n")
        self.channel.read()
        XCTAssertEqual(self.readCounter.reads, before + 1, "a queued request pauses reading")
        self.answer(0, body: "first")
        XCTAssertEqual(self.readCounter.reads, before + 2, "the held read goes out once the queue is empty")
    }

    func testPipeliningBeyondTheLimitClosesTheConnection() throws {
        let four = String(repeating: "GET /p HTTP/1.1\r\nHost: x\r\n\r\n", count: 4)
        try self.send(four)
        XCTAssertFalse(self.channel.isActive)
        XCTAssertEqual(self.submitted.count, 1)
    }

    func testMalformedRequestBehindAPendingOneIsAnsweredAfterIt() throws {
        try self.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\nGET /a b c\r\n\r\n")
        XCTAssertTrue(self.channel.isActive)
        self.answer(0, body: "fine")
        let text = try self.written()
        let fine = try XCTUnwrap(text.range(of: "fine"))
        let bad = try XCTUnwrap(text.range(of: "HTTP/1.1 400 Bad Request\r\n"))
        XCTAssertLessThan(fine.lowerBound, bad.lowerBound)
        XCTAssertTrue(text.contains("is not valid HTTP/1.1"))
        XCTAssertFalse(self.channel.isActive)
    }

    func testMalformedRequestOnAnIdleConnectionIsAnswered400AndClosed() throws {
        try self.send("GET / NOT HTTP AT ALL\r\n\r\n")
        let text = try self.written()
        XCTAssertTrue(text.hasPrefix("HTTP/1.1 400 Bad Request\r\n"), text)
        XCTAssertTrue(text.contains("\r\nConnection: close\r\n"))
        XCTAssertFalse(self.channel.isActive)
    }

    /// `http_requests_total` as exported, for one label set.
    private func requestCount(method: String, route: String, status: Int) -> String? {
        let bytes = self.metrics.exposition()
        let series = #"http_requests_total{method="\#(method)",route="\#(route)",status="\#(status)"} "#
        let line = String(decoding: bytes, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix(series) }
        return line.map { String($0.dropFirst(series.count)) }
    }

    func testAnUnrecognizedMethodIs501AndCounted() throws {
        try self.send("M1 / HTTP/1.1\r\nHost: x\r\n\r\n")
        let text = try self.written()
        XCTAssertTrue(text.hasPrefix("HTTP/1.1 501 Not Implemented\r\n"), text)
        XCTAssertTrue(text.hasSuffix(#"{"errors":{"method":["is not implemented"]}}"#), text)
        XCTAssertFalse(self.channel.isActive)
        XCTAssertEqual(self.submitted.count, 0)
        XCTAssertEqual(self.requestCount(method: "other", route: "rejected", status: 501), "1")
    }

    func testTheGatewaysOwnRefusalsAreCountedLikeEveryAnswer() throws {
        try self.send("NOT HTTP AT ALL\r\n\r\n")
        XCTAssertEqual(self.requestCount(method: "other", route: "rejected", status: 501), "1")
        try self.setUpWithError()
        try self.send("GET / NOT HTTP\r\n\r\n")
        XCTAssertEqual(self.requestCount(method: "other", route: "rejected", status: 400), "1")
        try self.setUpWithError()
        try self.send("POST /api/articles HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n")
        XCTAssertTrue(try self.written().hasPrefix("HTTP/1.1 413 "))
        XCTAssertEqual(self.requestCount(method: "POST", route: "rejected", status: 413), "1")
        try self.setUpWithError()
        try self.send("POST /api/articles HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        try self.send("800\r\n" + String(repeating: "x", count: 0x800) + "\r\n")
        XCTAssertTrue(try self.written().hasPrefix("HTTP/1.1 413 "))
        XCTAssertEqual(self.requestCount(method: "POST", route: "rejected", status: 413), "1", "body over the limit")
    }

    func testQuiescingClosesAfterTheAnswerInHandAndDropsTheRest() throws {
        try self.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n")
        self.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        XCTAssertTrue(self.channel.isActive)
        self.answer(0, body: "last")
        self.channel.embeddedEventLoop.run()
        let text = try self.written()
        XCTAssertTrue(text.contains("\r\nConnection: close\r\n"), text)
        XCTAssertEqual(self.bodies(of: text), ["last"])
        XCTAssertEqual(self.submitted.count, 1)
        XCTAssertFalse(self.channel.isActive)
    }

    func testQuiescingAnIdleConnectionClosesIt() throws {
        self.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        XCTAssertFalse(self.channel.isActive)
    }

    func testConnectionCloseFromTheClientClosesAfterTheAnswer() throws {
        try self.send("GET /1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.answer(0, body: "bye")
        self.channel.embeddedEventLoop.run()
        XCTAssertTrue(try self.written().contains("\r\nConnection: close\r\n"))
        XCTAssertFalse(self.channel.isActive)
    }

    func testExpectContinueGets100ThenTheAnswer() throws {
        try self.send("POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
        XCTAssertEqual(try self.written(), "HTTP/1.1 100 Continue\r\n\r\n")
        try self.send("hi")
        XCTAssertEqual(self.submitted.count, 1)
        XCTAssertEqual(self.submitted[0].body.readableBytes, 2)
    }
}
