import Logging

/// Everything a handler gets for one request.
struct RequestContext {
    let request: HTTPRequest
    let parameters: RouteParameters
    /// The route template that matched, e.g. `/api/articles/:slug`, for logs and metrics.
    let route: String
    let services: WorkerServices
    var logger: Logger
}

/// A route handler: synchronous, one request at a time, on the worker's only thread.
typealias RouteHandler = (RequestContext) throws -> HTTPResponse
