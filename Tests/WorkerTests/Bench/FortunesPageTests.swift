import XCTest

@testable import Worker

final class FortunesPageTests: XCTestCase {
    func testAddsTheRequestTimeFortuneAndSortsByMessage() {
        let stored = [
            Fortune(id: 12, message: "フレームワークのベンチマーク"),
            Fortune(id: 2, message: "A computer scientist is someone who fixes things that aren't broken."),
            Fortune(id: 11, message: "<script>alert(\"x\");</script>"),
            Fortune(id: 1, message: "fortune: No such file or directory"),
        ]
        // "<" (0x3C) sorts before "A"; "A " before "Ad"; lowercase after uppercase; kana last.
        XCTAssertEqual(FortunesPage.arrange(stored).map(\.id), [11, 2, 0, 1, 12])
    }

    func testSortIsByUTF8Bytes() {
        let arranged = FortunesPage.arrange([
            Fortune(id: 1, message: "b"),
            Fortune(id: 2, message: "B"),
            Fortune(id: 3, message: "<"),
            Fortune(id: 4, message: "é"),
        ])
        XCTAssertEqual(arranged.map(\.message), ["<", "Additional fortune added at request time.", "B", "b", "é"])
    }

    func testRendersTFBMarkupExactly() {
        let page = FortunesPage.render([
            Fortune(id: 11, message: "<script>alert(\"x\");</script>"),
            Fortune(id: 0, message: "Additional fortune added at request time."),
            Fortune(id: 12, message: "フレームワーク"),
        ])
        let expected =
            "<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table>"
            + "<tr><th>id</th><th>message</th></tr>"
            + "<tr><td>11</td><td>&lt;script&gt;alert(&quot;x&quot;);&lt;/script&gt;</td></tr>"
            + "<tr><td>0</td><td>Additional fortune added at request time.</td></tr>"
            + "<tr><td>12</td><td>フレームワーク</td></tr>"
            + "</table></body></html>"
        XCTAssertEqual(String(decoding: page, as: UTF8.self), expected)
    }

    func testEmptyTableStillHasTheHeaderRow() {
        let page = String(decoding: FortunesPage.render([]), as: UTF8.self)
        XCTAssertTrue(page.hasSuffix("<tr><th>id</th><th>message</th></tr></table></body></html>"))
    }
}
