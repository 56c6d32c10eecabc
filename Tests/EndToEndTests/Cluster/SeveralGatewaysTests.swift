import Foundation
import XCTest

/// Several gateways on one database, as several hosts behind a balancer would run them.
final class SeveralGatewaysTests: XCTestCase {
    /// Both start at the same moment on an empty database: the migrations run once under the
    /// advisory lock, and a token issued by one host is accepted by the other.
    func testTwoGatewaysStartTogetherAndAcceptEachOthersTokens() throws {
        let database = try TestPostgres()
        let environment = [
            "DATABASE_URL": database.conninfo,
            "JWT_SECRET": "shared-secret-shared-secret-shared-secret",
        ]
        let first = try TestGateway(workers: 1, environment: environment, waitForReady: false)
        let second = try TestGateway(workers: 1, environment: environment, waitForReady: false)
        try first.waitUntilReady()
        try second.waitUntilReady()
        XCTAssertEqual(
            try database.psql("SELECT count(*) FROM schema_migrations"),
            try database.psql(
                "SELECT count(DISTINCT version) FROM schema_migrations"
            ),
            "each migration recorded once"
        )
        let applied = [first.log, second.log].map { $0.components(separatedBy: "applying migration 1 ").count - 1 }
        XCTAssertEqual(applied.reduce(0, +), 1, "exactly one gateway applied the schema:\n\(first.log)\n\(second.log)")

        let user = try APIClient(first).register("two-hosts")
        let elsewhere = try APIClient(second).request("GET", "/api/user", token: user.token)
        XCTAssertEqual(elsewhere.status, 200, "a token of one host works on the other: \(elsewhere.text)")
        for gateway in [first, second] {
            XCTAssertFalse(gateway.log.contains("no JWT secret is"), "a shared secret draws no warning")
        }
    }

    func testAnExternalDatabaseWithoutASharedSecretIsSaidLoudly() throws {
        let database = try TestPostgres()
        let gateway = try TestGateway(workers: 1, environment: ["DATABASE_URL": database.conninfo])
        XCTAssertTrue(
            gateway.log.contains("DATABASE_URL is set but no JWT secret is"),
            "start-up warning:\n\(gateway.log)"
        )
        XCTAssertEqual(try APIClient(gateway).request("GET", "/api/tags").status, 200, "and it still serves")
    }
}
