import ArgumentParser
import XCTest

@testable import Gateway

final class GatewayOptionsTests: XCTestCase {
    private func resolve(_ arguments: [String], environment: [String: String] = [:]) throws -> GatewayConfiguration {
        let options = try GatewayOptions.parse(arguments)
        return try options.resolve(environment: environment, executablePath: "/opt/rookery/bin/gateway", cores: 2)
    }

    func testDefaults() throws {
        let configuration = try self.resolve([])
        XCTAssertEqual(configuration.host, "127.0.0.1")
        XCTAssertEqual(configuration.port, 8080)
        XCTAssertEqual(configuration.adminPort, 8081)
        XCTAssertEqual(configuration.workers, 4, "2 per core")
        XCTAssertEqual(configuration.queueLimit, 1024)
        XCTAssertEqual(configuration.workerPipelineDepth, 4)
        XCTAssertEqual(configuration.eventLoops, 2, "one per core")
        XCTAssertEqual(configuration.requestTimeout, 30)
        XCTAssertEqual(configuration.workerPath, "/opt/rookery/bin/worker")
        XCTAssertNil(configuration.databaseURL)
        XCTAssertEqual(configuration.limits.maxHeaders, 100)
        XCTAssertEqual(configuration.limits.rateLimit, 0)
        XCTAssertEqual(configuration.limits.authRateLimit, 20)
    }

    func testFlagBeatsEnvironmentBeatsDefault() throws {
        XCTAssertEqual(try self.resolve([], environment: ["PORT": "9000"]).port, 9000)
        XCTAssertEqual(try self.resolve(["--port", "9001"], environment: ["PORT": "9000"]).port, 9001)
        XCTAssertEqual(
            try self.resolve([], environment: ["DATABASE_URL": "postgresql:///x"]).databaseURL,
            "postgresql:///x"
        )
        XCTAssertEqual(
            try self.resolve([], environment: ["TRUSTED_PROXIES": "10.0.0.1, 10.0.0.2"]).limits.trustedProxies,
            ["10.0.0.1", "10.0.0.2"]
        )
        XCTAssertEqual(try self.resolve([], environment: ["WORKER_PIPELINE_DEPTH": "1"]).workerPipelineDepth, 1)
        XCTAssertEqual(try self.resolve(["--event-loops", "1"], environment: ["EVENT_LOOPS": "3"]).eventLoops, 1)
    }

    func testInvalidValuesAreOneClearError() {
        for (arguments, expected) in [
            (["--port=-1"], "invalid --port"),
            (["--workers", "0"], "invalid --workers"),
            (["--log-format", "xml"], "invalid --log-format"),
            (["--request-timeout", "0"], "invalid --request-timeout"),
            (["--max-headers", "500"], "invalid --max-headers"),
            (["--worker-pipeline-depth", "0"], "invalid --worker-pipeline-depth"),
            (["--worker-pipeline-depth", "17"], "invalid --worker-pipeline-depth"),
            (["--event-loops", "0"], "invalid --event-loops"),
            (["--port", "8080", "--admin-port", "8080"], "must differ"),
        ] {
            XCTAssertThrowsError(try self.resolve(arguments), "\(arguments)") { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error)")
            }
        }
    }

    func testPasswordsAreRedactedFromConnectionStrings() {
        XCTAssertEqual(Redaction.conninfo("postgresql://app:s3cret@db:5432/x"), "postgresql://app:***@db:5432/x")
        XCTAssertFalse(Redaction.conninfo("host=db password='a b' dbname=x").contains("a b"))
        XCTAssertFalse(Redaction.conninfo("postgresql://db/x?password=s3cret").contains("s3cret"))
    }

    func testPasswordHashingDefaultsLeaveWorkersForEverythingElse() throws {
        XCTAssertEqual(GatewayConfiguration.defaultPasswordHashingWorkers(cores: 2, workers: 4), 1)
        XCTAssertEqual(GatewayConfiguration.defaultPasswordHashingWorkers(cores: 64, workers: 64), 32)
        XCTAssertEqual(GatewayConfiguration.defaultPasswordHashingWorkers(cores: 8, workers: 2), 1)
        XCTAssertEqual(GatewayConfiguration.defaultPasswordHashingWorkers(cores: 1, workers: 1), 1)
        let configuration = try self.resolve(["--workers", "6", "--password-hashing-workers", "3"])
        XCTAssertEqual(configuration.passwordHashingWorkers, 3)
        XCTAssertEqual(configuration.passwordHashingQueue, 48, "16 per hashing worker")
        XCTAssertThrowsError(try self.resolve(["--password-hashing-workers", "0"]))
    }
}
