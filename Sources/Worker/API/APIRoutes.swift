/// The route table of the Conduit API. Each group registers its own routes, and the
/// controllers whose writes the ledger cannot replay from a stored body their `OutcomeReplays`.
enum APIRoutes {
    static func register(in router: inout Router<RouteHandler>, replays: inout OutcomeReplays) {
        TagsController.register(in: &router)
        ArticlesController.register(in: &router)
        CommentsController.register(in: &router)
        UsersController.register(in: &router, replays: &replays)
        ProfilesController.register(in: &router)
        OpenAPIController.register(in: &router)
    }
}
