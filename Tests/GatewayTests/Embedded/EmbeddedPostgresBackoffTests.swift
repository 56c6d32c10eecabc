import XCTest

@testable import Gateway

final class EmbeddedPostgresBackoffTests: XCTestCase {
    func testFirstRestartIsImmediateThenDoublesUpToTheCap() {
        let backoff = EmbeddedPostgresBackoff(
            initial: .milliseconds(500),
            maximum: .seconds(5),
            stableAfter: .seconds(60)
        )
        XCTAssertEqual(backoff.delay(consecutiveFailures: 0), .zero)
        XCTAssertEqual(backoff.delay(consecutiveFailures: 1), .zero)
        XCTAssertEqual(backoff.delay(consecutiveFailures: 2), .milliseconds(500))
        XCTAssertEqual(backoff.delay(consecutiveFailures: 3), .seconds(1))
        XCTAssertEqual(backoff.delay(consecutiveFailures: 4), .seconds(2))
        XCTAssertEqual(backoff.delay(consecutiveFailures: 5), .seconds(4))
        XCTAssertEqual(backoff.delay(consecutiveFailures: 6), .seconds(5))
        XCTAssertEqual(backoff.delay(consecutiveFailures: 1000), .seconds(5), "no overflow")
    }

    func testAStableServerStartsCountingAgain() {
        let backoff = EmbeddedPostgresBackoff()
        XCTAssertEqual(backoff.failuresAfterExit(previous: 0, uptime: .seconds(5)), 1)
        XCTAssertEqual(backoff.failuresAfterExit(previous: 4, uptime: .seconds(5)), 5)
        XCTAssertEqual(backoff.failuresAfterExit(previous: 4, uptime: .seconds(60)), 1)
        XCTAssertEqual(backoff.failuresAfterExit(previous: 9, uptime: .seconds(3600)), 1)
    }
}
