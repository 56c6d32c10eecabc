import Foundation
import XCTest

/// CORS: preflight answers and the allow-origin header on every worker response, with a
/// configured origin (the default `*` is checked in `TagsAPITests`).
final class CORSAPITests: SharedGatewayTestCase {
    static let origin = "https://app.example.com"

    override class func makeGateway() throws -> TestGateway {
        try TestGateway(workers: 2, arguments: ["--cors-origin", Self.origin])
    }

    private func client() throws -> APIClient {
        APIClient(try self.gateway())
    }

    func testPreflightIsAnsweredWithTheAllowHeaders() throws {
        let client = try self.client()
        for path in ["/api/articles", "/api/articles/some-slug/favorite", "/api/user"] {
            let response = try client.request(
                "OPTIONS",
                path,
                headers: [
                    ("Origin", Self.origin), ("Access-Control-Request-Method", "PUT"),
                    ("Access-Control-Request-Headers", "authorization, content-type"),
                ]
            )
            XCTAssertEqual(response.status, 204, path)
            XCTAssertEqual(response.header("access-control-allow-origin"), Self.origin, path)
            XCTAssertEqual(response.header("access-control-allow-methods"), "GET, POST, PUT, DELETE, OPTIONS", path)
            XCTAssertEqual(response.header("access-control-allow-headers"), "authorization, content-type", path)
            XCTAssertEqual(response.header("access-control-max-age"), "86400", path)
            XCTAssertEqual(response.header("vary"), "Origin", path)
            XCTAssertNotNil(response.header("x-request-id"), path)
        }
        let bare = try client.request("OPTIONS", "/api/tags")
        XCTAssertEqual(bare.status, 204)
        XCTAssertEqual(bare.header("access-control-allow-headers"), "Authorization, Content-Type, X-Requested-With")
    }

    func testEveryWorkerResponseCarriesTheAllowOrigin() throws {
        let client = try self.client()
        let responses = [
            try client.request("GET", "/api/tags", headers: [("Origin", Self.origin)]),
            try client.request("GET", "/api/user"),
            try client.request("GET", "/api/articles/\(Unique.name("none"))"),
            try client.request("POST", "/api/users", body: "{"),
            try client.request("PATCH", "/api/tags"),
        ]
        XCTAssertEqual(responses.map(\.status), [200, 401, 404, 422, 405])
        for response in responses {
            XCTAssertEqual(response.header("access-control-allow-origin"), Self.origin, "\(response.status)")
            XCTAssertEqual(response.header("vary"), "Origin", "\(response.status)")
            // Added by one process only (the gateway): never twice.
            XCTAssertEqual(
                response.headers.filter { $0.0.lowercased() == "access-control-allow-origin" }.count,
                1,
                "\(response.status)"
            )
            XCTAssertEqual(response.headers.filter { $0.0.lowercased() == "vary" }.count, 1, "\(response.status)")
        }
    }
}
