import Foundation
import Logging
import NIOCore
import Protocol
import XCTest

@testable import Worker

/// The worker serves docs/openapi.yml, byte for byte, as embedded at build time.
final class OpenAPIControllerTests: XCTestCase {
    /// docs/openapi.yml, found from this file's path (Tests/WorkerTests/API/OpenAPI/ → the package root).
    private static var documentURL: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("docs/openapi.yml")
    }

    func testServesDocsOpenAPIYmlAsYAML() throws {
        let file = try Data(contentsOf: Self.documentURL)
        // The fuzzing application: the whole request path, with a database never reached.
        let response = FuzzTargets.makeApplication().respond(
            to: HTTPRequest(
                head: RequestHead(method: "GET", target: "/api/openapi.yml", peerAddress: "127.0.0.1", headers: []),
                body: ByteBuffer()
            ),
            logger: Logger(label: "test")
        )
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.headers.first { $0.name == "Content-Type" }?.value, OpenAPIController.contentType)
        XCTAssertEqual(Array(response.body.readableBytesView), Array(file), "the embedded bytes are the file's")
        XCTAssertTrue(String(buffer: response.body).hasPrefix("openapi: 3."))
    }
}
