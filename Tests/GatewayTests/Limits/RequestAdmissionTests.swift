import NIOHTTP1
import XCTest

@testable import Gateway

/// The decisions taken on a request head before its body, and the pipelined-parts count.
final class RequestAdmissionTests: XCTestCase {
    private let settings = ProxySettings(
        maxBodySize: 100,
        corsOrigin: "*",
        limits: ConnectionLimits(
            maxHeaderBytes: 200,
            maxHeaders: 3,
            headerTimeout: 1,
            bodyTimeout: 1,
            keepAliveTimeout: 1,
            maxConnections: 1,
            maxPipelined: 1,
            rateLimit: 0,
            authRateLimit: 0,
            trustedProxies: []
        )
    )

    private func head(_ fields: [(String, String)], uri: String = "/api/tags") -> HTTPRequestHead {
        HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: HTTPHeaders(fields))
    }

    private func refusal(_ admission: RequestAdmission) -> Int? {
        if case .refuse(let error) = admission { return error.status }
        return nil
    }

    func testSizeLimitsRefuseAndEverythingElseIsTaken() {
        let check = { RequestAdmission.check($0, client: "1.2.3.4", settings: self.settings) }
        XCTAssertNil(self.refusal(check(self.head([("Host", "x")]))))
        XCTAssertEqual(self.refusal(check(self.head([("A", "1"), ("B", "2"), ("C", "3"), ("D", "4")]))), 431)
        XCTAssertEqual(self.refusal(check(self.head([("A", String(repeating: "x", count: 200))]))), 431)
        XCTAssertEqual(self.refusal(check(self.head([("Content-Length", "101")]))), 413)
        XCTAssertNil(self.refusal(check(self.head([("Content-Length", "100")]))))
    }

    func testHeadBytesCountTheRequestLineAndEveryField() {
        let head = self.head([("Host", "x")], uri: "/a")
        // "GET /a HTTP/1.1\r\n" + "Host: x\r\n"
        XCTAssertEqual(RequestAdmission.headBytes(head), 3 + 2 + 11 + 4 + 1 + 4)
    }

    func testPipelinedPartsCountRequestsByTheirHeads() {
        var parts = PipelinedParts()
        let head = HTTPServerRequestPart.head(self.head([]))
        parts.append(.part(head))
        parts.append(.part(.end(nil)))
        parts.append(.part(head))
        XCTAssertEqual(parts.requests, 2)
        _ = parts.popFirst()
        XCTAssertEqual(parts.requests, 1)
        parts.removeAll()
        XCTAssertEqual(parts.requests, 0)
        XCTAssertTrue(parts.isEmpty)
    }
}
