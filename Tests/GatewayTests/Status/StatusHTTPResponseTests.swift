import XCTest

@testable import Gateway

final class StatusHTTPResponseTests: XCTestCase {
    private func parse(_ text: String, atEnd: Bool = false) throws -> StatusHTTPResponse.Parse {
        try StatusHTTPResponse.parse(Array(text.utf8), atEnd: atEnd)
    }

    func testContentLength() throws {
        let text = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
        guard case .complete(let response) = try self.parse(text) else { return XCTFail("incomplete") }
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("content-type"), "application/json")
        XCTAssertEqual(response.text, "{}")
        XCTAssertEqual(try self.parse(String(text.dropLast())), .incomplete)
        XCTAssertThrowsError(try self.parse(String(text.dropLast()), atEnd: true))
    }

    func testChunked() throws {
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n4;x=y\r\n\":1}\r\n0\r\n\r\n"
        guard case .complete(let response) = try self.parse(text) else { return XCTFail("incomplete") }
        XCTAssertEqual(response.text, #"{"a":1}"#)
        XCTAssertEqual(try self.parse(String(text.prefix(60))), .incomplete)
        XCTAssertThrowsError(try self.parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"))
    }

    func testBodyUntilClose() throws {
        let text = "HTTP/1.0 503 Service Unavailable\r\n\r\nbusy"
        XCTAssertEqual(try self.parse(text), .incomplete)
        guard case .complete(let response) = try self.parse(text, atEnd: true) else { return XCTFail("incomplete") }
        XCTAssertEqual(response.status, 503)
        XCTAssertEqual(response.text, "busy")
    }

    func testMalformed() {
        XCTAssertEqual(try self.parse("HTTP/1.1 200 OK\r\n"), .incomplete)
        for text in [
            "SSH-2.0-OpenSSH\r\n\r\n", "HTTP/1.1 abc OK\r\n\r\n", "HTTP/1.1 200 OK\r\nbroken\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        ] {
            XCTAssertThrowsError(try self.parse(text), text)
        }
    }
}
