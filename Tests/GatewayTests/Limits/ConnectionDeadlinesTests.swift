import NIOCore
import NIOEmbedded
import XCTest

@testable import Gateway

/// The per-connection deadlines on a virtual clock: each phase expires after its own timeout,
/// no matter that the single timer is armed lazily.
final class ConnectionDeadlinesTests: XCTestCase {
    private let loop = EmbeddedEventLoop()
    private var expiries: [ConnectionDeadlines.Expiry] = []

    private func makeDeadlines() -> ConnectionDeadlines {
        let limits = ConnectionLimits(
            maxHeaderBytes: 8192,
            maxHeaders: 100,
            headerTimeout: 1,
            bodyTimeout: 3,
            keepAliveTimeout: 5,
            maxConnections: 10,
            maxPipelined: 16,
            rateLimit: 0,
            authRateLimit: 0,
            trustedProxies: []
        )
        let deadlines = ConnectionDeadlines(eventLoop: self.loop, limits: limits)
        deadlines.onExpiry = { self.expiries.append($0) }
        return deadlines
    }

    private func advance(_ milliseconds: Int64) {
        self.loop.advanceTime(by: .milliseconds(milliseconds))
    }

    func testAHeadThatNeverCompletesGetsARequestTimeout() {
        let deadlines = self.makeDeadlines()
        deadlines.start()
        deadlines.bytesArrived()
        self.advance(999)
        XCTAssertEqual(self.expiries, [])
        self.advance(1)
        XCTAssertEqual(self.expiries, [.requestTimeout])
        XCTAssertTrue(deadlines.headStarted)
    }

    func testIdleConnectionClosesAfterTheKeepAliveTimeoutNotTheHeaderTimeout() {
        let deadlines = self.makeDeadlines()
        deadlines.start()  // timer armed for the header timeout (1 s)
        self.advance(200)
        deadlines.bytesArrived()
        deadlines.headReceived()
        deadlines.requestComplete()
        self.advance(300)
        deadlines.responseSent()  // idle from 0.5 s: closes at 5.5 s
        self.advance(4_999)
        XCTAssertEqual(self.expiries, [], "the early timer re-armed instead of expiring")
        self.advance(1)
        XCTAssertEqual(self.expiries, [.closeQuietly])
    }

    func testEveryRequestOnAKeepAliveConnectionRestartsTheClock() {
        let deadlines = self.makeDeadlines()
        deadlines.start()
        for _ in 0..<20 {
            deadlines.bytesArrived()
            deadlines.headReceived()
            deadlines.requestComplete()
            self.advance(400)
            deadlines.responseSent()
            self.advance(400)
        }
        XCTAssertEqual(self.expiries, [], "16 s of steady traffic never expires a 1 s header timeout")
        deadlines.bytesArrived()
        self.advance(1_000)
        XCTAssertEqual(self.expiries, [.requestTimeout])
    }

    func testABodyGetsTheBodyTimeoutAndWaitingForTheWorkerHasNone() {
        let deadlines = self.makeDeadlines()
        deadlines.start()
        deadlines.bytesArrived()
        deadlines.headReceived()
        self.advance(2_999)
        XCTAssertEqual(self.expiries, [])
        deadlines.requestComplete()
        self.advance(60_000)
        XCTAssertEqual(self.expiries, [], "the pool's request timeout applies while the worker runs")
        deadlines.responseSent()
        deadlines.bytesArrived()
        deadlines.headReceived()
        self.advance(3_000)
        XCTAssertEqual(self.expiries, [.requestTimeout])
    }

    func testAShorterDeadlineReArmsTheTimerEarlier() {
        let deadlines = self.makeDeadlines()
        deadlines.start()
        deadlines.bytesArrived()
        deadlines.headReceived()
        deadlines.requestComplete()
        deadlines.responseSent()  // idle: 5 s
        self.advance(1_500)  // the header-timeout timer fired and re-armed for 5 s
        deadlines.bytesArrived()  // a new head: 1 s from now, earlier than the armed 5 s
        self.advance(1_000)
        XCTAssertEqual(self.expiries, [.requestTimeout])
    }

    func testBytesWhileWaitingForTheWorkerStartTheNextHeadsClock() {
        let deadlines = self.makeDeadlines()
        deadlines.start()
        deadlines.bytesArrived()
        deadlines.headReceived()
        deadlines.requestComplete()
        deadlines.bytesArrived()  // a pipelined head starts while the worker runs
        self.advance(2_000)
        XCTAssertEqual(self.expiries, [])
        deadlines.responseSent()  // reading that head now: 1 s, not the 5 s keep-alive
        XCTAssertTrue(deadlines.headStarted)
        self.advance(1_000)
        XCTAssertEqual(self.expiries, [.requestTimeout])
    }

    func testStoppedDeadlinesNeverExpire() {
        let deadlines = self.makeDeadlines()
        deadlines.start()
        deadlines.bytesArrived()
        deadlines.stop()
        deadlines.responseSent()
        self.advance(100_000)
        XCTAssertEqual(self.expiries, [])
    }
}
