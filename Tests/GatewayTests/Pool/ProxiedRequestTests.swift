import NIOCore
import Protocol
import XCTest

@testable import Gateway

final class ProxiedRequestTests: XCTestCase {
    private func request(method: String, writeKey: String?) -> ProxiedRequest {
        var headers = [
            HeaderField(name: "Content-Type", value: "application/json"),
            HeaderField(name: "Content-Length", value: "2"),
        ]
        if let writeKey {
            headers.append(HeaderField(name: InternalHeaders.writeKey, value: writeKey))
        }
        return ProxiedRequest(
            head: RequestHead(method: method, target: "/api/users", peerAddress: "127.0.0.1", headers: headers),
            body: ByteBuffer(string: "{}"),
            requestID: "r1",
            writeKey: writeKey,
            receivedAt: .now(),
            deliver: { _, _ in }
        )
    }

    func testAskingForTheOutcomeSwapsTheKeyAndDropsTheBody() {
        var request = self.request(method: "POST", writeKey: "0123456789abcdef0123456789abcdef")
        XCTAssertTrue(request.askForOutcome())
        XCTAssertTrue(request.isAskingForOutcome)
        XCTAssertEqual(request.body.readableBytes, 0)
        XCTAssertNil(request.head.headers.first(named: InternalHeaders.writeKey))
        XCTAssertNil(request.head.headers.first(named: "content-length"))
        XCTAssertEqual(request.head.headers.first(named: InternalHeaders.outcomeOf), "0123456789abcdef0123456789abcdef")
        XCTAssertEqual(request.head.method, "POST")
        XCTAssertFalse(request.askForOutcome(), "a write is asked about once")
    }

    /// Copies share one box until one of them changes: the change never shows in the other.
    func testCopiesStayIndependentValues() {
        let original = self.request(method: "POST", writeKey: "0123456789abcdef0123456789abcdef")
        var asking = original
        XCTAssertTrue(asking.askForOutcome())
        var rerouted = original
        rerouted.head.headers.append(HeaderField(name: "X-Extra", value: "1"))
        rerouted.requestID = "r2"
        rerouted.dispatchedAt = .now()
        XCTAssertEqual(original.body.readableBytes, 2)
        XCTAssertEqual(original.head.headers.count, 3)
        XCTAssertEqual(original.head.headers.first(named: InternalHeaders.writeKey), "0123456789abcdef0123456789abcdef")
        XCTAssertEqual(original.requestID, "r1")
        XCTAssertNil(original.dispatchedAt)
        XCTAssertFalse(original.isAskingForOutcome)
        XCTAssertEqual(asking.head.headers.count, 2)
        XCTAssertEqual(rerouted.head.headers.count, 4)
        XCTAssertEqual(rerouted.requestID, "r2")
    }

    func testARequestWithoutAKeyCannotAsk() {
        var request = self.request(method: "POST", writeKey: nil)
        XCTAssertFalse(request.askForOutcome())
        XCTAssertFalse(request.isAskingForOutcome)
        XCTAssertEqual(request.body.readableBytes, 2)
    }

    func testNotCommittedIsReadFromTheOutcomeHeader() {
        let notCommitted = ResponseHead(
            status: 502,
            headers: [HeaderField(name: "rookery-outcome", value: InternalHeaders.outcomeNotCommitted)]
        )
        XCTAssertTrue(ProxiedRequest.reportsNotCommitted(notCommitted))
        XCTAssertFalse(ProxiedRequest.reportsNotCommitted(ResponseHead(status: 502, headers: [])))
        XCTAssertFalse(
            ProxiedRequest.reportsNotCommitted(
                ResponseHead(status: 201, headers: [HeaderField(name: "Content-Type", value: "application/json")])
            )
        )
    }
}
