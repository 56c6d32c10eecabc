/// The route table of the Conduit API. Each group registers its own routes.
enum APIRoutes {
    static func register(in router: inout Router<RouteHandler>) {
        TagsController.register(in: &router)
    }
}
