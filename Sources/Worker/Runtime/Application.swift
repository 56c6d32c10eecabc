import Logging
import Protocol

/// The Conduit API as a route table, plus what every response gets: CORS headers, error
/// rendering, 404 and 405.
struct Application {
    private var router = Router<RouteHandler>()
    private let services: WorkerServices

    init(services: WorkerServices) {
        self.services = services
        APIRoutes.register(in: &self.router)
        if services.configuration.benchRoutes { BenchController.register(in: &self.router) }
    }

    /// Answers one request. Never throws: every failure becomes an error response.
    func respond(to request: HTTPRequest, logger: Logger) -> HTTPResponse {
        var response: HTTPResponse
        if request.method == "OPTIONS" {
            response = self.preflight(request)
            response.route = "preflight"
        } else {
            switch self.router.match(method: request.method, path: request.path) {
            case .found(let handler, let template, let parameters):
                let context = RequestContext(
                    request: request,
                    parameters: parameters,
                    route: template,
                    services: self.services,
                    logger: logger
                )
                response = self.run(handler, context)
                response.route = template
            case .methodNotAllowed(let allowed):
                var error = APIError(status: 405, field: "method", message: "\(request.method) is not allowed here")
                error.headers = [("Allow", (allowed + ["OPTIONS"]).joined(separator: ", "))]
                response = HTTPResponse(error: error)
            case .notFound:
                response = HTTPResponse(error: APIError.notFound("route"))
            }
        }
        response.headers.append(
            HeaderField(name: "Access-Control-Allow-Origin", value: self.services.configuration.corsOrigin)
        )
        if self.services.configuration.corsOrigin != "*" {
            response.headers.append(HeaderField(name: "Vary", value: "Origin"))
        }
        return response
    }

    private func run(_ handler: RouteHandler, _ context: RequestContext) -> HTTPResponse {
        do {
            return try handler(context)
        } catch let error as any HTTPResponseError {
            return HTTPResponse(error: error)
        } catch let error as DatabaseError where error.kind == .invalidParameter {
            // PostgreSQL text cannot hold U+0000; the input is refused, never stored cut short.
            return HTTPResponse(error: APIError.validation(["request": ["can't contain a NUL character"]]))
        } catch let error as DatabaseError where error.kind == .connectionLost || error.kind == .connectionFailed {
            context.logger.warning("database unavailable", metadata: ["error": .string(error.description)])
            return HTTPResponse(error: APIError.databaseUnavailable)
        } catch {
            // The text may contain internals (SQL, paths); it goes to the log, never to the client.
            context.logger.error(
                "handler failed",
                metadata: ["route": .string(context.route), "error": .string(String(describing: error))]
            )
            return HTTPResponse(error: APIError.internal)
        }
    }

    /// CORS preflight: any path the API knows answers 204 with the allowed methods and headers.
    private func preflight(_ request: HTTPRequest) -> HTTPResponse {
        var response = HTTPResponse.noContent()
        response.headers = [
            HeaderField(name: "Access-Control-Allow-Methods", value: "GET, POST, PUT, DELETE, OPTIONS"),
            HeaderField(
                name: "Access-Control-Allow-Headers",
                value: request.header("access-control-request-headers")
                    ?? "Authorization, Content-Type, X-Requested-With"
            ),
            HeaderField(name: "Access-Control-Max-Age", value: "86400"),
        ]
        return response
    }
}
