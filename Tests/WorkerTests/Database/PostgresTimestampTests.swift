import Foundation
import RookeryCommon
import XCTest

@testable import Worker

final class PostgresTimestampTests: XCTestCase {
    /// 2026-11-29 03:04:05 UTC.
    private let reference: TimeInterval = 1_795_921_445

    func testParsesTimestamptzOutput() throws {
        let withMilliseconds = try XCTUnwrap(PostgresTimestamp.parse("2026-11-29 03:04:05.123+00"))
        XCTAssertEqual(withMilliseconds.timeIntervalSince1970, reference + 0.123, accuracy: 1e-6)
        let whole = try XCTUnwrap(PostgresTimestamp.parse("2026-11-29 03:04:05+00"))
        XCTAssertEqual(whole.timeIntervalSince1970, reference)
        let micro = try XCTUnwrap(PostgresTimestamp.parse("2026-11-29 03:04:05.000001+00"))
        XCTAssertEqual(micro.timeIntervalSince1970, reference + 0.000001, accuracy: 1e-7)
    }

    func testParsesOffsetsAndOtherShapes() throws {
        let cases: [(String, TimeInterval)] = [
            ("2026-11-29 08:34:05+05:30", reference),
            ("2026-11-29 08:34:05+0530", reference),
            ("2026-11-28 22:04:05-05", reference),
            ("2026-11-29T03:04:05.000Z", reference),
            ("2026-11-29 03:04:05", reference),
            ("2026-11-29", reference - 3 * 3600 - 4 * 60 - 5),
            ("1970-01-01 00:00:00+00", 0),
            ("1969-12-31 23:59:59.5+00", -0.5),
            ("2000-02-29 00:00:00+00", 951_782_400),
        ]
        for (text, expected) in cases {
            let date = try XCTUnwrap(PostgresTimestamp.parse(text), text)
            XCTAssertEqual(date.timeIntervalSince1970, expected, accuracy: 1e-6, text)
        }
    }

    func testRejectsMalformedText() {
        for text in [
            "", "infinity", "-infinity", "2026-13-01", "2026-02-29", "2026-11-29 3:04:05",
            "2026-11-29 03:04", "2026-11-29 24:00:00", "2026-11-29 03:04:05+", "2026-11-29 03:04:05.+00",
            "2026-11-29 03:04:05+00 junk", "29/11/2026",
        ] {
            XCTAssertNil(PostgresTimestamp.parse(text), text)
        }
    }

    func testFormatsISO8601WithMilliseconds() {
        let date = Date(timeIntervalSince1970: reference + 0.123)
        XCTAssertEqual(PostgresTimestamp.format(date), "2026-11-29T03:04:05.123Z")
        XCTAssertEqual(PostgresTimestamp.format(Date(timeIntervalSince1970: 0)), "1970-01-01T00:00:00.000Z")
        XCTAssertEqual(PostgresTimestamp.format(Date(timeIntervalSince1970: -0.5)), "1969-12-31T23:59:59.500Z")
        XCTAssertEqual(PostgresTimestamp.format(Date(timeIntervalSince1970: .infinity)), "infinity")
        XCTAssertEqual(Date(timeIntervalSince1970: reference).postgresText, "2026-11-29T03:04:05.000Z")
    }

    func testFormatThenParseRoundTrips() throws {
        for interval: TimeInterval in [0, reference + 0.5, -1_000_000_000.25, 4_102_444_800.999, -62_135_596_800] {
            let date = Date(timeIntervalSince1970: interval)
            let parsed = try XCTUnwrap(PostgresTimestamp.parse(PostgresTimestamp.format(date)))
            XCTAssertEqual(parsed.timeIntervalSince1970, interval, accuracy: 1e-6)
        }
    }

    func testCivilCalendarConversion() {
        XCTAssertEqual(PostgresTimestamp.days(fromCivil: 1970, 1, 1), 0)
        XCTAssertEqual(PostgresTimestamp.days(fromCivil: 2000, 3, 1), 11_017)
        let civil = CivilTime.civil(fromDays: -719_468)
        XCTAssertEqual([civil.year, civil.month, civil.day], [0, 3, 1])
    }
}
