import Foundation
import XCTest

/// systemd integration: notify messages in order, socket activation, and the unit files.
final class SystemdIntegrationTests: XCTestCase {
    func testNotifyMessagesArriveInOrder() throws {
        let notify = try NotifySocket()
        let gateway = try TestGateway(
            workers: 2,
            environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "1000000"]
        )
        var messages: [String] = []
        XCTAssertTrue(
            ProcessFacts.wait(timeout: 5) {
                messages += notify.drain()
                return messages.contains { $0.contains("WATCHDOG=1") }
            },
            "watchdog pings: \(messages)"
        )
        gateway.signal(SIGHUP)
        XCTAssertTrue(
            ProcessFacts.wait(timeout: 20) {
                messages += notify.drain()
                return messages.filter { $0.contains("READY=1") }.count >= 2
            },
            "\(messages)"
        )
        XCTAssertEqual(gateway.stop(), 0)
        messages += notify.drain()

        let lifecycle = messages.filter {
            $0.contains("READY=1") || $0.contains("RELOADING=1") || $0.contains("STOPPING=1")
        }
        XCTAssertEqual(lifecycle.count, 4, "\(lifecycle)")
        guard lifecycle.count == 4 else { return }
        XCTAssertTrue(lifecycle[0].contains("READY=1"))
        XCTAssertTrue(lifecycle[1].contains("RELOADING=1"))
        XCTAssertTrue(lifecycle[2].contains("READY=1"))
        XCTAssertTrue(lifecycle[3].contains("STOPPING=1"))
        let monotonic = lifecycle[1].split(separator: "\n").first { $0.hasPrefix("MONOTONIC_USEC=") }
        let microseconds = monotonic.flatMap { UInt64($0.dropFirst("MONOTONIC_USEC=".count)) }
        XCTAssertNotNil(microseconds, "RELOADING=1 carries MONOTONIC_USEC")
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        XCTAssertLessThan(microseconds ?? .max, UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000)
        XCTAssertTrue(messages.contains { $0.hasPrefix("STATUS=") || $0.contains("\nSTATUS=") })
    }

    func testStartsFromSocketActivation() throws {
        let httpPort = try TestGateway.freePort()
        let adminPort = try TestGateway.freePort(excluding: [httpPort])
        let directory = try TestGateway.makeTemporaryDirectory()
        // Python binds the sockets, moves them to fds 3 and 4, sets LISTEN_PID to its own pid
        // and execs the gateway, which keeps that pid: what systemd does.
        let script = """
            import os, socket, sys
            def listen(port):
                s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("127.0.0.1", port)); s.listen(128); return s
            h, a = listen(\(httpPort)), listen(\(adminPort))
            os.dup2(h.fileno(), 3); os.dup2(a.fileno(), 4)
            os.set_inheritable(3, True); os.set_inheritable(4, True)
            os.environ.update(LISTEN_PID=str(os.getpid()), LISTEN_FDS="2", LISTEN_FDNAMES="http:admin", ROOKERY_EMBEDDED_FAST="1")
            os.execv(sys.argv[1], [sys.argv[1], "--workers", "1", "--data-dir", sys.argv[2], "--port", "1", "--admin-port", "2"])
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, TestGateway.gatewayPath, directory]
        let log = directory + "-activation.log"
        FileManager.default.createFile(atPath: log, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        let ready = ProcessFacts.wait(timeout: 60) {
            (try? RawHTTPConnection(port: adminPort, timeoutSeconds: 2).request("GET", "/readyz").status) == 200
        }
        XCTAssertTrue(ready, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
        let response = try RawHTTPConnection(port: httpPort).request("GET", "/api/tags")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.text, #"{"tags":[]}"#)
    }

    func testUnitFilesVerify() throws {
        let analyze = "/usr/bin/systemd-analyze"
        guard FileManager.default.isExecutableFile(atPath: analyze) else {
            throw XCTSkip("systemd-analyze is not installed")
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let directory = try TestGateway.makeTemporaryDirectory()
        let service = try String(
            contentsOf: root.appendingPathComponent("deploy/systemd/rookery.service"),
            encoding: .utf8
        )
        // Works on systemd 252 (Debian 12): no notify-reload, reload through `gateway reload`.
        for setting in [
            "Type=notify\n", "ExecReload=/opt/rookery/bin/gateway reload --pid ${MAINPID}", "OOMPolicy=continue",
            "WatchdogSec=60", "Wants=network-online.target", "After=network-online.target", "StartLimitIntervalSec=0",
            "EnvironmentFile=-/etc/rookery/rookery.env", "NoNewPrivileges=yes", "ProtectSystem=strict",
            "PrivateTmp=yes", "LoadCredential=", "User=rookery",
        ] {
            XCTAssertTrue(service.contains(setting), "service lacks \(setting)")
        }
        XCTAssertFalse(service.contains("notify-reload"))
        XCTAssertFalse(service.contains("Environment=DATABASE_URL"), "secrets do not belong in the unit")
        // Point ExecStart and ExecReload at the built binary so verify can check it exists.
        try service.replacingOccurrences(of: "/opt/rookery/bin/gateway", with: TestGateway.gatewayPath)
            .write(toFile: directory + "/rookery.service", atomically: true, encoding: .utf8)
        var units = [directory + "/rookery.service"]
        for (socket, name) in [("rookery-http.socket", "http"), ("rookery-admin.socket", "admin")] {
            let path = root.appendingPathComponent("deploy/systemd/\(socket)").path
            XCTAssertTrue(try String(contentsOfFile: path, encoding: .utf8).contains("FileDescriptorName=\(name)\n"))
            try FileManager.default.copyItem(atPath: path, toPath: directory + "/" + socket)
            units.append(directory + "/" + socket)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: analyze)
        process.arguments = ["verify", "--man=no"] + units
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(output, "", "verify warns")
        XCTAssertEqual(process.terminationStatus, 0, output)
    }
}
