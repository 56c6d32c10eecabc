import Foundation
import XCTest

/// The gateway as the systemd unit and the container image run it: an ordinary user, not root.
/// Root hides mistakes (a socket option that needs CAP_NET_ADMIN made every HTTP connection
/// close at once for everyone else), so the tests, which run as root, switch to `nobody`.
final class UnprivilegedGatewayTests: XCTestCase {
    func testServesAndRunsTheEmbeddedPostgreSQLAsAnOrdinaryUser() throws {
        guard geteuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            throw XCTSkip("needs root and setpriv to switch to an ordinary user")
        }
        let nobody: uid_t = 65534
        let directory = try TestGateway.makeTemporaryDirectory()
        XCTAssertEqual(chown(directory, nobody, nobody), 0)
        let port = try TestGateway.freePort()
        let adminPort = try TestGateway.freePort(excluding: [port])
        let logPath = directory + "-unprivileged.log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = [
            "--reuid=\(nobody)", "--regid=\(nobody)", "--clear-groups", TestGateway.gatewayPath,
            "--port", String(port), "--admin-port", String(adminPort), "--workers", "1", "--data-dir", directory,
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["ROOKERY_EMBEDDED_FAST"] = "1"
        environment.removeValue(forKey: "DATABASE_URL")
        process.environment = environment
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        defer {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        let logText = { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
        XCTAssertTrue(
            ProcessFacts.wait(timeout: 90) {
                (try? RawHTTPConnection(port: adminPort, timeoutSeconds: 2).request("GET", "/readyz").status) == 200
            },
            logText()
        )
        let response = try RawHTTPConnection(port: port).request("GET", "/api/tags")
        XCTAssertEqual(response.status, 200, logText())
        XCTAssertEqual(response.text, #"{"tags":[]}"#)

        let postmaster = try DataDirectoryOwnershipTests.postmasterPid(dataDirectory: directory)
        let status = try String(contentsOfFile: "/proc/\(postmaster)/status", encoding: .utf8)
        let uid = status.split(separator: "\n").first { $0.hasPrefix("Uid:") }?.split(separator: "\t").dropFirst().first
        XCTAssertEqual(uid.map(String.init), String(nobody))
    }
}
