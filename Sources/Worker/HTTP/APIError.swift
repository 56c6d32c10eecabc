import Protocol
import RookeryCommon

/// An error that knows how to present itself to the client.
///
/// Every error a handler throws is rendered through this protocol. Errors that do not conform
/// are internal: they become a 500 with a generic body, and their text goes only to the log.
protocol HTTPResponseError: Error {
    var status: Int { get }
    /// The RealWorld error body: `{"errors":{"<key>":["<message>", ...]}}`.
    var errors: [String: [String]] { get }
    /// Extra headers, e.g. `Allow` on a 405.
    var headers: [(String, String)] { get }
}

extension HTTPResponseError {
    var headers: [(String, String)] { [] }
}

/// The API's client-facing errors, with the statuses and wording of the RealWorld notes.
struct APIError: HTTPResponseError {
    var status: Int
    var errors: [String: [String]]
    var headers: [(String, String)] = []

    init(status: Int, field: String, message: String) {
        self.status = status
        self.errors = [field: [message]]
    }

    init(status: Int, errors: [String: [String]]) {
        self.status = status
        self.errors = errors
    }

    static func notFound(_ resource: String) -> APIError {
        APIError(status: 404, field: resource, message: "not found")
    }

    static func forbidden(_ resource: String) -> APIError {
        APIError(status: 403, field: resource, message: "forbidden")
    }

    static let missingToken = APIError(status: 401, field: "token", message: "is missing")
    static let invalidToken = APIError(status: 401, field: "token", message: "is invalid")

    static func validation(_ errors: [String: [String]]) -> APIError {
        APIError(status: 422, errors: errors)
    }

    static func taken(_ field: String) -> APIError {
        APIError(status: 409, field: field, message: "has already been taken")
    }

    /// The database (for a write: the primary) cannot be reached; Retry-After tells clients and
    /// balancers when to try again (a failover usually completes within seconds).
    static let databaseUnavailable: APIError = {
        var error = APIError(status: 503, field: "database", message: "is unavailable, retry later")
        error.headers = [("Retry-After", "1")]
        return error
    }()

    static let `internal` = APIError(status: 500, field: "server", message: "internal error")
}

extension HTTPResponse {
    /// Renders any error: client-facing errors with their own status, everything else as 500.
    init(error: any Error) {
        let apiError = (error as? any HTTPResponseError) ?? APIError.internal
        var response = HTTPResponse.json(status: apiError.status, bytes: RealWorldErrorBody.encode(apiError.errors))
        for (name, value) in apiError.headers {
            response.headers.append(.init(name: name, value: value))
        }
        self = response
    }
}
