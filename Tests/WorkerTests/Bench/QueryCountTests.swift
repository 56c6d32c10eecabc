import XCTest

@testable import Worker

final class QueryCountTests: XCTestCase {
    func testMissingOrEmptyIsOne() {
        XCTAssertEqual(QueryCount.parse(nil), 1)
        XCTAssertEqual(QueryCount.parse(""), 1)
    }

    func testNotAnIntegerIsOne() {
        for text in ["foo", "1.5", "2x", " 3", "-", "+", "--4", "0x10", "１"] {
            XCTAssertEqual(QueryCount.parse(text), 1, text)
        }
    }

    func testClampsToOneThroughFiveHundred() {
        XCTAssertEqual(QueryCount.parse("0"), 1)
        XCTAssertEqual(QueryCount.parse("-7"), 1)
        XCTAssertEqual(QueryCount.parse("1"), 1)
        XCTAssertEqual(QueryCount.parse("20"), 20)
        XCTAssertEqual(QueryCount.parse("+20"), 20)
        XCTAssertEqual(QueryCount.parse("500"), 500)
        XCTAssertEqual(QueryCount.parse("501"), 500)
    }

    func testIntegersBeyondIntAreClampedBySign() {
        XCTAssertEqual(QueryCount.parse("99999999999999999999999"), 500)
        XCTAssertEqual(QueryCount.parse("-99999999999999999999999"), 1)
    }

    func testReadsTheDecodedQueryParameter() {
        XCTAssertEqual(QueryCount.parse(QueryParameters("queries=%32%30")["queries"]), 20)
        XCTAssertEqual(QueryCount.parse(QueryParameters("queries=")["queries"]), 1)
        XCTAssertEqual(QueryCount.parse(QueryParameters("other=5")["queries"]), 1)
    }
}
