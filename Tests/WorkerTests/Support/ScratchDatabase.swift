import Foundation
import Logging
import XCTest

@testable import Gateway

/// The PostgreSQL database the worker's integration tests use: `ROOKERY_TEST_DATABASE_URL`
/// when set (a libpq connection string or URL for a scratch database the tests may create
/// tables in), else a throwaway cluster started once per test run with the gateway's own
/// `EmbeddedPostgres` (fsync off) and stopped when the test bundle finishes. So `swift test`
/// alone runs these tests on any machine with the PostgreSQL server binaries installed.
enum ScratchDatabase {
    /// The connection string; starts the throwaway cluster on first use.
    static func conninfo() throws -> String {
        if let url = ProcessInfo.processInfo.environment["ROOKERY_TEST_DATABASE_URL"], !url.isEmpty {
            return url
        }
        return try ThrowawayCluster.shared.start()
    }
}

/// One embedded cluster in a short directory under /tmp (the socket path must fit in 107
/// bytes, and as root the `postgres` user must be able to enter every parent directory).
private final class ThrowawayCluster: NSObject, XCTestObservation, @unchecked Sendable {
    static let shared = ThrowawayCluster()

    /// Guards `postgres` and `conninfo`: tests may run on any thread.
    private let lock = NSLock()
    private var postgres: EmbeddedPostgres?
    private var conninfo: String?
    private let directory = "/tmp/rookery-wt-\(UUID().uuidString.prefix(8))"

    func start() throws -> String {
        try self.lock.withLock {
            if let conninfo = self.conninfo { return conninfo }
            var environment = ProcessInfo.processInfo.environment
            environment["ROOKERY_EMBEDDED_FAST"] = "1"
            let postgres = EmbeddedPostgres(
                dataDirectory: self.directory,
                logger: Logger(label: "scratch-postgres"),
                environment: environment
            )
            self.postgres = postgres
            let conninfo = try postgres.start()
            self.conninfo = conninfo
            XCTestObservationCenter.shared.addTestObserver(self)
            return conninfo
        }
    }

    func testBundleDidFinish(_ testBundle: Bundle) {
        self.lock.withLock {
            self.postgres?.stop()
            self.postgres = nil
            self.conninfo = nil
        }
        try? FileManager.default.removeItem(atPath: self.directory)
    }
}
