import NIOCore
import Protocol
import XCTest

@testable import Gateway

final class WritePositionsTests: XCTestCase {
    private let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    private func position(_ value: UInt64) -> WALPosition { WALPosition(value: value) }

    func testAUsersReadsNeedTheirLastWriteUntilRetentionEnds() {
        let positions = WritePositions(retention: .seconds(10))
        positions.record(user: "7", position: self.position(100), now: self.start)
        XCTAssertEqual(positions.required(user: "7", now: self.start + .seconds(9)), self.position(100))
        XCTAssertNil(positions.required(user: "8", now: self.start), "other users are not held back")
        XCTAssertNil(positions.required(user: nil, now: self.start), "anonymous reads are free")
        XCTAssertNil(positions.required(user: "7", now: self.start + .seconds(10)), "expired")
        XCTAssertEqual(positions.count, 0, "the expired entry is gone")
    }

    func testAPositionNeverMovesBackwards() {
        let positions = WritePositions(retention: .seconds(10))
        positions.record(user: "7", position: self.position(200), now: self.start)
        positions.record(user: "7", position: self.position(150), now: self.start + .seconds(5))
        XCTAssertEqual(positions.required(user: "7", now: self.start + .seconds(12)), self.position(200))
    }

    func testEvictionRaisesAFloorInsteadOfForgetting() {
        let positions = WritePositions(retention: .seconds(10), capacity: 2)
        positions.record(user: "1", position: self.position(10), now: self.start)
        positions.record(user: "2", position: self.position(20), now: self.start)
        positions.record(user: "3", position: self.position(30), now: self.start)
        XCTAssertEqual(positions.count, 2)
        let evictedFloor = [self.position(10), self.position(20)]
        // Whoever was evicted: their reads still wait for at least their own position.
        for user in ["1", "2"] {
            let required = positions.required(user: user, now: self.start + .seconds(1))
            XCTAssertNotNil(required)
            XCTAssertTrue(required.map { evictedFloor.contains($0) || $0 == self.position(20) } ?? false)
            XCTAssertGreaterThanOrEqual(required ?? self.position(0), self.position(user == "1" ? 10 : 20))
        }
        XCTAssertNotNil(positions.required(user: nil, now: self.start + .seconds(1)), "the floor holds for everyone")
        XCTAssertNil(positions.required(user: nil, now: self.start + .seconds(11)), "until it expires")
    }

    func testExpiredEntriesMakeRoomFirst() {
        let positions = WritePositions(retention: .seconds(1), capacity: 1)
        positions.record(user: "1", position: self.position(10), now: self.start)
        positions.record(user: "2", position: self.position(20), now: self.start + .seconds(2))
        XCTAssertNil(positions.required(user: nil, now: self.start + .seconds(2)), "no floor: nothing live was evicted")
        XCTAssertEqual(positions.required(user: "2", now: self.start + .seconds(2)), self.position(20))
    }
}
