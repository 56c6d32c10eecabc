import Foundation
import XCTest

/// One gateway owns a data directory: a second gateway, or `gateway migrate`, on a live one
/// exits with one clear line and status 1, and the running gateway's PostgreSQL is untouched.
final class DataDirectoryOwnershipTests: XCTestCase {
    func testSecondGatewayAndMigrateOnALiveDataDirectoryExitAndLeaveTheFirstServing() throws {
        let first = try TestGateway(workers: 1)
        defer { first.stop() }
        XCTAssertEqual(try first.request("GET", "/api/tags").status, 200)
        let postmaster = try Self.postmasterPid(dataDirectory: first.dataDirectory)

        let second = try TestGateway(workers: 1, dataDirectory: first.dataDirectory, waitForReady: false)
        XCTAssertTrue(ProcessFacts.wait(timeout: 30) { !second.process.isRunning }, "second gateway still runs")
        XCTAssertEqual(second.stop(), 1)
        Self.assertOneClearLine(second.log, dataDirectory: first.dataDirectory, holder: first.pid)

        let migrate = try Self.runGateway(["migrate", "--data-dir", first.dataDirectory])
        XCTAssertEqual(migrate.status, 1)
        Self.assertOneClearLine(migrate.output, dataDirectory: first.dataDirectory, holder: first.pid)

        XCTAssertEqual(try first.request("GET", "/api/tags").status, 200)
        XCTAssertEqual(try first.admin("/readyz").status, 200)
        XCTAssertEqual(try Self.postmasterPid(dataDirectory: first.dataDirectory), postmaster)
        XCTAssertTrue(ProcessFacts.isAlive(postmaster))
    }

    func testTheDirectoryIsFreeAgainAfterACleanStop() throws {
        let first = try TestGateway(workers: 1)
        XCTAssertEqual(first.stop(), 0)
        let second = try TestGateway(workers: 1, dataDirectory: first.dataDirectory)
        defer { second.stop() }
        XCTAssertEqual(try second.request("GET", "/api/tags").status, 200)
    }

    private static func assertOneClearLine(
        _ output: String,
        dataDirectory: String,
        holder: pid_t,
        file: StaticString = #filePath,
        line: UInt = #line
    ) {
        let lines = output.split(separator: "\n").filter { $0.hasPrefix("gateway: ") }
        XCTAssertEqual(lines.count, 1, output, file: file, line: line)
        let expected = "is in use by another gateway (pid \(holder)); stop that one first"
        XCTAssertTrue(lines.first?.contains(expected) ?? false, output, file: file, line: line)
        XCTAssertTrue(lines.first?.contains(dataDirectory) ?? false, output, file: file, line: line)
        XCTAssertFalse(output.contains("shutting it down"), output, file: file, line: line)
    }

    static func postmasterPid(dataDirectory: String) throws -> pid_t {
        let contents = try String(contentsOfFile: dataDirectory + "/postgres/postmaster.pid", encoding: .utf8)
        return try XCTUnwrap(contents.split(separator: "\n").first.flatMap { pid_t($0) })
    }

    /// Runs the gateway binary to completion with the embedded defaults of the tests.
    private static func runGateway(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let outputPath = NSTemporaryDirectory() + "rookery-gateway-\(UUID().uuidString).out"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let sink = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        defer { try? sink.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestGateway.gatewayPath)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "DATABASE_URL")
        process.environment = environment
        process.standardOutput = sink
        process.standardError = sink
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: FileManager.default.contents(atPath: outputPath) ?? Data(), as: UTF8.self)
        return (process.terminationStatus, output)
    }
}
