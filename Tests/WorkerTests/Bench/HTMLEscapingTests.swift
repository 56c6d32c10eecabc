import XCTest

@testable import Worker

final class HTMLEscapingTests: XCTestCase {
    func testEscapesTheFiveSpecialCharacters() {
        XCTAssertEqual(HTMLEscaping.escape(#"<a href="x">&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;")
    }

    func testLeavesEverythingElseAlone() {
        let text = "フレームワークのベンチマーク — 4.33e+67; plain text\n"
        XCTAssertEqual(HTMLEscaping.escape(text), text)
        XCTAssertEqual(HTMLEscaping.escape(""), "")
    }

    func testEscapesTheTFBScriptFortune() {
        XCTAssertEqual(
            HTMLEscaping.escape(#"<script>alert("This should not be displayed in a browser alert box.");</script>"#),
            "&lt;script&gt;alert(&quot;This should not be displayed in a browser alert box.&quot;);&lt;/script&gt;"
        )
    }

    func testAppendsToExistingBytes() {
        var bytes = Array("x".utf8)
        HTMLEscaping.append("&", to: &bytes)
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "x&amp;")
    }
}
