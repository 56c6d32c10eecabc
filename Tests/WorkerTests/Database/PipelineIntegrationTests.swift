import Foundation
import XCTest

@testable import Worker

/// libpq pipeline mode against a real server (`ScratchDatabase`).
final class PipelineIntegrationTests: XCTestCase {
    private func connect() throws -> PostgresConnection {
        let conninfo = try ScratchDatabase.conninfo()
        try DatabaseBootstrap.ensureDatabaseExists(conninfo: conninfo)
        return try PostgresConnection(conninfo: conninfo)
    }

    func testManyStatementsCostOneRoundTripOncePrepared() throws {
        let connection = try connect()
        let sql = "SELECT $1::int * 2"
        _ = try connection.query(sql, ["1"])
        connection.resetStatistics()
        let results = try connection.pipeline((1...200).map { PipelineStatement(sql, [String($0)]) })
        XCTAssertEqual(connection.roundTrips, 1)
        XCTAssertEqual(try results.map { try XCTUnwrap($0.row(at: 0)).int(0) }, (1...200).map { $0 * 2 })
    }

    func testFailureThrowsFirstErrorAndLeavesConnectionUsable() throws {
        let connection = try connect()
        let statements = [
            PipelineStatement("SELECT 1"),
            PipelineStatement("SELECT 1 / $1::int", ["0"]),
            PipelineStatement("SELECT 3"),
        ]
        XCTAssertThrowsError(try connection.pipeline(statements)) { error in
            XCTAssertEqual((error as? DatabaseError)?.sqlState, "22012")
        }
        XCTAssertEqual(try connection.query("SELECT 42").row(at: 0)?.int(0), 42)
        XCTAssertEqual(try connection.pipeline([PipelineStatement("SELECT 7")]).first?.row(at: 0)?.int(0), 7)
    }

    func testStatementsShareOneImplicitTransaction() throws {
        let connection = try connect()
        try connection.executeScript("CREATE TEMP TABLE IF NOT EXISTS pipeline_probe (n int); TRUNCATE pipeline_probe")
        XCTAssertThrowsError(
            try connection.pipeline([
                PipelineStatement("INSERT INTO pipeline_probe VALUES (1)"),
                PipelineStatement("SELECT 1 / 0"),
            ])
        )
        XCTAssertEqual(try connection.query("SELECT count(*) FROM pipeline_probe").row(at: 0)?.int(0), 0)
    }

    func testEmptyAndOversizedPipelines() throws {
        let connection = try connect()
        XCTAssertEqual(try connection.pipeline([]).count, 0)
        let tooMany = Array(repeating: PipelineStatement("SELECT 1"), count: PostgresConnection.maxPipelineLength + 1)
        XCTAssertThrowsError(try connection.pipeline(tooMany))
    }
}
