import XCTest

@testable import Worker

final class DatabaseErrorTests: XCTestCase {
    func testSQLStateMapping() {
        let cases: [(String, DatabaseError.Kind)] = [
            ("23505", .uniqueViolation),
            ("23503", .foreignKeyViolation),
            ("40001", .serializationFailure),
            ("40P01", .serializationFailure),
            ("57014", .queryCanceled),
            ("08000", .connectionLost),
            ("08006", .connectionLost),
            ("08P01", .connectionLost),
            ("57P01", .connectionLost),
            ("57P02", .connectionLost),
            ("57P03", .connectionLost),
            ("23502", .other),
            ("42P01", .other),
            ("57000", .other),
            ("", .other),
        ]
        for (sqlState, kind) in cases {
            XCTAssertEqual(DatabaseError.kind(forSQLState: sqlState), kind, sqlState)
        }
    }

    func testInitFromSQLStateClassifies() {
        let error = DatabaseError(sqlState: "23505", message: "duplicate key", constraint: "users_email_key")
        XCTAssertEqual(error.kind, .uniqueViolation)
        XCTAssertEqual(error.constraint, "users_email_key")
        XCTAssertEqual(DatabaseError(sqlState: nil, message: "x").kind, .other)
    }

    func testDescription() {
        let error = DatabaseError(sqlState: "23505", message: "duplicate key", constraint: "users_email_key")
        XCTAssertEqual(error.description, "uniqueViolation (23505): duplicate key [constraint users_email_key]")
        let failed = DatabaseError(kind: .connectionFailed, message: "refused")
        XCTAssertEqual(failed.description, "connectionFailed: refused")
    }
}
