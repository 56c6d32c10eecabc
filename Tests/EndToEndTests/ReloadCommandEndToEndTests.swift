import Foundation
import XCTest

/// `gateway reload --pid`, the unit's ExecReload=: returns 0 once every worker is of the new
/// generation, and 1 with one line when the new workers cannot start.
final class ReloadCommandEndToEndTests: XCTestCase {
    func testReloadWaitsForTheNewGenerationAndReportsAFailedOne() throws {
        let directory = try TestGateway.makeTemporaryDirectory()
        let marker = directory + "/break-workers"
        let wrapper = directory + "/worker-wrapper.sh"
        try """
        #!/bin/sh
        # Starts the real worker until the marker exists, then fails at once.
        [ -e "\(marker)" ] && exit 3
        exec "\(TestGateway.binaryDirectory)/worker" "$@"
        """.write(toFile: wrapper, atomically: true, encoding: .utf8)
        chmod(wrapper, 0o755)
        let gateway = try TestGateway(workers: 2, arguments: ["--worker-path", wrapper])
        defer { gateway.stop() }

        let reload = try Self.reload(gateway)
        XCTAssertEqual(reload.status, 0, reload.output)
        XCTAssertEqual(reload.output, "")
        // Returned only once the reload was over: every worker is already new.
        let generation = (try gateway.status()["gateway"] as? [String: Any])?["generation"] as? Int
        XCTAssertEqual(generation, 2)
        let workers = try gateway.status()["workers"] as? [[String: Any]] ?? []
        XCTAssertEqual(
            workers.filter { $0["state"] as? String != "draining" }.compactMap { $0["generation"] as? Int },
            [2, 2]
        )

        FileManager.default.createFile(atPath: marker, contents: nil)
        let failed = try Self.reload(gateway)
        XCTAssertEqual(failed.status, 1)
        XCTAssertTrue(failed.output.hasPrefix("gateway reload: the reload failed"), failed.output)
        XCTAssertEqual(failed.output.split(separator: "\n").count, 1, failed.output)
        XCTAssertEqual(try gateway.request("GET", "/api/tags").status, 200, "the old generation keeps serving")
    }

    private static func reload(_ gateway: TestGateway) throws -> (status: Int32, output: String) {
        let outputPath = gateway.dataDirectory + "-reload.out"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        let sink = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        defer { try? sink.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestGateway.gatewayPath)
        process.arguments = [
            "reload", "--pid", String(gateway.pid), "--admin-port", String(gateway.adminPort), "--timeout", "60",
        ]
        process.standardOutput = sink
        process.standardError = sink
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: FileManager.default.contents(atPath: outputPath) ?? Data(), as: UTF8.self)
        return (process.terminationStatus, output)
    }
}
