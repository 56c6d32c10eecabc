import NIOCore
import NIOHTTP1
import XCTest

@testable import Gateway

/// A connection's decisions without a channel: events in, actions out.
final class HTTPConnectionStateMachineTests: XCTestCase {
    private let now = NIODeadline.uptimeNanoseconds(1_000_000)

    private func head(_ method: HTTPMethod = .GET, _ uri: String = "/api/tags", keepAlive: Bool = true)
        -> HTTPRequestHead
    {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: uri)
        if !keepAlive {
            head.headers.add(name: "connection", value: "close")
        }
        return head
    }

    /// A GET received completely and forwarded; returns the machine waiting for its answer.
    private func waiting(maxPipelined: Int = 3) -> HTTPConnectionStateMachine {
        var connection = HTTPConnectionStateMachine(maxBodySize: 16, maxPipelined: maxPipelined)
        _ = connection.headArrived(self.head(), admission: .accept, now: self.now)
        _ = connection.endArrived()
        return connection
    }

    func testCompleteRequestIsForwardedWithItsBody() {
        var connection = HTTPConnectionStateMachine(maxBodySize: 16, maxPipelined: 3)
        guard case .handle = connection.partReceived(.head(self.head(.POST))) else { return XCTFail() }
        XCTAssertTrue(
            { if case .none = $0 { true } else { false } }(
                connection.headArrived(self.head(.POST), admission: .accept, now: self.now)
            )
        )
        var chunk = ByteBuffer(string: "hello")
        _ = connection.bodyArrived(&chunk)
        guard case .forward(let head, let body) = connection.endArrived() else { return XCTFail() }
        XCTAssertEqual(head.method, .POST)
        XCTAssertEqual(String(buffer: body), "hello")
        XCTAssertTrue(connection.isWaitingForResponse)
    }

    func testBodyOverTheLimitIsRejectedWith413AndCloses() {
        var connection = HTTPConnectionStateMachine(maxBodySize: 4, maxPipelined: 3)
        _ = connection.headArrived(self.head(.POST), admission: .accept, now: self.now)
        var chunk = ByteBuffer(string: "too long")
        guard case .reject(let error, _, _) = connection.bodyArrived(&chunk) else { return XCTFail() }
        XCTAssertEqual(error.status, 413)
        guard case .ignore = connection.partReceived(.end(nil)) else { return XCTFail("closing reads nothing") }
    }

    func testExpectContinueIsAnsweredBeforeTheBody() {
        var connection = HTTPConnectionStateMachine(maxBodySize: 16, maxPipelined: 3)
        var head = self.head(.POST)
        head.headers.add(name: "Expect", value: "100-continue")
        guard case .sendContinue(.http1_1) = connection.headArrived(head, admission: .accept, now: self.now) else {
            return XCTFail()
        }
    }

    func testRateLimitedRequestSkipsItsBodyThenGets429AndKeepsTheConnection() {
        var connection = HTTPConnectionStateMachine(maxBodySize: 16, maxPipelined: 3)
        _ = connection.headArrived(self.head(.POST), admission: .rateLimited(retryAfter: 2), now: self.now)
        var chunk = ByteBuffer(string: "ignored")
        guard case .none = connection.bodyArrived(&chunk) else { return XCTFail() }
        guard case .answerRefusal(let error) = connection.endArrived() else { return XCTFail() }
        XCTAssertEqual(error.status, 429)
        XCTAssertEqual(connection.answerContext()?.keepAlive, true)
    }

    /// Parts behind a request with a worker wait, reading pauses, and they are taken up in
    /// order once the answer is written; then reading resumes.
    func testPipelinedRequestWaitsAndReadingPausesUntilTheAnswerIsWritten() {
        var connection = self.waiting()
        guard case .queued = connection.partReceived(.head(self.head(.GET, "/second"))) else { return XCTFail() }
        guard case .queued = connection.partReceived(.end(nil)) else { return XCTFail() }
        XCTAssertFalse(connection.readRequested(), "held back while parts wait")

        XCTAssertEqual(connection.answerContext()?.head.uri, "/api/tags")
        connection.answerWritten(keepsConnection: true)
        guard case .handle(.head(let next)) = connection.nextQueued() else { return XCTFail() }
        XCTAssertEqual(next.uri, "/second")
        _ = connection.headArrived(next, admission: .accept, now: self.now)
        guard case .handle(.end) = connection.nextQueued() else { return XCTFail() }
        _ = connection.endArrived()
        guard case .done(resumeReading: true) = connection.nextQueued() else {
            return XCTFail("queue empty and a read was held back")
        }
        XCTAssertTrue(connection.readRequested())
    }

    func testTooManyRequestsAheadOfTheirAnswersClose() {
        var connection = self.waiting(maxPipelined: 2)
        guard case .queued = connection.partReceived(.head(self.head())) else { return XCTFail() }
        guard case .queued = connection.partReceived(.end(nil)) else { return XCTFail() }
        guard case .close = connection.partReceived(.head(self.head())) else { return XCTFail() }
        XCTAssertNil(connection.answerContext(), "closing: nothing more is answered")
    }

    func testMalformedInputBehindARequestIsAnsweredInTurnAndLaterErrorsAreIgnored() {
        var connection = self.waiting()
        guard case .queued = connection.errorCaught(parserError: .invalidMethod) else { return XCTFail() }
        guard case .ignore = connection.errorCaught(parserError: .invalidMethod) else { return XCTFail() }
        guard case .ignore = connection.partReceived(.head(self.head())) else { return XCTFail() }
        connection.answerWritten(keepsConnection: true)
        guard case .answerMalformed(.invalidMethod) = connection.nextQueued() else { return XCTFail() }
    }

    func testMalformedInputBetweenRequestsIsAnsweredAtOnce() {
        var connection = HTTPConnectionStateMachine(maxBodySize: 16, maxPipelined: 3)
        guard case .answerMalformed(.headerOverflow) = connection.errorCaught(parserError: .headerOverflow) else {
            return XCTFail()
        }
    }

    func testOtherErrorsClose() {
        var connection = self.waiting()
        guard case .close = connection.errorCaught(parserError: nil) else { return XCTFail() }
    }

    func testQuiescingClosesAnIdleConnectionAndMakesTheAnswerInHandTheLast() {
        var idle = HTTPConnectionStateMachine(maxBodySize: 16, maxPipelined: 3)
        XCTAssertTrue(idle.quiesce())

        var busy = self.waiting()
        XCTAssertFalse(busy.quiesce())
        XCTAssertEqual(busy.answerContext()?.keepAlive, false)
        guard case .ignore = busy.partReceived(.head(self.head())) else { return XCTFail("no new request") }
    }

    func testConnectionCloseAndConnectAnswerWithoutKeepAlive() {
        var close = HTTPConnectionStateMachine(maxBodySize: 16, maxPipelined: 3)
        _ = close.headArrived(self.head(keepAlive: false), admission: .accept, now: self.now)
        _ = close.endArrived()
        XCTAssertEqual(close.answerContext()?.keepAlive, false)

        var connect = HTTPConnectionStateMachine(maxBodySize: 16, maxPipelined: 3)
        _ = connect.headArrived(self.head(.CONNECT, "example.com:443"), admission: .accept, now: self.now)
        _ = connect.endArrived()
        XCTAssertEqual(connect.answerContext()?.keepAlive, false)
    }

    func testDeadlinesAnswer408OnlyWhenARequestHasBegun() {
        var receiving = HTTPConnectionStateMachine(maxBodySize: 16, maxPipelined: 3)
        _ = receiving.headArrived(self.head(.POST), admission: .accept, now: self.now)
        XCTAssertTrue(receiving.deadlinePassed(.requestTimeout, headStarted: false))

        var idleWithPartialHead = HTTPConnectionStateMachine(maxBodySize: 16, maxPipelined: 3)
        XCTAssertTrue(idleWithPartialHead.deadlinePassed(.requestTimeout, headStarted: true))

        var idle = HTTPConnectionStateMachine(maxBodySize: 16, maxPipelined: 3)
        XCTAssertFalse(idle.deadlinePassed(.requestTimeout, headStarted: false))

        var waiting = self.waiting()
        XCTAssertFalse(waiting.deadlinePassed(.closeQuietly, headStarted: false))
        XCTAssertNil(waiting.answerContext())
    }
}
