import XCTest

@testable import Worker

/// The write-outcome replays the controllers register with their routes.
final class OutcomeReplaysTests: XCTestCase {
    func testTheUsersWritesThatAnswerWithATokenHaveAReplay() {
        var router = Router<RouteHandler>()
        var replays = OutcomeReplays()
        APIRoutes.register(in: &router, replays: &replays)
        for template in ["/api/users", "/api/users/login", "/api/user"] {
            XCTAssertNotNil(replays.replay(forRoute: template), template)
        }
        for template in ["/api/articles", "/api/articles/:slug/favorite", "unmatched"] {
            XCTAssertNil(replays.replay(forRoute: template), "\(template) is replayed from its stored body")
        }
    }
}
