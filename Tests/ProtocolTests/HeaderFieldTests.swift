import Protocol
import XCTest

/// `caseInsensitiveEquals` and `first(named:)`: ASCII case folding only, for small (inline)
/// and large strings alike.
final class HeaderFieldTests: XCTestCase {
    func testASCIICaseIsIgnoredAndNothingElse() {
        XCTAssertTrue("X-Request-Id".caseInsensitiveEquals("x-request-id"))
        XCTAssertTrue("CONTENT-LENGTH".caseInsensitiveEquals("content-length"))
        XCTAssertTrue("".caseInsensitiveEquals(""))
        XCTAssertFalse("X-Request-Id".caseInsensitiveEquals("x-request-ix"))
        XCTAssertFalse("Host".caseInsensitiveEquals("Hos"))
        // Only A-Z fold: '@' (0x40) and '`' (0x60), '[' (0x5B) and '{' (0x7B) differ by 32 too.
        XCTAssertFalse("@".caseInsensitiveEquals("`"))
        XCTAssertFalse("[".caseInsensitiveEquals("{"))
        // Non-ASCII bytes are compared as they are.
        XCTAssertFalse("Ünïcode".caseInsensitiveEquals("üNïCODE"))
        XCTAssertTrue("straße".caseInsensitiveEquals("STRAßE"))
    }

    func testLongStringsCompareEveryByte() {
        let long = String(repeating: "Abc-", count: 40)
        XCTAssertTrue(long.caseInsensitiveEquals(long.uppercased()))
        XCTAssertFalse(long.caseInsensitiveEquals(long.dropLast() + "x"))
    }

    func testFirstNamedFindsTheFirstMatchInOrder() {
        let fields = [
            HeaderField(name: "Accept", value: "a"),
            HeaderField(name: "x-request-id", value: "first"),
            HeaderField(name: "X-Request-Id", value: "second"),
        ]
        XCTAssertEqual(fields.first(named: "X-REQUEST-ID"), "first")
        XCTAssertNil(fields.first(named: "Authorization"))
    }
}
