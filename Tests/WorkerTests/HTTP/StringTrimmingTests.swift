import XCTest

@testable import Worker

final class StringTrimmingTests: XCTestCase {
    func testTrimsUnicodeWhiteSpaceAtBothEnds() {
        XCTAssertEqual("  hello world \n".trimmingWhitespace(), "hello world")
        XCTAssertEqual("\t\r\n\u{85}\u{A0}\u{2003}\u{2028}\u{3000}x\u{202F}\u{205F}".trimmingWhitespace(), "x")
        XCTAssertEqual("   ".trimmingWhitespace(), "")
        XCTAssertEqual("".trimmingWhitespace(), "")
    }

    func testKeepsInnerWhiteSpaceAndOtherCharacters() {
        XCTAssertEqual(" a \t b ".trimmingWhitespace(), "a \t b")
        XCTAssertEqual(
            "\u{200B}zero width\u{200B}".trimmingWhitespace(),
            "\u{200B}zero width\u{200B}",
            "not White_Space"
        )
        XCTAssertEqual(" e\u{301} ".trimmingWhitespace(), "e\u{301}")
    }
}
