import XCTest

@testable import Worker

final class WriteLedgerTests: XCTestCase {
    func testKeysHaveTheGatewaysShape() {
        XCTAssertTrue(WriteLedger.isValidKey("0123456789abcdef0123456789abcdef"))
        XCTAssertTrue(WriteLedger.isValidKey("a"))
        XCTAssertTrue(WriteLedger.isValidKey(String(repeating: "f", count: 64)))
    }

    func testAnythingElseIsRefused() {
        for key in [
            "", String(repeating: "f", count: 65), "0123ABCDEF", "g", "12 34", "'; DROP TABLE users; --", "é",
        ] {
            XCTAssertFalse(WriteLedger.isValidKey(key), key)
        }
    }
}
