import Foundation
import XCTest

/// Optional TLS termination: HTTPS with TLS 1.2+, HSTS on every response, older TLS refused.
final class GatewayTLSTests: XCTestCase {
    func testServesHTTPSWithHSTSAndRefusesOldTLS() throws {
        let directory = try TestGateway.makeTemporaryDirectory()
        let certificate = directory + "/cert.pem"
        let key = directory + "/key.pem"
        _ = try TestGateway.run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate,
                "-days", "1", "-subj", "/CN=127.0.0.1",
            ]
        )
        let gateway = try TestGateway(workers: 1, arguments: ["--tls-cert", certificate, "--tls-key", key])
        defer { gateway.stop() }
        let url = "https://127.0.0.1:\(gateway.port)/api/tags"
        let output = try TestGateway.run("/usr/bin/curl", ["-sk", "-i", "--max-time", "10", url])
        XCTAssertTrue(output.hasPrefix("HTTP/1.1 200"), output)
        XCTAssertTrue(output.lowercased().contains("strict-transport-security: max-age=31536000"), output)
        XCTAssertTrue(output.hasSuffix(#"{"tags":[]}"#), output)
        XCTAssertThrowsError(
            try TestGateway.run("/usr/bin/curl", ["-sk", "--tlsv1.0", "--tls-max", "1.1", "--max-time", "10", url]),
            "TLS 1.1 must be refused"
        )
        // Plain HTTP on the TLS port is not answered as HTTP.
        let plain = try? RawHTTPConnection(port: gateway.port, timeoutSeconds: 3).request("GET", "/api/tags")
        XCTAssertNotEqual(plain?.status, 200)
    }

    func testMismatchedTLSFlagsAreAClearError() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestGateway.gatewayPath)
        process.arguments = ["--tls-cert", "/nonexistent.pem"]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertNotEqual(process.terminationStatus, 0)
        XCTAssertTrue(output.contains("--tls-cert and --tls-key must be given together"), output)
    }
}
