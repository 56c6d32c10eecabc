import XCTest

@testable import Worker

final class ReadRuleTests: XCTestCase {
    func testEveryAPIGetRouteIsARead() {
        for route in [
            "/api/articles", "/api/articles/feed", "/api/articles/:slug", "/api/articles/:slug/comments",
            "/api/profiles/:username", "/api/user", "/api/tags", "/api/openapi.yml", "/db", "/queries", "/fortunes",
        ] {
            XCTAssertTrue(ReadRule.isRead(method: "GET", route: route), route)
            XCTAssertTrue(ReadRule.isRead(method: "HEAD", route: route), route)
        }
    }

    func testWritingMethodsAreNeverReads() {
        for method in ["POST", "PUT", "DELETE", "PATCH", "get", "BREW"] {
            XCTAssertFalse(ReadRule.isRead(method: method, route: "/api/articles/:slug"), method)
        }
    }

    func testTheBenchmarkUpdatesRouteWritesOnAGet() {
        XCTAssertFalse(ReadRule.isRead(method: "GET", route: "/updates"))
    }

    func testEveryRegisteredGetRouteIsClassified() {
        // A new GET route that writes must be added to `writingGETRoutes`; this lists the ones
        // the router knows so such a route cannot slip in unnoticed.
        var router = Router<RouteHandler>()
        var replays = OutcomeReplays()
        APIRoutes.register(in: &router, replays: &replays)
        BenchController.register(in: &router)
        let writing = router.templates(for: "GET").filter { !ReadRule.isRead(method: "GET", route: $0) }
        XCTAssertEqual(Set(writing), ["/updates"])
    }
}
