import Foundation
import XCTest

/// Bad input and the error bodies it gets, from the worker (422, 404, 405) and from the
/// gateway itself (400, 413, 431).
final class ValidationErrorsAPITests: SharedGatewayTestCase {
    /// A body limit above the largest valid article body (64 KiB) so both limits can be hit.
    static let maxBodySize = 128 * 1024

    override class func makeGateway() throws -> TestGateway {
        try TestGateway(workers: 2, arguments: ["--max-body-size", String(Self.maxBodySize)])
    }

    private func client() throws -> APIClient {
        APIClient(try self.gateway())
    }

    func testMalformedJSONEmptyBodyAndMissingRootKeyAre422() throws {
        let client = try self.client()
        let cases: [(String, String)] = [
            (#"{"user":"#, #"{"errors":{"body":["is not valid JSON"]}}"#),
            ("not json at all", #"{"errors":{"body":["is not valid JSON"]}}"#),
            ("", #"{"errors":{"body":["can't be empty"]}}"#),
            ("{}", #"{"errors":{"user":["can't be blank"]}}"#),
            (#"{"user":null}"#, #"{"errors":{"user":["can't be blank"]}}"#),
            (
                #"{"user":{"username":5,"email":"a@b.co","password":"password123"}}"#,
                #"{"errors":{"username":["must be a string"]}}"#
            ),
            (#"{"user":[]}"#, #"{"errors":{"user":["must be an object"]}}"#),
        ]
        for (body, expected) in cases {
            let response = try client.request("POST", "/api/users", body: body)
            XCTAssertEqual(response.status, 422, body)
            XCTAssertEqual(response.text, expected, body)
        }
    }

    func testArticleFieldsOverTheirLimitsAreAllReportedAtOnce() throws {
        let client = try self.client()
        let author = try client.register("limits")
        let tooLong = try client.send(
            "POST",
            "/api/articles",
            token: author.token,
            json: [
                "article": [
                    "title": String(repeating: "t", count: 257),
                    "description": String(repeating: "d", count: 1025),
                    "body": String(repeating: "b", count: 65537),
                    "tagList": (0..<21).map { "tag\($0)" },
                ]
            ]
        )
        XCTAssertEqual(tooLong.status, 422)
        XCTAssertEqual(
            tooLong.text,
            #"{"errors":{"body":["is too long (maximum is 65536 bytes)"],"#
                + #""description":["is too long (maximum is 1024 characters)"],"#
                + #""tagList":["can't have more than 20 tags"],"title":["is too long (maximum is 256 characters)"]}}"#
        )

        let atLimits = try client.send(
            "POST",
            "/api/articles",
            token: author.token,
            json: [
                "article": [
                    "title": String(repeating: "t", count: 256),
                    "description": String(repeating: "d", count: 1024),
                    "body": String(repeating: "b", count: 65536),
                    "tagList": (0..<20).map { "tag\($0)" } + ["tag0", String(repeating: "g", count: 64)],
                ]
            ]
        )
        XCTAssertEqual(atLimits.status, 422, "21 tags only because of the 64-character one")
        XCTAssertEqual(atLimits.text, #"{"errors":{"tagList":["can't have more than 20 tags"]}}"#)

        let exact = try client.send(
            "POST",
            "/api/articles",
            token: author.token,
            json: [
                "article": [
                    "title": String(repeating: "t", count: 256),
                    "description": String(repeating: "d", count: 1024),
                    "body": String(repeating: "b", count: 65536),
                    "tagList": (0..<19).map { "tag\($0)" } + ["tag0", String(repeating: "g", count: 64)],
                ]
            ]
        )
        XCTAssertEqual(exact.status, 201, "every limit is inclusive; duplicates do not count")

        let blank = try client.send(
            "POST",
            "/api/articles",
            token: author.token,
            json: ["article": ["title": "  ", "tagList": ["", String(repeating: "x", count: 65)]]]
        )
        XCTAssertEqual(blank.status, 422)
        XCTAssertEqual(
            blank.text,
            #"{"errors":{"body":["can't be blank"],"description":["can't be blank"],"#
                + #""tagList":["can't contain a blank tag","can't contain a tag longer than 64 characters"],"#
                + #""title":["can't be blank"]}}"#
        )

        let wrongType = try client.request(
            "POST",
            "/api/articles",
            token: author.token,
            body: #"{"article":{"title":"t","description":"d","body":"b","tagList":"x"}}"#
        )
        XCTAssertEqual(wrongType.status, 422)
        XCTAssertNotNil((wrongType.json?["errors"] as? [String: Any])?["tagList"], wrongType.text)
    }

    func testUnknownRouteIs404AndWrongMethodIs405() throws {
        let client = try self.client()
        let missing = try client.request("GET", "/api/nothing")
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(missing.text, #"{"errors":{"route":["not found"]}}"#)
        let wrong = try client.request("PATCH", "/api/user")
        XCTAssertEqual(wrong.status, 405)
        XCTAssertEqual(wrong.text, #"{"errors":{"method":["PATCH is not allowed here"]}}"#)
        XCTAssertEqual(wrong.header("allow"), "GET, PUT, OPTIONS")
    }

    func testGatewayRejectsOversizedBodiesTooManyHeadersAndMalformedHTTP() throws {
        let gateway = try self.gateway()
        let client = APIClient(gateway)
        let big = try client.request("POST", "/api/users", body: String(repeating: "x", count: Self.maxBodySize + 1))
        XCTAssertEqual(big.status, 413)
        XCTAssertEqual(big.text, #"{"errors":{"body":["is too large"]}}"#)
        XCTAssertEqual(big.header("connection"), "close")

        let headers = (0..<130).map { ("X-Filler-\($0)", "v") }
        let crowded = try client.request("GET", "/api/tags", headers: headers)
        XCTAssertEqual(crowded.status, 431)
        XCTAssertEqual(crowded.text, #"{"errors":{"headers":["are too many (at most 100)"]}}"#)

        let connection = try RawHTTPConnection(port: gateway.port)
        try connection.send("GET /api/tags HTTP/1.1\r\nHost x\r\n\r\n")
        let malformed = try connection.readResponse()
        XCTAssertEqual(malformed.status, 400)
        XCTAssertEqual(malformed.text, #"{"errors":{"request":["is not valid HTTP/1.1"]}}"#)

        // Request line and headers beyond the parser's limit (80 KiB): 431, not 400.
        let huge = try RawHTTPConnection(port: gateway.port)
        try huge.send("GET /api/tags HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 90_000))\r\n\r\n")
        let tooLarge = try huge.readResponse()
        XCTAssertEqual(tooLarge.status, 431)
        XCTAssertEqual(tooLarge.text, #"{"errors":{"headers":["are too large"]}}"#)
        XCTAssertEqual(try client.request("GET", "/api/tags").status, 200, "the gateway is unharmed")
    }
}
