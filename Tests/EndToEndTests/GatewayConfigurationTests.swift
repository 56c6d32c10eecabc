import Foundation
import XCTest

/// Configuration mistakes end with one clear line and a non-zero exit, before anything starts.
final class GatewayConfigurationTests: XCTestCase {
    private func runGateway(_ arguments: [String], environment: [String: String] = [:]) throws -> (
        status: Int32, output: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestGateway.gatewayPath)
        process.arguments = arguments
        var processEnvironment = ProcessInfo.processInfo.environment
        processEnvironment.removeValue(forKey: "DATABASE_URL")
        processEnvironment.merge(environment) { _, new in new }
        process.environment = processEnvironment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func testHelpDocumentsEveryFlagWithItsEnvironmentVariable() throws {
        let (status, raw) = try self.runGateway(["serve", "--help"])
        XCTAssertEqual(status, 0)
        // Help text is wrapped at the terminal width; compare with whitespace collapsed.
        let output = raw.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let expected = [
            ("--host", "HOST"), ("--port", "PORT"), ("--workers", "WORKERS"), ("--database-url", "DATABASE_URL"),
            ("--data-dir", "DATA_DIR"), ("--jwt-secret-file", "JWT_SECRET"), ("--admin-port", "ADMIN_PORT"),
            ("--max-requests", "MAX_REQUESTS"), ("--request-timeout", "REQUEST_TIMEOUT"),
            ("--graceful-timeout", "GRACEFUL_TIMEOUT"), ("--queue-limit", "QUEUE_LIMIT"),
            ("--max-body-size", "MAX_BODY_SIZE"), ("--cors-origin", "CORS_ORIGIN"), ("--log-format", "LOG_FORMAT"),
        ]
        for (flag, variable) in expected {
            XCTAssertTrue(output.contains(flag), "help lacks \(flag)")
            XCTAssertTrue(output.contains("env: \(variable)"), "help lacks env \(variable)")
        }
    }

    func testBadPortIsOneClearLine() throws {
        let (status, output) = try self.runGateway(["--port", "70000"])
        XCTAssertNotEqual(status, 0)
        XCTAssertTrue(output.contains("invalid --port \"70000\""), output)
        XCTAssertEqual(output.split(separator: "\n").count, 1, output)
    }

    func testBadPortFromTheEnvironment() throws {
        let (status, output) = try self.runGateway([], environment: ["PORT": "eighty"])
        XCTAssertNotEqual(status, 0)
        XCTAssertTrue(output.contains("invalid --port \"eighty\""), output)
    }

    func testMissingWorkerBinary() throws {
        let directory = try TestGateway.makeTemporaryDirectory()
        let (status, output) = try self.runGateway(["--worker-path", "/nonexistent/worker", "--data-dir", directory])
        XCTAssertNotEqual(status, 0)
        XCTAssertTrue(output.contains("worker binary /nonexistent/worker is missing"), output)
    }

    func testDataDirectoryThatCannotBeCreated() throws {
        let file = try TestGateway.makeTemporaryDirectory() + "/a-file"
        FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        let (status, output) = try self.runGateway(["--data-dir", file + "/data"])
        XCTAssertNotEqual(status, 0)
        XCTAssertTrue(output.contains("data directory"), output)
    }

    func testUnreachableDatabaseURL() throws {
        let directory = try TestGateway.makeTemporaryDirectory()
        let (status, output) = try self.runGateway(
            ["--data-dir", directory, "--database-url", "postgresql://nobody:secret@127.0.0.1:1/nothing"]
        )
        XCTAssertNotEqual(status, 0)
        XCTAssertTrue(output.contains("not reachable"), output)
        XCTAssertFalse(output.contains("secret"), "the password must not be printed: \(output)")
    }
}
