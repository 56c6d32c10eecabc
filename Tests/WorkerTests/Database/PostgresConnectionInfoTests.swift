import XCTest

@testable import Worker

/// `PQconninfoParse` needs no server, so these run everywhere.
final class PostgresConnectionInfoTests: XCTestCase {
    func testParsesKeyValueString() throws {
        let info = try PostgresConnectionInfo(parsing: "host=/tmp port=5499 dbname=rookery user=app")
        XCTAssertEqual(info["dbname"], "rookery")
        XCTAssertEqual(info["host"], "/tmp")
        XCTAssertEqual(info["port"], "5499")
        XCTAssertNil(info["password"])
    }

    func testParsesURL() throws {
        let url = "postgresql://app:s%27cret@db.example:5433/my%20db?sslmode=disable"
        let info = try PostgresConnectionInfo(parsing: url)
        XCTAssertEqual(info["dbname"], "my db")
        XCTAssertEqual(info["user"], "app")
        XCTAssertEqual(info["password"], "s'cret")
        XCTAssertEqual(info["host"], "db.example")
        XCTAssertEqual(info["sslmode"], "disable")
    }

    func testRejectsInvalidString() {
        XCTAssertThrowsError(try PostgresConnectionInfo(parsing: "nonsense_option=1"))
        XCTAssertThrowsError(try PostgresConnectionInfo(parsing: "dbname"))
    }

    func testReplacingDatabaseAndReserialising() throws {
        var info = try PostgresConnectionInfo(parsing: #"host=h dbname=app password='it\'s a \\ test'"#)
        XCTAssertEqual(info["password"], #"it's a \ test"#)
        info["dbname"] = "postgres"
        let conninfo = info.conninfo
        XCTAssertTrue(conninfo.contains("dbname='postgres'"), conninfo)
        XCTAssertTrue(conninfo.contains(#"password='it\'s a \\ test'"#), conninfo)
        XCTAssertEqual(try PostgresConnectionInfo(parsing: conninfo), info)
    }

    func testQuote() {
        XCTAssertEqual(PostgresConnectionInfo.quote(""), "''")
        XCTAssertEqual(PostgresConnectionInfo.quote(#"a'b\c"#), #"'a\'b\\c'"#)
    }

    func testDatabaseNameFallbacks() throws {
        let named = try PostgresConnectionInfo(parsing: "dbname=a user=u")
        XCTAssertEqual(named.databaseName(environment: ["PGDATABASE": "env"]), "a")
        let unnamed = try PostgresConnectionInfo(parsing: "user=u")
        XCTAssertEqual(unnamed.databaseName(environment: ["PGDATABASE": "env"]), "env")
        XCTAssertEqual(unnamed.databaseName(environment: [:]), "u")
        XCTAssertNil(try PostgresConnectionInfo(parsing: "").databaseName(environment: [:]))
    }
}
