import Foundation
import Glibc
import XCTest

/// `gateway status` against a real gateway, and against a port nobody listens on.
final class StatusCommandTests: XCTestCase {
    func testPrintsEveryWorker() throws {
        let gateway = try TestGateway(workers: 2)
        defer { gateway.stop() }
        let pids = try gateway.workerPIDs()
        XCTAssertEqual(pids.count, 2, gateway.log)

        let result = try StatusRun.gateway(["status", "--admin-port", String(gateway.adminPort)])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stderr, "")
        let words = Set(result.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
        for pid in pids {
            XCTAssertTrue(words.contains(String(pid)), "worker \(pid) missing from:\n\(result.stdout)")
        }
        XCTAssertTrue(result.stdout.contains("gateway pid:"), result.stdout)
        XCTAssertTrue(words.contains(String(gateway.pid)), result.stdout)
        XCTAssertTrue(result.stdout.contains("database reachable:  yes"), result.stdout)
        XCTAssertTrue(result.stdout.contains("2 configured"), result.stdout)
        let rows = result.stdout.split(separator: "\n").filter { $0.contains(" idle ") || $0.contains(" busy ") }
        XCTAssertEqual(rows.count, 2, result.stdout)
    }

    func testJSONAndTheEnvironmentVariable() throws {
        let gateway = try TestGateway(workers: 2)
        defer { gateway.stop() }
        let result = try StatusRun.gateway(
            ["status", "--json"],
            environment: ["ADMIN_PORT": String(gateway.adminPort)]
        )
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            result.stdout
        )
        let reported = (json["gateway"] as? [String: Any])?["pid"] as? Int
        XCTAssertEqual(reported, Int(gateway.pid))
        XCTAssertEqual((json["workers"] as? [Any])?.count, 2)
    }

    func testClosedPortFailsCleanly() throws {
        let port = try TestGateway.freePort()
        let start = Date()
        let result = try StatusRun.gateway(["status", "--admin-port", String(port)])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stdout, "")
        let lines = result.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("gateway status: "), result.stderr)
        XCTAssertTrue(result.stderr.contains("127.0.0.1:\(port)"), result.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)

        let invalid = try StatusRun.gateway(["status", "--admin-port", "70000"])
        XCTAssertEqual(invalid.status, 1)
        XCTAssertTrue(invalid.stderr.contains("invalid --admin-port"), invalid.stderr)
    }
}

/// One run of a binary with its exit status and both outputs, captured through files (a
/// pipe left unread could block the child).
private struct StatusRun {
    var status: Int32
    var stdout: String
    var stderr: String

    static func gateway(_ arguments: [String], environment: [String: String] = [:]) throws -> StatusRun {
        let base = NSTemporaryDirectory() + "rookery-status-\(UUID().uuidString)"
        let outPath = base + ".out"
        let errPath = base + ".err"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        defer {
            try? out.close()
            try? err.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestGateway.binaryDirectory + "/gateway")
        process.arguments = arguments
        var processEnvironment = ProcessInfo.processInfo.environment
        processEnvironment.removeValue(forKey: "ADMIN_PORT")
        processEnvironment.merge(environment) { _, new in new }
        process.environment = processEnvironment
        process.standardOutput = out
        process.standardError = err
        try process.run()
        process.waitUntilExit()
        func read(_ path: String) -> String {
            String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
        }
        return StatusRun(status: process.terminationStatus, stdout: read(outPath), stderr: read(errPath))
    }
}
