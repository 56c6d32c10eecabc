import XCTest

@testable import Worker

final class HTTPDateTests: XCTestCase {
    func testFormatsIMFFixdate() {
        XCTAssertEqual(HTTPDate.format(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT")
        XCTAssertEqual(HTTPDate.format(0), "Thu, 01 Jan 1970 00:00:00 GMT")
        XCTAssertEqual(HTTPDate.format(1_796_000_000), "Mon, 30 Nov 2026 00:53:20 GMT")
        XCTAssertEqual(HTTPDate.format(1_709_164_800), "Thu, 29 Feb 2024 00:00:00 GMT", "a leap day")
        XCTAssertEqual(HTTPDate.format(-1), "Wed, 31 Dec 1969 23:59:59 GMT", "before the epoch")
    }

    func testNowIsAWellFormedDate() {
        var date = HTTPDate()
        let value = date.now()
        XCTAssertEqual(value.count, 29)
        XCTAssertTrue(value.hasSuffix(" GMT"))
    }
}
