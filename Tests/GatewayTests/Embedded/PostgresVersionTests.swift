import XCTest

@testable import Gateway

final class PostgresVersionTests: XCTestCase {
    func testMajorFromVersionFile() {
        XCTAssertEqual(PostgresVersion.major(fromVersionFile: "15\n"), "15")
        XCTAssertEqual(PostgresVersion.major(fromVersionFile: "9.6\n"), "9.6")
        XCTAssertNil(PostgresVersion.major(fromVersionFile: ""))
        XCTAssertNil(PostgresVersion.major(fromVersionFile: "garbage"))
    }

    func testMajorFromVersionOutput() {
        XCTAssertEqual(
            PostgresVersion.major(fromVersionOutput: "postgres (PostgreSQL) 15.8 (Debian 15.8-0+deb12u1)\n"),
            "15"
        )
        XCTAssertEqual(PostgresVersion.major(fromVersionOutput: "postgres (PostgreSQL) 17beta1"), "17")
        XCTAssertEqual(PostgresVersion.major(fromVersionOutput: "postgres (PostgreSQL) 9.6.24"), "9.6")
        XCTAssertNil(PostgresVersion.major(fromVersionOutput: "something else 16.1"))
    }

    func testSupportedVersions() {
        XCTAssertTrue(PostgresVersion.isSupported("15"))
        XCTAssertTrue(PostgresVersion.isSupported("18"))
        XCTAssertFalse(PostgresVersion.isSupported("14"))
        XCTAssertFalse(PostgresVersion.isSupported("9.6"))
    }
}

/// The locator on fake installations: version directories and a `PATH` entry with scripts.
final class PostgresBinaryLocatorTests: XCTestCase {
    private var root = ""

    override func setUpWithError() throws {
        root = NSTemporaryDirectory() + "rookery-locator-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: root)
    }

    private func install(_ directory: String, versionOutput: String = "") throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for program in ["postgres", "initdb"] {
            let path = "\(directory)/\(program)"
            try "#!/bin/sh\necho '\(versionOutput)'\n".write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o755)
        }
    }

    private func locator(path: String = "") -> PostgresBinaryLocator {
        PostgresBinaryLocator(
            processControl: NoPgConfigProcessControl(),
            environment: ["PATH": path],
            packageRoot: "\(root)/lib"
        )
    }

    func testNewClusterGetsTheNewestSupportedVersion() throws {
        try install("\(root)/lib/14/bin")
        try install("\(root)/lib/16/bin")
        try install("\(root)/lib/15/bin")
        XCTAssertEqual(try locator().locate(), PostgresBinaries(directory: "\(root)/lib/16/bin", majorVersion: "16"))
    }

    func testExistingClusterGetsItsOwnVersion() throws {
        try install("\(root)/lib/15/bin")
        try install("\(root)/lib/16/bin")
        XCTAssertEqual(try locator().locate(clusterVersion: "15").directory, "\(root)/lib/15/bin")
    }

    func testMissingClusterVersionNamesTheUpgradePath() throws {
        try install("\(root)/lib/16/bin")
        XCTAssertThrowsError(try locator().locate(clusterVersion: "15")) { error in
            XCTAssertEqual(
                error as? EmbeddedPostgresError,
                .binariesForClusterMissing(clusterVersion: "15", installed: ["16"])
            )
            XCTAssertTrue(
                "\(error)".contains("install postgresql-15 again to run it, or upgrade the cluster with pg_upgrade")
            )
        }
    }

    func testOnlyOldVersionsAreRefused() throws {
        try install("\(root)/lib/14/bin")
        XCTAssertThrowsError(try locator().locate()) { error in
            XCTAssertEqual(error as? EmbeddedPostgresError, .binariesTooOld(installed: ["14"]))
        }
        XCTAssertThrowsError(try locator().locate(clusterVersion: "15"))
    }

    func testVersionOfBinariesOnPathComesFromPostgresVersion() throws {
        try install("\(root)/bin", versionOutput: "postgres (PostgreSQL) 17.2")
        XCTAssertEqual(
            try locator(path: "\(root)/bin").locate(),
            PostgresBinaries(directory: "\(root)/bin", majorVersion: "17")
        )
        XCTAssertEqual(try locator(path: "\(root)/bin").locate(clusterVersion: "17").directory, "\(root)/bin")
    }

    func testNothingInstalled() {
        XCTAssertThrowsError(try locator().locate()) { error in
            XCTAssertEqual(error as? EmbeddedPostgresError, .binariesNotFound)
        }
    }
}

/// Real processes, except that `pg_config` is not there (the machine's would point at its own
/// PostgreSQL).
private struct NoPgConfigProcessControl: ProcessControl {
    let system = SystemProcessControl()

    func spawn(_ request: SpawnRequest) throws -> pid_t {
        guard request.executablePath != "pg_config" else {
            throw ProcessSpawnError(executablePath: "pg_config", errorNumber: ENOENT, context: "test")
        }
        return try system.spawn(request)
    }

    func sendSignal(_ signal: CInt, to pid: pid_t) throws { try system.sendSignal(signal, to: pid) }
    func sendSignal(_ signal: CInt, toProcessGroup processGroup: pid_t) throws {
        try system.sendSignal(signal, toProcessGroup: processGroup)
    }
    func reap(pid: pid_t) -> ChildProcessStatus? { system.reap(pid: pid) }
    func sleep(for duration: Duration) { system.sleep(for: duration) }
}
