import Foundation
import XCTest

@testable import Worker

final class PostgresTimestampBinaryTests: XCTestCase {
    private func iso(_ microsecondsSince2000: Int64) -> String {
        PostgresTimestamp.withISO8601(microsecondsSince2000: microsecondsSince2000) {
            String(decoding: $0, as: UTF8.self)
        }
    }

    /// What PostgreSQL sends for a UTC timestamp: microseconds since 2000-01-01, computed
    /// exactly (a `Date` would round far from 1970).
    private func microseconds(
        _ year: Int64,
        _ month: Int64,
        _ day: Int64,
        _ hour: Int64 = 0,
        _ minute: Int64 = 0,
        _ second: Int64 = 0,
        micro: Int64 = 0
    ) -> Int64 {
        let seconds = PostgresTimestamp.days(fromCivil: year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
        return seconds * 1_000_000 + micro - 946_684_800_000_000
    }

    func testPostgresEpochAndUnixEpoch() {
        XCTAssertEqual(self.iso(0), "2000-01-01T00:00:00.000Z")
        XCTAssertEqual(self.iso(-946_684_800_000_000), "1970-01-01T00:00:00.000Z")
    }

    func testMillisecondsAreTruncatedTowardsThePast() throws {
        XCTAssertEqual(self.iso(self.microseconds(2026, 11, 29, 3, 4, 5, micro: 123_999)), "2026-11-29T03:04:05.123Z")
        XCTAssertEqual(self.iso(self.microseconds(2026, 11, 29, 3, 4, 5, micro: 749_000)), "2026-11-29T03:04:05.749Z")
        XCTAssertEqual(
            self.iso(self.microseconds(1969, 12, 31, 23, 59, 59, micro: 999_500)),
            "1969-12-31T23:59:59.999Z"
        )
        XCTAssertEqual(self.iso(-1), "1999-12-31T23:59:59.999Z")
    }

    func testAgreesWithFormattingADateWhereTheDateIsExact() throws {
        let samples = [
            ("2026-11-29 03:04:05+00", self.microseconds(2026, 11, 29, 3, 4, 5)),
            ("2024-02-29 23:59:59.5+00", self.microseconds(2024, 2, 29, 23, 59, 59, micro: 500_000)),
            ("0001-01-01 00:00:00+00", self.microseconds(1, 1, 1)),
            ("1900-03-01 12:00:00.125+00", self.microseconds(1900, 3, 1, 12, micro: 125_000)),
        ]
        for (text, microseconds) in samples {
            let date = try XCTUnwrap(PostgresTimestamp.parse(text))
            XCTAssertEqual(self.iso(microseconds), PostgresTimestamp.format(date), text)
        }
    }

    func testYearsOutsideTheCommonEraRange() {
        // Year 0 is 1 BC, so -43 is 44 BC.
        XCTAssertEqual(self.iso(self.microseconds(-43, 3, 15, 12, micro: 500_000)), "0044-03-15T12:00:00.500Z BC")
        XCTAssertEqual(self.iso(self.microseconds(12_345, 1, 1, micro: 999_999)), "12345-01-01T00:00:00.999Z")
        XCTAssertEqual(
            self.iso(self.microseconds(9999, 12, 31, 23, 59, 59, micro: 250_000)),
            "9999-12-31T23:59:59.250Z"
        )
    }

    func testInfinities() {
        XCTAssertEqual(self.iso(.max), "infinity")
        XCTAssertEqual(self.iso(.min), "-infinity")
        // Out of PostgreSQL's range but must not trap.
        XCTAssertFalse(self.iso(.min + 1).isEmpty)
    }
}
