import XCTest

@testable import Gateway

/// The pool's bounded FIFO of waiting requests.
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
}
