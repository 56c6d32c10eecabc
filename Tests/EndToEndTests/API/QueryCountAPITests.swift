import Foundation
import XCTest

/// Database round trips per request, read from `X-Database-Round-Trips` (`--debug-query-count`).
///
/// The first use of a statement in a worker adds a `PREPARE`, and the gateway may hand any
/// request to any worker, so each figure is the minimum over `repeats` calls (more calls than
/// workers): the steady-state cost. List endpoints must cost the same for 1 and 20 articles
/// with authors, tags, favorites and follows (no N+1 queries).
final class QueryCountAPITests: SharedGatewayTestCase {
    static let workers = 2
    static let repeats = workers + 2

    /// The documented steady-state round trips of each endpoint (docs/api.md, "Round trips").
    /// Every write pays one round trip for committing with its recorded outcome (`WriteLedger`).
    static let bounds: [String: Int] = [
        "POST /api/users": 2,
        "POST /api/users/login": 2,
        "GET /api/user": 1,
        "PUT /api/user": 3,
        "GET /api/profiles/:username": 1,
        "POST /api/profiles/:username/follow": 2,
        "DELETE /api/profiles/:username/follow": 2,
        "GET /api/articles": 1,
        "GET /api/articles/feed": 1,
        "GET /api/articles/:slug": 1,
        "POST /api/articles": 3,
        "PUT /api/articles/:slug": 4,
        "DELETE /api/articles/:slug": 3,
        "POST /api/articles/:slug/favorite": 3,
        "DELETE /api/articles/:slug/favorite": 3,
        "GET /api/articles/:slug/comments": 1,
        "POST /api/articles/:slug/comments": 3,
        "DELETE /api/articles/:slug/comments/:id": 3,
        "GET /api/tags": 1,
        "GET /api/openapi.yml": 0,
    ]

    override class func makeGateway() throws -> TestGateway {
        try TestGateway(workers: Self.workers, arguments: ["--debug-query-count"])
    }

    /// The fewest round trips `request` took over `repeats` calls; each call must answer `status`.
    private func roundTrips(
        _ status: Int,
        file: StaticString = #filePath,
        line: UInt = #line,
        _ request: (Int) throws -> TestResponse
    ) throws -> Int {
        var fewest = Int.max
        for index in 0..<Self.repeats {
            let response = try request(index)
            XCTAssertEqual(response.status, status, response.text, file: file, line: line)
            let header = try XCTUnwrap(response.header("x-database-round-trips"), file: file, line: line)
            fewest = min(fewest, try XCTUnwrap(Int(header), file: file, line: line))
        }
        return fewest
    }

    func testListsCostTheSameForOneAndTwentyArticles() throws {
        let client = APIClient(try self.gateway())
        let viewer = try client.register("qc-viewer")
        let authors = try (0..<3).map { _ in try client.register("qc-author") }
        let tag = Unique.name("qc")
        var slugs: [String] = []
        for index in 0..<24 {
            let author = authors[index % authors.count]
            slugs.append(try client.createArticleSlug(by: author, tags: [tag, "qc-\(index % 5)", "qc-all"]))
        }
        for author in authors {
            try client.follow(author.username, by: viewer)
        }
        for (index, slug) in slugs.enumerated() where index.isMultiple(of: 2) {
            _ = try client.request("POST", "/api/articles/\(slug)/favorite", token: viewer.token)
            _ = try client.request("POST", "/api/articles/\(slug)/favorite", token: authors[0].token)
        }

        for token in [nil, viewer.token] {
            let one = try self.roundTrips(200) { _ in
                try client.request("GET", "/api/articles?limit=1", token: token)
            }
            let twenty = try self.roundTrips(200) { _ in
                let response = try client.request("GET", "/api/articles?limit=20", token: token)
                XCTAssertEqual(response.list("articles")?.count, 20)
                return response
            }
            XCTAssertEqual(one, twenty, "GET /api/articles, token: \(token != nil)")
            XCTAssertLessThanOrEqual(twenty, Self.bounds["GET /api/articles"] ?? 0)
            let filtered = try self.roundTrips(200) { _ in
                try client.request("GET", "/api/articles?tag=\(tag)&author=\(authors[0].username)", token: token)
            }
            XCTAssertEqual(filtered, twenty, "filters add no round trip")
        }
        let feedOne = try self.roundTrips(200) { _ in
            try client.request("GET", "/api/articles/feed?limit=1", token: viewer.token)
        }
        let feedTwenty = try self.roundTrips(200) { _ in
            let response = try client.request("GET", "/api/articles/feed?limit=20", token: viewer.token)
            XCTAssertEqual(response.list("articles")?.count, 20)
            return response
        }
        XCTAssertEqual(feedOne, feedTwenty, "GET /api/articles/feed")
        XCTAssertLessThanOrEqual(feedTwenty, Self.bounds["GET /api/articles/feed"] ?? 0)
    }

