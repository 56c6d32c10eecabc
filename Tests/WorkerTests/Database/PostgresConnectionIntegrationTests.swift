import Foundation
import XCTest

@testable import Worker

/// libpq through `PostgresConnection` against a real server (`ScratchDatabase`).
final class PostgresConnectionIntegrationTests: XCTestCase {
    private func connect() throws -> PostgresConnection {
        let conninfo = try ScratchDatabase.conninfo()
        try DatabaseBootstrap.ensureDatabaseExists(conninfo: conninfo)
        return try PostgresConnection(conninfo: conninfo)
    }

    func testBadConninfoFailsWithConnectionFailed() throws {
        _ = try connect()
        XCTAssertThrowsError(try PostgresConnection(conninfo: "host=/nonexistent-socket-dir port=1")) { error in
            XCTAssertEqual((error as? DatabaseError)?.kind, .connectionFailed)
        }
    }

    func testBoundParametersAndTypes() throws {
        let connection = try connect()
        let date = Date(timeIntervalSince1970: 1_795_921_445.123)
        let rows = try connection.query(
            "SELECT $1::text, $2::int8, $3::bool, $4::timestamptz, $5::text[], $6::float8, $7::text",
            [
                "it's \"quoted\"", 42.postgresText, true.postgresText, date.postgresText,
                [#"a"b"#, #"c\d"#, "NULL", ""].postgresText, 2.5.postgresText, nil,
            ]
        )
        let row = try XCTUnwrap(rows.row(at: 0))
        XCTAssertEqual(try row.string(0), "it's \"quoted\"")
        XCTAssertEqual(try row.int(1), 42)
        XCTAssertEqual(try row.bool(2), true)
        XCTAssertEqual(try row.date(3).timeIntervalSince1970, date.timeIntervalSince1970, accuracy: 1e-6)
        XCTAssertEqual(try row.stringArray(4), [#"a"b"#, #"c\d"#, "NULL", ""])
        XCTAssertEqual(try row.double(5), 2.5)
        XCTAssertNil(try row.optionalString(6))
    }

    func testStatementCacheAndStatistics() throws {
        let connection = try connect()
        connection.resetStatistics()
        _ = try connection.query("SELECT $1::int + 1", ["1"])
        XCTAssertEqual(connection.roundTrips, 2)  // prepare + execute
        _ = try connection.query("SELECT $1::int + 1", ["2"])
        XCTAssertEqual(connection.roundTrips, 3)
        XCTAssertGreaterThan(connection.busyNanoseconds, 0)
    }

    func testErrorsCarrySQLStateAndConstraint() throws {
        let connection = try connect()
        try connection.executeScript(
            "DROP TABLE IF EXISTS rk_test_users; CREATE TABLE rk_test_users (email text CONSTRAINT rk_email UNIQUE)"
        )
        try connection.execute("INSERT INTO rk_test_users VALUES ($1)", ["a@b"])
        XCTAssertThrowsError(try connection.execute("INSERT INTO rk_test_users VALUES ($1)", ["a@b"])) { error in
            let error = error as? DatabaseError
            XCTAssertEqual(error?.kind, .uniqueViolation)
            XCTAssertEqual(error?.sqlState, "23505")
            XCTAssertEqual(error?.constraint, "rk_email")
        }
        XCTAssertThrowsError(try connection.query("SELEC 1"))
        XCTAssertTrue(connection.isConnected)
    }

    func testTransactionRollsBackOnError() throws {
        let connection = try connect()
        try connection.executeScript("DROP TABLE IF EXISTS rk_test_tx; CREATE TABLE rk_test_tx (n int)")
        struct Boom: Error {}
        XCTAssertThrowsError(
            try connection.transaction {
                try connection.execute("INSERT INTO rk_test_tx VALUES (1)")
                throw Boom()
            }
        ) { XCTAssertTrue($0 is Boom) }
        XCTAssertFalse(connection.isInTransaction)
        let committed = try connection.transaction {
            try connection.execute("INSERT INTO rk_test_tx VALUES (2)")
            return 2
        }
        XCTAssertEqual(committed, 2)
        XCTAssertEqual(try connection.query("SELECT n FROM rk_test_tx").map { try $0.int(0) }, [2])
    }

    func testMigrationsApplyOnceAndCheckNames() throws {
        let connection = try connect()
        try connection.executeScript("DROP TABLE IF EXISTS schema_migrations, rk_test_migrated")
        let migrations = [
            Migration(version: 2, name: "add_column", sql: "ALTER TABLE rk_test_migrated ADD COLUMN b int"),
            Migration(version: 1, name: "create", sql: "CREATE TABLE rk_test_migrated (a int); SELECT 1"),
        ]
        var lines: [String] = []
        XCTAssertEqual(try MigrationRunner.apply(migrations, on: connection) { lines.append($0) }, [1, 2])
        XCTAssertEqual(try MigrationRunner.apply(migrations, on: connection) { lines.append($0) }, [])
        XCTAssertEqual(lines.count, 2)
        let renamed = [Migration(version: 1, name: "other", sql: "SELECT 1")]
        XCTAssertThrowsError(try MigrationRunner.apply(renamed, on: connection) { _ in })
        let renamedWithHistory = [Migration(version: 1, name: "other", formerNames: ["create"], sql: "SELECT 1")]
        XCTAssertEqual(try MigrationRunner.apply(renamedWithHistory, on: connection) { _ in }, [], "a former name")
        let broken = migrations + [Migration(version: 3, name: "broken", sql: "SELECT nope")]
        XCTAssertThrowsError(try MigrationRunner.apply(broken, on: connection) { _ in })
        let locks = try connection.query("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")
        XCTAssertEqual(try locks[0].int(0), 0)
    }

    func testPingAndReconnectAfterTermination() throws {
        let connection = try connect()
        let killer = try connect()
        let pid = try connection.query("SELECT pg_backend_pid()")[0].int(0)
        _ = try connection.query("SELECT $1::int", ["1"])
        _ = try killer.query("SELECT pg_terminate_backend($1::int)", [String(pid)])
        Thread.sleep(forTimeInterval: 0.2)
        XCTAssertThrowsError(try connection.query("SELECT $1::int", ["1"])) { error in
            XCTAssertEqual((error as? DatabaseError)?.kind, .connectionLost)
        }
        XCTAssertTrue(connection.ping())
        XCTAssertEqual(try connection.query("SELECT $1::int", ["5"])[0].int(0), 5)
        XCTAssertEqual(try connection.query("SHOW TimeZone")[0].string(0), "UTC")
    }
}
