import Foundation
import Logging
import XCTest

@testable import Worker

final class JWTSecretTests: XCTestCase {
    func testFileWinsAndTrailingWhitespaceIsTrimmed() throws {
        let path = NSTemporaryDirectory() + "rk-jwt-secret-\(UUID().uuidString)"
        try Data("file-secret \n\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertEqual(
            try JWTSecret.read(secretFile: path, environment: ["JWT_SECRET": "env-secret"]),
            Array("file-secret".utf8)
        )
    }

    func testEnvironmentFallback() throws {
        XCTAssertEqual(try JWTSecret.read(secretFile: nil, environment: ["JWT_SECRET": "env"]), Array("env".utf8))
    }

    func testMissingOrEmptySecretIsAnError() throws {
        XCTAssertThrowsError(try JWTSecret.read(secretFile: nil, environment: [:]))
        XCTAssertThrowsError(try JWTSecret.read(secretFile: nil, environment: ["JWT_SECRET": ""]))
        XCTAssertThrowsError(try JWTSecret.read(secretFile: "/nonexistent/rk-secret", environment: [:]))
        let path = NSTemporaryDirectory() + "rk-jwt-secret-\(UUID().uuidString)"
        try Data(" \n".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertThrowsError(try JWTSecret.read(secretFile: path, environment: [:]))
    }

    func testPreviousSecretIsOptionalAndReadFromItsFile() throws {
        let logger = Logger(label: "test")
        let path = NSTemporaryDirectory() + "rk-jwt-previous-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let environment = ["ROOKERY_JWT_PREVIOUS_SECRET_FILE": path]
        XCTAssertEqual(JWTSecret.previous(environment: environment, logger: logger).count, 0, "missing: no rotation")
        try Data("\n".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(JWTSecret.previous(environment: environment, logger: logger).count, 0, "blank: no rotation")
        try Data("previous-secret\n".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(JWTSecret.previous(environment: environment, logger: logger), [Array("previous-secret".utf8)])
        XCTAssertEqual(
            JWTSecret.previous(environment: ["JWT_PREVIOUS_SECRET": "from-env"], logger: logger),
            [Array("from-env".utf8)]
        )
        XCTAssertEqual(JWTSecret.previous(environment: [:], logger: logger).count, 0)
    }
}
