import Logging
import NIOCore
import Protocol
import RookeryCommon

/// The Conduit API as a route table, plus error rendering, 404, 405 and CORS preflights. The
/// gateway adds `Access-Control-Allow-Origin` to every answer.
struct Application {
    private var router = Router<RouteHandler>()
    private var replays = OutcomeReplays()
    private let services: WorkerServices
    private let ledger: WriteLedger

    init(services: WorkerServices) {
        self.services = services
        self.ledger = WriteLedger(database: services.database)
        APIRoutes.register(in: &self.router, replays: &self.replays)
        if services.configuration.benchRoutes { BenchController.register(in: &self.router) }
    }

    /// The routes the gateway schedules as other than `standard`, for the hello.
    var routeCosts: [RouteCost] { self.router.routeCosts }

    /// Answers one request. Never throws: every failure becomes an error response.
    func respond(to request: HTTPRequest, logger: Logger) -> HTTPResponse {
        var response: HTTPResponse
        if let key = request.header(InternalHeaders.outcomeOf) {
            response = self.replayOutcome(of: key, request, logger: logger)
        } else if request.method == "OPTIONS" {
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
                let writeKey = Self.writeKey(of: request)
                if writeKey != nil {
                    self.services.database.beginRequestTransaction()
                }
                if writeKey == nil, let router = self.services.replicaRouter,
                    ReadRule.isRead(method: request.method, route: template)
                {
                    let (answer, target) = router.serve(request, services: self.services) { self.run(handler, context) }
                    response = answer
                    response.headers.append(HeaderField(name: InternalHeaders.servedBy, value: target.rawValue))
                } else {
                    response = self.run(handler, context)
                }
                response.route = template
                if let writeKey {
                    response = self.finishWrite(response, key: writeKey, context)
                }
            case .methodNotAllowed(let allowed):
                var error = APIError(status: 405, field: "method", message: "\(request.method) is not allowed here")
                error.headers = [("Allow", (allowed + ["OPTIONS"]).joined(separator: ", "))]
                response = HTTPResponse(error: error)
            case .notFound:
                response = HTTPResponse(error: APIError.notFound("route"))
            }
        }
        return response
    }

    private func run(_ handler: RouteHandler, _ context: RequestContext) -> HTTPResponse {
        do {
            return try handler(context)
        } catch {
            return Self.errorResponse(for: error, context)
        }
    }

    /// The response for a failure: the client's own errors as they are, a lost database as 503,
    /// anything else as a 500 whose details go to the log only.
    private static func errorResponse(for error: any Error, _ context: RequestContext) -> HTTPResponse {
        switch error {
        case let error as any HTTPResponseError:
            return HTTPResponse(error: error)
        case let error as DatabaseError where error.kind == .invalidParameter:
            // PostgreSQL text cannot hold U+0000; the input is refused, never stored cut short.
            return HTTPResponse(error: APIError.validation(["request": ["can't contain a NUL character"]]))
        case let error as DatabaseError where error.kind == .connectionLost || error.kind == .connectionFailed:
            context.logger.warning("database unavailable", metadata: ["error": .string(error.description)])
            return HTTPResponse(error: APIError.databaseUnavailable)
        default:
            // The text may contain internals (SQL, paths); it goes to the log, never to the client.
            context.logger.error(
                "handler failed",
                metadata: ["route": .string(context.route), "error": .string(String(describing: error))]
            )
            return HTTPResponse(error: APIError.internal)
        }
    }

    /// The gateway's write key on a request that needs the write ledger (`MethodRules`).
    private static func writeKey(of request: HTTPRequest) -> String? {
        guard MethodRules(request.method).needsWriteLedger,
            let key = request.header(InternalHeaders.writeKey), WriteLedger.isValidKey(key)
        else {
            return nil
        }
        return key
    }

    /// Commits a write together with its recorded outcome, or rolls it back (see `WriteLedger`).
    private func finishWrite(_ response: HTTPResponse, key: String, _ context: RequestContext) -> HTTPResponse {
        do {
            let reportPosition = self.services.replicaRouter != nil
            guard let position = try self.ledger.finish(response, key: key, reportPosition: reportPosition) else {
                return response
            }
            // Read-your-writes: the gateway keeps the position per user (see `ReplicaRouter`).
            let user = response.replayUserID ?? (try? context.optionalToken())?.id
            guard let user else { return response }
            var reported = response
            reported.headers.append(HeaderField(name: InternalHeaders.committedPosition, value: position.description))
            reported.headers.append(HeaderField(name: InternalHeaders.committedUser, value: String(user)))
            return reported
        } catch {
            var failure = Self.errorResponse(for: error, context)
            failure.route = response.route
            return failure
        }
    }

    /// Answers the gateway's question about a write whose worker died: the recorded response,
    /// or a bare 502 marked not committed.
    private func replayOutcome(of key: String, _ request: HTTPRequest, logger: Logger) -> HTTPResponse {
        let context = RequestContext(
            request: request,
            parameters: RouteParameters(),
            route: "outcome",
            services: self.services,
            logger: logger
        )
        guard WriteLedger.isValidKey(key) else {
            return HTTPResponse(error: APIError(status: 400, field: "key", message: "is malformed"))
        }
        do {
            switch try self.ledger.outcome(of: key) {
            case .notCommitted:
                logger.info("write of a dead worker did not commit")
                return HTTPResponse(
                    status: 502,
                    headers: [HeaderField(name: InternalHeaders.outcome, value: InternalHeaders.outcomeNotCommitted)]
                )
            case .recorded(let recorded):
                logger.info(
                    "replaying the committed write of a dead worker",
                    metadata: ["route": .string(recorded.route)]
                )
                var response: HTTPResponse
                if let userID = recorded.userID {
                    guard let replay = self.replays.replay(forRoute: recorded.route) else {
                        logger.error(
                            "no replay registered for a recorded write",
                            metadata: ["route": .string(recorded.route)]
                        )
                        return HTTPResponse(error: APIError.internal)
                    }
                    response = try replay(userID, recorded.status, context)
                } else {
                    response = HTTPResponse(
                        status: recorded.status,
                        headers: recorded.contentType.map { [HeaderField(name: "Content-Type", value: $0)] } ?? [],
                        body: ByteBuffer(string: recorded.body ?? "")
                    )
                }
                response.route = recorded.route
                return response
            }
        } catch {
            return Self.errorResponse(for: error, context)
        }
    }

    /// Deletes expired write outcomes; a failure is only logged (the next prune retries).
    func pruneWriteLedger(logger: Logger) {
        do {
            try self.ledger.prune()
        } catch {
            logger.debug("pruning write outcomes failed", metadata: ["error": .string(String(describing: error))])
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
