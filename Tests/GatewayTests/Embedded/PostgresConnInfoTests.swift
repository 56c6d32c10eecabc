import XCTest

@testable import Gateway

final class PostgresConnInfoTests: XCTestCase {
    func testQuotesPlainValue() {
        XCTAssertEqual(PostgresConnInfo.quote("/srv/rookery/run"), "'/srv/rookery/run'")
    }

    func testEscapesQuotesAndBackslashes() {
        XCTAssertEqual(PostgresConnInfo.quote(#"a b'c\d"#), #"'a b\'c\\d'"#)
        XCTAssertEqual(PostgresConnInfo.quote(""), "''")
    }

    func testUnixSocketConninfo() {
        let conninfo = PostgresConnInfo.unixSocket(
            directory: "/data dir/run",
            database: "rookery",
            user: "postgres",
            port: 5432
        )
        XCTAssertEqual(conninfo, "host='/data dir/run' port='5432' dbname='rookery' user='postgres'")
    }

    func testEmbeddedConninfoUsesAbsoluteSocketDirectory() {
        let layout = EmbeddedPostgresLayout(dataDirectory: "./x/../.data", currentDirectory: "/srv/app")
        XCTAssertEqual(layout.dataDirectory, "/srv/app/.data")
        XCTAssertEqual(layout.clusterDirectory, "/srv/app/.data/postgres")
        XCTAssertEqual(layout.socketDirectory, "/srv/app/.data/run")
        XCTAssertEqual(layout.logFile, "/srv/app/.data/postgres.log")
        XCTAssertEqual(layout.socketLockFile, "/srv/app/.data/run/.s.PGSQL.5432.lock")
        XCTAssertTrue(layout.socketPathFits)
    }

    func testAbsoluteDataDirectoryIgnoresCurrentDirectory() {
        let layout = EmbeddedPostgresLayout(dataDirectory: "/var/lib/rookery/", currentDirectory: "/elsewhere")
        XCTAssertEqual(layout.dataDirectory, "/var/lib/rookery")
    }

    func testDetectsOverlongSocketPath() {
        let layout = EmbeddedPostgresLayout(dataDirectory: "/" + String(repeating: "d", count: 100))
        XCTAssertFalse(layout.socketPathFits)
    }
}
