import Foundation
import NIOCore
import XCTest

@testable import Worker

/// The embedded OpenAPI document and docs/openapi.yml cannot drift apart.
final class OpenAPIDocumentTests: XCTestCase {
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

    func testEmbeddedDocumentEqualsDocsOpenAPIYmlByteForByte() throws {
        let file = try Data(contentsOf: Self.documentURL)
        let embedded = Data(OpenAPIDocument.yaml.utf8)
        if file != embedded {
            let fileLines = String(decoding: file, as: UTF8.self).components(separatedBy: "\n")
            let embeddedLines = OpenAPIDocument.yaml.components(separatedBy: "\n")
            let firstDifference =
                zip(fileLines, embeddedLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                ?? min(fileLines.count, embeddedLines.count)
            XCTFail(
                """
                Sources/Worker/API/OpenAPI/OpenAPIDocument.swift differs from docs/openapi.yml \
                (\(embedded.count) vs \(file.count) bytes; first differing line \(firstDifference + 1)). \
                Paste docs/openapi.yml into the literal again.
                """
            )
        }
    }

    func testControllerServesTheDocumentAsYAML() {
        XCTAssertEqual(OpenAPIController.contentType, "application/yaml; charset=utf-8")
        XCTAssertEqual(OpenAPIController.body.readableBytes, OpenAPIDocument.yaml.utf8.count)
        XCTAssertTrue(OpenAPIDocument.yaml.hasPrefix("openapi: 3."))
    }
}
