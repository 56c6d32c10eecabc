import XCTest

@testable import Worker

final class PostgresIdentifierTests: XCTestCase {
    func testQuotesAndDoublesInnerQuotes() throws {
        XCTAssertEqual(try PostgresIdentifier.quote("rookery"), #""rookery""#)
        XCTAssertEqual(try PostgresIdentifier.quote(#"we"ird"#), #""we""ird""#)
        XCTAssertEqual(try PostgresIdentifier.quote(#"a"; DROP DATABASE x; --"#), #""a""; DROP DATABASE x; --""#)
        // A quote followed by a combining mark is one Character but still a quote to the server.
        XCTAssertEqual(try PostgresIdentifier.quote("a\"\u{301}"), "\"a\"\"\u{301}\"")
    }

    func testLengthLimitIsInBytes() throws {
        XCTAssertNoThrow(try PostgresIdentifier.quote(String(repeating: "a", count: 63)))
        XCTAssertThrowsError(try PostgresIdentifier.quote(String(repeating: "a", count: 64)))
        // 32 two-byte characters: 32 Characters but 64 bytes.
        XCTAssertThrowsError(try PostgresIdentifier.quote(String(repeating: "é", count: 32)))
    }

    func testRejectsEmptyAndNUL() {
        XCTAssertThrowsError(try PostgresIdentifier.quote(""))
        XCTAssertThrowsError(try PostgresIdentifier.quote("a\u{0}b"))
    }
}
