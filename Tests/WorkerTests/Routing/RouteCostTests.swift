import Protocol
import XCTest

@testable import Worker

/// The routes the worker declares as password hashing, which its hello tells the gateway.
final class RouteCostTests: XCTestCase {
    private func apiRouter() -> Router<RouteHandler> {
        var router = Router<RouteHandler>()
        var replays = OutcomeReplays()
        APIRoutes.register(in: &router, replays: &replays)
        BenchController.register(in: &router)
        return router
    }

    func testRegisterLoginAndProfileUpdateAreThePasswordHashingRoutes() {
        let costs = self.apiRouter().routeCosts
        XCTAssertEqual(
            Set(costs.map { "\($0.method) \($0.template) \($0.costClass.label)" }),
            [
                "POST /api/users password_hashing",
                "POST /api/users/login password_hashing",
                "PUT /api/user password_hashing",
            ]
        )
    }

    /// The gateway classifies by `RouteCost.matches`; it must agree with the router on
    /// which route a path reaches.
    func testTheGatewaysMatchAgreesWithTheRouter() {
        let router = self.apiRouter()
        let paths = [
            "/api/users", "/api/users/", "//api/users/login", "/api/user", "/api/users/login/x", "/api/profiles/x",
        ]
        for cost in router.routeCosts {
            for path in paths {
                let routed: Bool
                switch router.match(method: cost.method, path: path) {
                case .found(_, let template, _): routed = template == cost.template
                case .methodNotAllowed, .notFound: routed = false
                }
                XCTAssertEqual(cost.matches(method: cost.method, path: path[...]), routed, "\(cost.method) \(path)")
            }
        }
    }
}
