import Foundation
import XCTest

@testable import Worker

final class PostgresRowTests: XCTestCase {
    private let row = PostgresRow(
        columnNames: ["id", "name", "flag", "at", "tags", "score", "missing"],
        values: ["42", "ann", "t", "2026-11-29 03:04:05.123+00", #"{a,"b c",NULL}"#, "1.5", nil]
    )

    func testTypedGetters() throws {
        XCTAssertEqual(try row.int(0), 42)
        XCTAssertEqual(try row.string(1), "ann")
        XCTAssertEqual(try row.bool(2), true)
        XCTAssertEqual(try row.date(3).timeIntervalSince1970, 1_795_921_445.123, accuracy: 1e-6)
        XCTAssertEqual(try row.stringArrayAllowingNulls(4), ["a", "b c", nil])
        XCTAssertEqual(try row.double(5), 1.5)
        XCTAssertNil(try row.optionalString(6))
        XCTAssertNil(try row.optionalInt(6))
        XCTAssertNil(try row.optionalDate(6))
        XCTAssertEqual(row.column(named: "tags"), 4)
        XCTAssertNil(row.column(named: "nope"))
    }

    func testMismatchesThrowInsteadOfTrapping() {
        let failing: [(String, () throws -> Any)] = [
            ("int of text", { try self.row.int(1) }),
            ("bool of text", { try self.row.bool(1) }),
            ("date of text", { try self.row.date(1) }),
            ("double of text", { try self.row.double(1) }),
            ("array of text", { try self.row.stringArray(1) }),
            ("NULL element", { try self.row.stringArray(4) }),
            ("NULL string", { try self.row.string(6) }),
            ("NULL int", { try self.row.int(6) }),
            ("index too large", { try self.row.string(7) }),
            ("negative index", { try self.row.optionalString(-1) as Any }),
        ]
        for (label, getter) in failing {
            XCTAssertThrowsError(try getter(), label) { error in
                XCTAssertEqual((error as? DatabaseError)?.kind, .other, label)
            }
        }
    }

    func testRowsCollection() {
        let rows = PostgresRows(columnNames: ["id"], rows: [row], affectedRows: 1)
        XCTAssertEqual(rows.count, 1)
        XCTAssertNotNil(rows.row(at: 0))
        XCTAssertNil(rows.row(at: 1))
        XCTAssertEqual(rows.column(named: "id"), 0)
    }

    func testEncodableConversions() {
        XCTAssertEqual("x".postgresText, "x")
        XCTAssertEqual(7.postgresText, "7")
        XCTAssertEqual(Int64(-7).postgresText, "-7")
        XCTAssertEqual(true.postgresText, "t")
        XCTAssertEqual(false.postgresText, "f")
        XCTAssertEqual(1.5.postgresText, "1.5")
        XCTAssertEqual(Double.infinity.postgresText, "Infinity")
        XCTAssertEqual(Double.nan.postgresText, "NaN")
        XCTAssertNil(Int?.none.postgresText)
        XCTAssertEqual(Int?.some(3).postgresText, "3")
    }

    func testParameterBufferRejectsNUL() {
        XCTAssertThrowsError(try PostgresParameterBuffer(["ok", "bad\u{0}"]))
        XCTAssertNoThrow(try PostgresParameterBuffer(["", nil, "é"]))
    }
}
