import Protocol
import XCTest

final class WALPositionTests: XCTestCase {
    func testParsesAndPrintsPostgresSpelling() throws {
        let position = try XCTUnwrap(WALPosition("16/B374D848"))
        XCTAssertEqual(position.value, 0x16_B374_D848)
        XCTAssertEqual(position.description, "16/B374D848")
        XCTAssertEqual(WALPosition("0/0")?.value, 0)
        XCTAssertEqual(WALPosition("ffffffff/ffffffff")?.value, UInt64.max)
    }

    func testOrdersByBytePosition() throws {
        let low = try XCTUnwrap(WALPosition("0/FFFFFFFF"))
        let high = try XCTUnwrap(WALPosition("1/0"))
        XCTAssertLessThan(low, high)
        XCTAssertEqual(try XCTUnwrap(WALPosition("0/1A")), try XCTUnwrap(WALPosition("0/1a")))
    }

    func testRejectsAnythingElse() {
        for text in [
            "", "/", "0/", "/0", "0/0/0", "123456789/0", "0/123456789", "g/0", "+1/0", "-1/0", " 0/0", "0x1/0",
        ] {
            XCTAssertNil(WALPosition(text), text)
        }
    }
}
