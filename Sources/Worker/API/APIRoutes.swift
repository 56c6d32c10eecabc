/// The route table of the Conduit API. Each group registers its own routes.
enum APIRoutes {
    static func register(in router: inout Router<RouteHandler>) {
        TagsController.register(in: &router)
        ArticlesController.register(in: &router)
        CommentsController.register(in: &router)
        UsersController.register(in: &router)
        ProfilesController.register(in: &router)
        OpenAPIController.register(in: &router)
    }
}
