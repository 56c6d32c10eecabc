import Protocol
import XCTest

final class InternalHeadersTests: XCTestCase {
    func testEveryCaseOfThePrefixIsInternal() {
        for name in [
            "Rookery-Write-Key", "rookery-outcome-of", "ROOKERY-OUTCOME", "rOoKeRy-anything", "rookery-",
        ] {
            XCTAssertTrue(InternalHeaders.isInternal(name), name)
        }
    }

    func testOtherNamesAreNot() {
        for name in ["", "rookery", "Rookery_Write_Key", "X-Rookery-Write-Key", "Content-Type", "rookerz-x"] {
            XCTAssertFalse(InternalHeaders.isInternal(name), name)
        }
    }

    func testTheNamedHeadersCarryThePrefix() {
        XCTAssertTrue(InternalHeaders.isInternal(InternalHeaders.writeKey))
        XCTAssertTrue(InternalHeaders.isInternal(InternalHeaders.outcomeOf))
        XCTAssertTrue(InternalHeaders.isInternal(InternalHeaders.outcome))
    }
}
