import Foundation
import Glibc
import XCTest

/// A real `gateway` process with real workers and a throwaway embedded PostgreSQL, started
/// in a temporary data directory on free loopback ports.
final class TestGateway {
    let dataDirectory: String
    let port: Int
    let adminPort: Int
    let process: Process
    let logPath: String
    private var stopped = false

    /// The built binaries: `ROOKERY_BIN_DIR`, else the directory of the test bundle (SwiftPM
    /// puts products and tests side by side), else `.build/debug`.
    static var binaryDirectory: String {
        if let directory = ProcessInfo.processInfo.environment["ROOKERY_BIN_DIR"] {
            return directory
        }
        let candidates = [
            Bundle.main.bundleURL.path,
            Bundle.main.bundleURL.deletingLastPathComponent().path,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/debug").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0 + "/gateway") } ?? candidates[2]
    }

    static var gatewayPath: String { binaryDirectory + "/gateway" }

    /// Starts a gateway and waits until /readyz says 200.
    init(
        workers: Int = 2,
        arguments: [String] = [],
        dataDirectory: String? = nil,
        environment: [String: String] = [:],
        waitForReady: Bool = true
    ) throws {
        self.dataDirectory = try dataDirectory ?? Self.makeTemporaryDirectory()
        self.port = try Self.freePort()
        self.adminPort = try Self.freePort(excluding: [self.port])
        self.logPath = self.dataDirectory + "-gateway-\(self.port).log"
        _ = FileManager.default.createFile(atPath: self.logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: self.logPath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.gatewayPath)
        process.arguments =
            [
                "--port", String(self.port), "--admin-port", String(self.adminPort),
                "--workers", String(workers), "--data-dir", self.dataDirectory,
            ] + arguments
        var processEnvironment = ProcessInfo.processInfo.environment
        processEnvironment["ROOKERY_EMBEDDED_FAST"] = "1"
        processEnvironment.removeValue(forKey: "DATABASE_URL")
        processEnvironment.removeValue(forKey: "JWT_SECRET")
        processEnvironment.merge(environment) { _, new in new }
        process.environment = processEnvironment
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
        if waitForReady {
            try self.waitUntilReady()
        }
    }

    deinit {
        self.stop()
    }

    var pid: pid_t { self.process.processIdentifier }

    /// The gateway's log so far, for failure messages.
    var log: String {
        (try? String(contentsOfFile: self.logPath, encoding: .utf8)) ?? ""
    }

    func waitUntilReady(timeout: TimeInterval = 90) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard self.process.isRunning else {
                throw TestGatewayError.exited("gateway exited during start:\n\(self.log)")
            }
            if let response = try? self.admin("/readyz"), response.status == 200 {
                return
            }
            usleep(100_000)
        }
        throw TestGatewayError.timeout("gateway not ready after \(timeout) s:\n\(self.log)")
    }

    /// One request on a fresh connection to the public port.
    func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: String? = nil) throws
        -> TestResponse
    {
        try RawHTTPConnection(port: self.port).request(
            method,
            path,
            headers: headers + [("Connection", "close")],
            body: body
        )
    }

    func admin(_ path: String) throws -> TestResponse {
        try RawHTTPConnection(port: self.adminPort, timeoutSeconds: 5).request(
            "GET",
            path,
            headers: [("Connection", "close")]
        )
    }

    /// /status as JSON.
    func status() throws -> [String: Any] {
        guard let json = try self.admin("/status").json else { throw TestGatewayError.exited("no /status JSON") }
        return json
    }

    func workerPIDs() throws -> [pid_t] {
        let workers = try self.status()["workers"] as? [[String: Any]] ?? []
        return workers.compactMap { ($0["pid"] as? Int).map { pid_t($0) } }
    }

    func signal(_ number: Int32) {
        if number == SIGTERM || number == SIGINT {
            self.terminationRequested = true
        }
        kill(self.pid, number)
    }

    private var terminationRequested = false

    /// SIGTERM and wait; SIGKILL after the timeout. Returns the exit status. Sends no second
    /// SIGTERM when the test already sent one: a second one means "stop at once".
    @discardableResult
    func stop(timeout: TimeInterval = 30) -> Int32 {
        guard !self.stopped else { return self.process.terminationStatus }
        self.stopped = true
        if self.process.isRunning && !self.terminationRequested {
            kill(self.pid, SIGTERM)
        }
        let deadline = Date().addingTimeInterval(timeout)
        while self.process.isRunning && Date() < deadline {
            usleep(20_000)
        }
        if self.process.isRunning {
            kill(self.pid, SIGKILL)
            self.process.waitUntilExit()
        }
        return self.process.terminationStatus
    }

    /// Runs SQL against the embedded database with psql over its UNIX socket.
    func psql(_ sql: String) throws -> String {
        try Self.run(
            Self.psqlPath,
            [
                "-h", self.dataDirectory + "/run", "-U", "postgres", "-d", "rookery", "-At", "-v", "ON_ERROR_STOP=1",
                "-c", sql,
            ]
        )
    }

    /// Starts psql in the background (for holding locks); the caller terminates it.
    func psqlInBackground(_ sql: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.psqlPath)
        process.arguments = ["-h", self.dataDirectory + "/run", "-U", "postgres", "-d", "rookery", "-At", "-c", sql]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Holds `ACCESS EXCLUSIVE` on each table for `seconds` in one transaction of a background
    /// psql, so the requests that read them wait; returns once every lock is granted (XCTFail
    /// after 5 s). Terminate the process to release the locks early.
    func lockTables(_ tables: [String], forSeconds seconds: Double) throws -> Process {
        let locks = tables.map { "LOCK TABLE \($0) IN ACCESS EXCLUSIVE MODE;" }.joined(separator: " ")
        let locker = try self.psqlInBackground("BEGIN; \(locks) SELECT pg_sleep(\(seconds)); COMMIT;")
        let relations = tables.map { "'\($0)'::regclass" }.joined(separator: ", ")
        let granted = ProcessFacts.wait(timeout: 5) {
            (try? self.psql(
                "SELECT count(*) FROM pg_locks WHERE mode = 'AccessExclusiveLock' AND granted AND relation IN (\(relations))"
            )) == String(tables.count)
        }
        XCTAssertTrue(granted, "locks on \(tables) granted")
        return locker
    }

    static var psqlPath: String {
        ["/usr/lib/postgresql/15/bin/psql", "/usr/bin/psql"].first { FileManager.default.isExecutableFile(atPath: $0) }
            ?? "/usr/bin/psql"
    }

    /// Runs a command to completion and returns its output. Output goes through a file, not a
    /// pipe: a daemon the command starts (pg_ctl start) could hold a pipe open forever.
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let outputPath = NSTemporaryDirectory() + "rookery-run-\(UUID().uuidString).out"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let sink = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        defer { try? sink.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = sink
        process.standardError = sink
        try process.run()
        process.waitUntilExit()
        let data = FileManager.default.contents(atPath: outputPath) ?? Data()
        let output = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw TestGatewayError.exited("\(executable) failed: \(output)")
        }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A new directory, removed with its siblings when the test bundle finishes
    /// (`TemporaryDirectories`).
    static func makeTemporaryDirectory() throws -> String {
        try TemporaryDirectories.shared.make(prefix: "rookery-e2e-")
    }

    /// A loopback port nobody listens on right now.
    static func freePort(excluding: [Int] = []) throws -> Int {
        for _ in 0..<50 {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(descriptor) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = 0
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else { continue }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            let port = Int(UInt16(bigEndian: address.sin_port))
            if !excluding.contains(port) { return port }
        }
        throw TestGatewayError.timeout("no free port")
    }
}

enum TestGatewayError: Error, CustomStringConvertible {
    case exited(String)
    case timeout(String)

    var description: String {
        switch self {
        case .exited(let text), .timeout(let text): return text
        }
    }
}

/// Process facts from /proc, for checking parentage and liveness.
enum ProcessFacts {
    static func isAlive(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        // A zombie is dead for our purposes.
        return self.state(pid) != "Z"
    }

    static func parent(of pid: pid_t) -> pid_t? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? pid_t(fields[1]) : nil
    }

    static func state(_ pid: pid_t) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ").first.map(String.init)
    }

    /// Waits until `condition` holds or the timeout passes; returns whether it held.
    static func wait(timeout: TimeInterval, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }
}
