import NIOCore
import Protocol

/// `GET /api/openapi.yml`: the OpenAPI document of the API, no auth, no database.
enum OpenAPIController {
    static let contentType = "application/yaml; charset=utf-8"

    /// Encoded once per worker; every response shares the same bytes.
    static let body = ByteBuffer(string: OpenAPIDocument.yaml)

    static func register(in router: inout Router<RouteHandler>) {
        router.add("GET", "/api/openapi.yml", document)
    }

    static func document(_ context: RequestContext) throws -> HTTPResponse {
        HTTPResponse(
            status: 200,
            headers: [HeaderField(name: "Content-Type", value: self.contentType)],
            body: self.body
        )
    }
}
