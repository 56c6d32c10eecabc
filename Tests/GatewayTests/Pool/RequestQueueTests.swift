import XCTest

@testable import Gateway

final class RequestQueueTests: XCTestCase {
    func testFIFOWithinTheLimit() {
        var queue = RequestQueue<Int>(limit: 2)
        XCTAssertTrue(queue.enqueue(1))
        XCTAssertTrue(queue.enqueue(2))
        XCTAssertFalse(queue.enqueue(3), "past the bound")
        XCTAssertEqual(queue.dequeue(), 1)
        XCTAssertEqual(queue.dequeue(), 2)
        XCTAssertNil(queue.dequeue())
    }

    func testRetriedRequestsGoFirstEvenWhenFull() {
        var queue = RequestQueue<Int>(limit: 1)
        XCTAssertTrue(queue.enqueue(1))
        queue.requeueAtFront(0)
        XCTAssertEqual(queue.count, 2)
        XCTAssertEqual(queue.removeAll(), [0, 1])
        XCTAssertTrue(queue.isEmpty)
    }

    func testRequestIDs() {
        XCTAssertTrue(RequestIDs.isAcceptable("abc-123_x.y:z"))
        XCTAssertFalse(RequestIDs.isAcceptable(""))
        XCTAssertFalse(RequestIDs.isAcceptable("has space"))
        XCTAssertFalse(RequestIDs.isAcceptable("new\nline"))
        XCTAssertFalse(RequestIDs.isAcceptable(String(repeating: "a", count: 129)))
        let generated = RequestIDs.generate()
        XCTAssertEqual(generated.count, 32)
        XCTAssertTrue(RequestIDs.isAcceptable(generated))
        XCTAssertNotEqual(generated, RequestIDs.generate())
    }

    func testSocketActivationByNameAndByPosition() throws {
        let pid = getpid()
        let named = try XCTUnwrap(
            SocketActivation.fromEnvironment(
                ["LISTEN_PID": String(pid), "LISTEN_FDS": "2", "LISTEN_FDNAMES": "admin:http"],
                pid: pid
            )
        )
        XCTAssertEqual(named.http, 4)
        XCTAssertEqual(named.admin, 3)
        let positional = try XCTUnwrap(
            SocketActivation.fromEnvironment(["LISTEN_PID": String(pid), "LISTEN_FDS": "2"], pid: pid)
        )
        XCTAssertEqual(positional.http, 3)
        XCTAssertEqual(positional.admin, 4)
        XCTAssertNil(try SocketActivation.fromEnvironment(["LISTEN_PID": "1", "LISTEN_FDS": "2"], pid: pid))
        XCTAssertThrowsError(
            try SocketActivation.fromEnvironment(["LISTEN_PID": String(pid), "LISTEN_FDS": "x"], pid: pid)
        )
    }
}
