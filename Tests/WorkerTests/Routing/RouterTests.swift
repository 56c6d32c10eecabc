import XCTest

@testable import Worker

/// `Router`: templates, parameter binding, precedence of earlier routes, 404 and 405.
final class RouterTests: XCTestCase {
    private func router(_ routes: [(String, String)]) -> Router<String> {
        var router = Router<String>()
        for (method, template) in routes {
            router.add(method, template, "\(method) \(template)")
        }
        return router
    }

    private func handler(_ match: Router<String>.Match) -> String? {
        if case .found(let handler, _, _) = match { return handler }
        return nil
    }

    func testLiteralAndParameterSegmentsBindPercentDecodedValues() throws {
        let router = self.router([("DELETE", "/api/articles/:slug/comments/:id")])
        guard
            case .found(let handler, let template, let parameters) =
                router.match(method: "DELETE", path: "/api/articles/how%20to/comments/42")
        else {
            return XCTFail("no match")
        }
        XCTAssertEqual(handler, "DELETE /api/articles/:slug/comments/:id")
        XCTAssertEqual(template, "/api/articles/:slug/comments/:id")
        XCTAssertEqual(parameters["slug"], "how to")
        XCTAssertEqual(parameters["id"], "42")
        XCTAssertNil(parameters["other"])
    }

    func testSegmentCountMustMatchAndEmptySegmentsAreIgnored() {
        let router = self.router([("GET", "/api/articles/:slug")])
        XCTAssertNotNil(self.handler(router.match(method: "GET", path: "//api/articles/x/")))
        if case .notFound = router.match(method: "GET", path: "/api/articles") {} else { XCTFail("too short") }
        if case .notFound = router.match(method: "GET", path: "/api/articles/x/y") {} else { XCTFail("too long") }
        if case .notFound = router.match(method: "GET", path: "/api/users/x") {} else { XCTFail("literal differs") }
    }

    func testEarlierRoutesWin() {
        let router = self.router([("GET", "/api/articles/feed"), ("GET", "/api/articles/:slug")])
        XCTAssertEqual(self.handler(router.match(method: "GET", path: "/api/articles/feed")), "GET /api/articles/feed")
        XCTAssertEqual(self.handler(router.match(method: "GET", path: "/api/articles/f")), "GET /api/articles/:slug")
    }

    /// The real table: `feed` is registered before `:slug`, so no article slug shadows it.
    func testAPIRoutesServeFeedBeforeSlug() {
        var router = Router<RouteHandler>()
        var replays = OutcomeReplays()
        APIRoutes.register(in: &router, replays: &replays)
        guard case .found(_, let template, let parameters) = router.match(method: "GET", path: "/api/articles/feed")
        else {
            return XCTFail("feed is not routed")
        }
        XCTAssertEqual(template, "/api/articles/feed")
        XCTAssertNil(parameters["slug"])
        guard
            case .found(_, let slugTemplate, let slugParameters) =
                router.match(method: "GET", path: "/api/articles/feeds")
        else {
            return XCTFail("a slug is not routed")
        }
        XCTAssertEqual(slugTemplate, "/api/articles/:slug")
        XCTAssertEqual(slugParameters["slug"], "feeds")
    }

    func testOtherMethodOnKnownPathIs405WithEachAllowedMethodOnce() {
        let router = self.router([
            ("GET", "/api/articles/:slug"), ("PUT", "/api/articles/:slug"), ("DELETE", "/api/articles/:slug"),
            ("GET", "/api/articles/feed"),
        ])
        guard case .methodNotAllowed(let allowed) = router.match(method: "POST", path: "/api/articles/feed") else {
            return XCTFail("expected 405")
        }
        XCTAssertEqual(allowed, ["GET", "PUT", "DELETE"])
    }

    func testHeadIsServedByGet() {
        let router = self.router([("GET", "/api/tags")])
        XCTAssertEqual(self.handler(router.match(method: "HEAD", path: "/api/tags")), "GET /api/tags")
    }

    func testUnknownPathAndTooManySegmentsAre404() {
        let router = self.router([("GET", "/" + Array(repeating: ":p", count: 17).joined(separator: "/"))])
        let deep = "/" + Array(repeating: "x", count: 17).joined(separator: "/")
        if case .notFound = router.match(method: "GET", path: deep) {} else { XCTFail("over maxSegments") }
        if case .notFound = router.match(method: "GET", path: "/nothing") {} else { XCTFail("unknown path") }
    }

    /// Literal paths are answered from an index built at registration; it must give what the
    /// walk gives, including when an earlier `:name` route wins with its parameters.
    func testLiteralPathAnswersMatchTheWalkIncludingEarlierParameterRoutes() {
        let router = self.router([
            ("GET", "/api/articles/:slug"), ("GET", "/api/articles/feed"), ("POST", "/api/articles/feed"),
            ("GET", "/plaintext"),
        ])
        guard
            case .found(let handler, let template, let parameters) = router.match(
                method: "GET",
                path: "/api/articles/feed"
            )
        else {
            return XCTFail("no match")
        }
        XCTAssertEqual(handler, "GET /api/articles/:slug")
        XCTAssertEqual(template, "/api/articles/:slug")
        XCTAssertEqual(parameters["slug"], "feed")
        XCTAssertEqual(
            self.handler(router.match(method: "POST", path: "/api/articles/feed")),
            "POST /api/articles/feed"
        )
        XCTAssertEqual(self.handler(router.match(method: "GET", path: "/plaintext")), "GET /plaintext")
        XCTAssertEqual(self.handler(router.match(method: "HEAD", path: "/plaintext")), "GET /plaintext")
        XCTAssertEqual(self.handler(router.match(method: "GET", path: "//plaintext/")), "GET /plaintext")
        guard case .methodNotAllowed(let allowed) = router.match(method: "DELETE", path: "/plaintext") else {
            return XCTFail("expected 405")
        }
        XCTAssertEqual(allowed, ["GET"])
    }

    /// A route added later never changes what an earlier literal route answers, and a literal
    /// route added after an index was built is found.
    func testRoutesAddedLaterAreIndexed() {
        var router = self.router([("GET", "/json")])
        router.add("GET", "/plaintext", "second")
        router.add("GET", "/json", "shadowed")
        XCTAssertEqual(self.handler(router.match(method: "GET", path: "/plaintext")), "second")
        XCTAssertEqual(self.handler(router.match(method: "GET", path: "/json")), "GET /json")
    }
}
