import NIOCore
import Protocol

/// `GET /api/openapi.yml`: the OpenAPI document of the API, no auth, no database.
///
/// The document is docs/openapi.yml, the only copy: SwiftPM embeds it in the binary at build
/// time (`.embedInCode` on the `API/OpenAPI/openapi.yml` symlink), so the worker reads no file
/// at run time and an edit of the YAML is served after the next build.
enum OpenAPIController {
    static let contentType = "application/yaml; charset=utf-8"

    /// Made once per worker; every response shares the same bytes.
    static let body = ByteBuffer(bytes: PackageResources.openapi_yml)

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
