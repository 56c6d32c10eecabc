import CLibPQ
import Foundation
import Logging
import XCTest

@testable import Gateway

/// Starts real PostgreSQL clusters in throwaway directories (fsync off). Skipped when the
/// server binaries are not installed.
final class EmbeddedPostgresIntegrationTests: XCTestCase {
    private var dataDirectory = ""

    override func setUpWithError() throws {
        let environment = ProcessInfo.processInfo.environment
        do {
            _ = try PostgresBinaryLocator(processControl: SystemProcessControl(), environment: environment).locate()
        } catch {
            throw XCTSkip("\(error)")
        }
        // Short and under /tmp: the socket path must fit in 107 bytes, and as root the
        // postgres user must be able to enter every parent directory.
        dataDirectory = "/tmp/rookery-pg-\(UUID().uuidString.prefix(8))"
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: dataDirectory)
    }

    func testStartStopAndReuseCluster() throws {
        let postgres = makeEmbeddedPostgres()
        defer { postgres.stop() }

        let conninfo = try postgres.start()
        XCTAssertEqual(conninfo, "host='\(dataDirectory)/run' port='5432' dbname='rookery' user='postgres'")
        XCTAssertNotNil(postgres.pid)
        XCTAssertEqual(PQping(conninfo), PQPING_OK)
        XCTAssertEqual(try postgres.start(), conninfo, "starting twice is harmless")
        XCTAssertNil(postgres.reapIfExited())
        assertPrivateDirectory("\(dataDirectory)/run")
        assertPrivateDirectory("\(dataDirectory)/postgres")

        postgres.stop()
        XCTAssertNil(postgres.pid)
        XCTAssertNotEqual(PQping(conninfo), PQPING_OK)
        postgres.stop()

        XCTAssertEqual(try postgres.start(), conninfo)
        XCTAssertEqual(PQping(conninfo), PQPING_OK)
        postgres.stop()
        XCTAssertNil(postgres.pid)
    }

    func testStartsDespiteStalePidFiles() throws {
        let postgres = makeEmbeddedPostgres()
        defer { postgres.stop() }
        _ = try postgres.start()
        postgres.stop()

        let control = SystemProcessControl()
        let deadPid = try control.spawn(SpawnRequest(executablePath: "/bin/true"))
        XCTAssertNotNil(control.waitForExit(pid: deadPid, timeout: .seconds(5)))
        let pidFile = "\(dataDirectory)/postgres/postmaster.pid"
        try "\(deadPid)\n\(dataDirectory)/postgres\n".write(toFile: pidFile, atomically: false, encoding: .utf8)
        let conninfo = try postgres.start()
        XCTAssertEqual(PQping(conninfo), PQPING_OK)
        postgres.stop()

        // A live pid that is not PostgreSQL (pids are reused after a reboot or in containers).
        try "\(getpid())\n\(dataDirectory)/postgres\n".write(toFile: pidFile, atomically: false, encoding: .utf8)
        XCTAssertEqual(PQping(try postgres.start()), PQPING_OK)
    }

    func testServerCrashIsNoticed() throws {
        let postgres = makeEmbeddedPostgres()
        defer { postgres.stop() }
        _ = try postgres.start()
        let pid = try XCTUnwrap(postgres.pid)
        kill(pid, SIGKILL)
        let status = SystemProcessControl().sleepUntil(timeout: .seconds(5)) { postgres.reapIfExited() }
        XCTAssertEqual(status, .signaled(SIGKILL))
        XCTAssertNil(postgres.pid)
        XCTAssertEqual(PQping(try postgres.start()), PQPING_OK, "restarts after a crash")
    }

    func testASecondOwnerIsRefusedBeforeTouchingTheRunningServer() throws {
        let first = makeEmbeddedPostgres()
        defer { first.stop() }
        let conninfo = try first.start()
        let pid = try XCTUnwrap(first.pid)

        let second = makeEmbeddedPostgres()
        XCTAssertThrowsError(try second.start()) { error in
            XCTAssertEqual(
                error as? EmbeddedPostgresError,
                .dataDirectoryInUse(path: dataDirectory, holderPid: getpid())
            )
        }
        second.stop()
        XCTAssertEqual(first.pid, pid)
        XCTAssertEqual(PQping(conninfo), PQPING_OK, "the first server is untouched")

        first.stop()
        XCTAssertEqual(PQping(try second.start()), PQPING_OK, "free again after a clean stop")
        second.stop()
    }

    func testUnwritableDataDirectoryIsReported() {
        let postgres = EmbeddedPostgres(dataDirectory: "/proc/rookery", logger: Logger(label: "test"))
        XCTAssertThrowsError(try postgres.start()) { error in
            XCTAssertTrue("\(error)".hasPrefix("data directory /proc/rookery is not writable: "), "\(error)")
        }
    }

    private func makeEmbeddedPostgres() -> EmbeddedPostgres {
        var environment = ProcessInfo.processInfo.environment
        environment["ROOKERY_EMBEDDED_FAST"] = "1"
        return EmbeddedPostgres(dataDirectory: dataDirectory, logger: Logger(label: "test"), environment: environment)
    }

    private func assertPrivateDirectory(_ path: String, file: StaticString = #filePath, line: UInt = #line) {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        let mode = (attributes?[.posixPermissions] as? NSNumber)?.intValue
        XCTAssertEqual(mode, 0o700, path, file: file, line: line)
    }
}

extension SystemProcessControl {
    /// Polls `condition` every 20 ms until it returns a value or the timeout passes.
    fileprivate func sleepUntil<T>(timeout: Duration, _ condition: () -> T?) -> T? {
        let deadline = ContinuousClock().now.advanced(by: timeout)
        while ContinuousClock().now < deadline {
            if let value = condition() { return value }
            sleep(for: .milliseconds(20))
        }
        return nil
    }
}