    func testEveryEndpointStaysWithinItsBound() throws {
        let client = APIClient(try self.gateway())
        let user = try client.register("qc-user")
        let other = try client.register("qc-other")
        let slug = try client.createArticleSlug(by: user, tags: ["qc-a", "qc-b"])
        var measured: [String: Int] = [:]

        measured["POST /api/users"] = try self.roundTrips(201) { _ in
            let name = Unique.name("qc-reg")
            return try client.send(
                "POST",
                "/api/users",
                json: ["user": ["username": name, "email": "\(name)@example.com", "password": "password123"]]
            )
        }
        measured["POST /api/users/login"] = try self.roundTrips(200) { _ in
            try client.send(
                "POST",
                "/api/users/login",
                json: ["user": ["email": user.email, "password": user.password]]
            )
        }
        measured["GET /api/user"] = try self.roundTrips(200) { _ in
            try client.request("GET", "/api/user", token: user.token)
        }
        measured["PUT /api/user"] = try self.roundTrips(200) { index in
            try client.send("PUT", "/api/user", token: user.token, json: ["user": ["bio": "bio \(index)"]])
        }
        measured["GET /api/profiles/:username"] = try self.roundTrips(200) { _ in
            try client.request("GET", "/api/profiles/\(other.username)", token: user.token)
        }
        measured["POST /api/profiles/:username/follow"] = try self.roundTrips(200) { _ in
            try client.request("POST", "/api/profiles/\(other.username)/follow", token: user.token)
        }
        measured["DELETE /api/profiles/:username/follow"] = try self.roundTrips(200) { _ in
            try client.request("DELETE", "/api/profiles/\(other.username)/follow", token: user.token)
        }
        measured["GET /api/articles/:slug"] = try self.roundTrips(200) { _ in
            try client.request("GET", "/api/articles/\(slug)", token: other.token)
        }
        var created: [String] = []
        measured["POST /api/articles"] = try self.roundTrips(201) { _ in
            let response = try client.send(
                "POST",
                "/api/articles",
                token: user.token,
                json: ["article": ["title": Unique.name("qc"), "description": "d", "body": "b", "tagList": ["qc-a"]]]
            )
            created.append(response.object("article")?["slug"] as? String ?? "")
            return response
        }
        measured["PUT /api/articles/:slug"] = try self.roundTrips(200) { index in
            try client.send(
                "PUT",
                "/api/articles/\(slug)",
                token: user.token,
                json: ["article": ["body": "body \(index)", "tagList": ["qc-b", "qc-\(index)"]]]
            )
        }
        measured["DELETE /api/articles/:slug"] = try self.roundTrips(204) { index in
            try client.request("DELETE", "/api/articles/\(created[index])", token: user.token)
        }
        measured["POST /api/articles/:slug/favorite"] = try self.roundTrips(200) { _ in
            try client.request("POST", "/api/articles/\(slug)/favorite", token: other.token)
        }
        measured["DELETE /api/articles/:slug/favorite"] = try self.roundTrips(200) { _ in
            try client.request("DELETE", "/api/articles/\(slug)/favorite", token: other.token)
        }
        var comments: [Int] = []
        measured["POST /api/articles/:slug/comments"] = try self.roundTrips(201) { index in
            let response = try client.send(
                "POST",
                "/api/articles/\(slug)/comments",
                token: other.token,
                json: ["comment": ["body": "comment \(index)"]]
            )
            comments.append(response.object("comment")?["id"] as? Int ?? 0)
            return response
        }
        measured["GET /api/articles/:slug/comments"] = try self.roundTrips(200) { _ in
            try client.request("GET", "/api/articles/\(slug)/comments", token: user.token)
        }
        measured["DELETE /api/articles/:slug/comments/:id"] = try self.roundTrips(204) { index in
            try client.request("DELETE", "/api/articles/\(slug)/comments/\(comments[index])", token: other.token)
        }
        measured["GET /api/tags"] = try self.roundTrips(200) { _ in try client.request("GET", "/api/tags") }
        measured["GET /api/openapi.yml"] = try self.roundTrips(200) { _ in
            try client.request("GET", "/api/openapi.yml")
        }

        let report = measured.keys.sorted().map { "\($0): \(measured[$0] ?? -1)" }.joined(separator: "\n")
        print("database round trips per request (steady state):\n\(report)")
        for (endpoint, count) in measured {
            let bound = try XCTUnwrap(Self.bounds[endpoint], endpoint)
            XCTAssertLessThanOrEqual(count, bound, endpoint)
        }
    }
}
