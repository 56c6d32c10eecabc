import Foundation
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
}
