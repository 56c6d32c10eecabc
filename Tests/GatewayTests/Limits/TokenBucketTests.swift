import XCTest

@testable import Gateway

final class TokenBucketTests: XCTestCase {
    func testBurstThenRefillAtTheRate() {
        var bucket = TokenBucket(rate: 2, burst: 4, now: 0)
        for _ in 0..<4 {
            XCTAssertNil(bucket.take(now: 0))
        }
        let wait = bucket.take(now: 0)
        XCTAssertEqual(wait ?? 0, 0.5, accuracy: 1e-9, "one token every 0.5 s at 2/s")
        XCTAssertNil(bucket.take(now: 0.5))
        XCTAssertNotNil(bucket.take(now: 0.5))
    }

    func testRefillIsCappedAtTheBurst() {
        var bucket = TokenBucket(rate: 10, burst: 3, now: 0)
        XCTAssertNil(bucket.take(now: 0))
        XCTAssertTrue(bucket.isFull(now: 100))
        for _ in 0..<3 {
            XCTAssertNil(bucket.take(now: 100))
        }
        XCTAssertNotNil(bucket.take(now: 100))
    }

    func testClockGoingBackwardsDoesNotMintTokens() {
        var bucket = TokenBucket(rate: 1, burst: 1, now: 10)
        XCTAssertNil(bucket.take(now: 10))
        XCTAssertNotNil(bucket.take(now: 5))
    }

    func testRateLimiterKeepsClientsApart() throws {
        let limiter = try XCTUnwrap(RateLimiter(rate: 1))
        XCTAssertNil(limiter.check(client: "10.0.0.1", now: 0))
        XCTAssertNil(limiter.check(client: "10.0.0.1", now: 0))
        XCTAssertNotNil(limiter.check(client: "10.0.0.1", now: 0), "burst is 2 × rate")
        XCTAssertNil(limiter.check(client: "10.0.0.2", now: 0), "another client has its own bucket")
        XCTAssertNil(RateLimiter(rate: 0), "0 means off")
    }
}
