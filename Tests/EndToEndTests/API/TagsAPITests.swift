import Foundation
import XCTest

/// `GET /api/tags` and `GET /api/openapi.yml`: the public, unauthenticated reads.
final class TagsAPITests: SharedGatewayTestCase {
    private func client() throws -> APIClient {
        APIClient(try self.gateway())
    }

    private func tags(_ client: APIClient) throws -> [String] {
        let response = try client.request("GET", "/api/tags")
        XCTAssertEqual(response.status, 200, response.text)
        XCTAssertEqual(response.header("access-control-allow-origin"), "*")
        return try XCTUnwrap(response.json?["tags"] as? [String])
    }

    func testTagsListEveryTagInUseSortedByCodePoint() throws {
        let client = try self.client()
        let author = try client.register("tags")
        let suffix = Unique.name("")
        let names = ["zeta\(suffix)", "Alpha\(suffix)", "beta\(suffix)", "alpha\(suffix)"]
        let slug = try client.createArticleSlug(by: author, tags: names)
        for index in 0..<25 {
            try client.createArticle(by: author, tags: ["many\(index)\(suffix)"])
        }
        let listed = try self.tags(client)
        XCTAssertEqual(listed, listed.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        let mine = listed.filter { $0.hasSuffix(suffix) && !$0.hasPrefix("many") }
        XCTAssertEqual(mine, ["Alpha\(suffix)", "alpha\(suffix)", "beta\(suffix)", "zeta\(suffix)"])
        XCTAssertEqual(listed.filter { $0.hasPrefix("many") && $0.hasSuffix(suffix) }.count, 25, "no top-N cut")

        XCTAssertEqual(try client.request("DELETE", "/api/articles/\(slug)", token: author.token).status, 204)
        XCTAssertFalse(try self.tags(client).contains("zeta\(suffix)"), "a tag no article uses is not listed")
    }

    func testOpenAPIDocumentIsServedWithoutAuth() throws {
        let client = try self.client()
        let response = try client.request("GET", "/api/openapi.yml")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.header("content-type"), "application/yaml; charset=utf-8")
        XCTAssertNotNil(response.header("x-request-id"))
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/openapi.yml")
        XCTAssertEqual(response.body, Array(try Data(contentsOf: file)), "the served document is docs/openapi.yml")

        let head = try client.request("HEAD", "/api/openapi.yml")
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.header("content-length"), String(response.body.count))
    }
}
