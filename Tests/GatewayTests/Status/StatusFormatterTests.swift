import Foundation
import XCTest

@testable import Gateway

final class StatusFormatterTests: XCTestCase {
    private func format(_ json: String) throws -> String {
        StatusFormatter().format(try StatusReport(json: Data(json.utf8)))
    }

    func testFormatsTheCurrentShape() throws {
        let expected = """
            gateway pid:         4242
            version:             0.1.0
            generation:          3
            reloading:           no
            stopping:            no
            database reachable:  yes
            workers:             2 configured, 2 running (1 idle, 1 busy)
            queue:               3 waiting, limit 1024, oldest waiting 120 ms
            restarts:            crash 2, recycle 5
            last start error:    none
            last exit:           worker 4000 exited with status 0

            SLOT   PID  STATE  GEN  REQUESTS  CURRENT     AGE
               0  4243  idle     3        10        -  1m 02s
               1  4244  busy     3         5   1.50 s  7.50 s

            """
        XCTAssertEqual(try self.format(StatusFixtures.current), expected)
    }

    func testShowsUnknownFieldsFormattedByTheirUnit() throws {
        let output = try self.format(StatusFixtures.grown)
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertTrue(lines.contains("uptime:              1h 02m"), output)
        XCTAssertTrue(lines.contains("reloading:           yes"), output)
        XCTAssertTrue(lines.contains("database reachable:  no"), output)
        XCTAssertTrue(lines.contains("queue rejected:      4"), output)
        XCTAssertTrue(lines.contains("build:               abc123"), output)
        XCTAssertTrue(lines.contains("database.latency:    12 ms"), output)
        XCTAssertTrue(lines.contains("last start error:    worker 77 exited before it was ready"), output)
        XCTAssertTrue(lines.contains("restarts:            none"), output)
        let header = try XCTUnwrap(lines.first { $0.hasPrefix("SLOT") })
        XCTAssertEqual(
            header.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " "),
            "SLOT PID STATE GEN REQUESTS CURRENT AGE RESIDENT MEMORY CPU CURRENT ROUTE STARTED AT LAST EXIT LABELS"
        )
        let row = try XCTUnwrap(lines.first { $0.contains(" 99 ") })
        for cell in [
            "busy", "20 ms", "1d 01h", "12.0 MiB", "1.50 s", "GET /api/articles/:slug", "2023-11-14T22:13:20Z",
            "exited with status 0", #"{"zone":"a"}"#,
        ] {
            XCTAssertTrue(row.contains(cell), "\(cell) missing from \(row)")
        }
    }

    func testToleratesMissingFields() throws {
        let output = try self.format(StatusFixtures.minimal)
        XCTAssertTrue(output.contains("gateway pid:         7\n"), output)
        XCTAssertTrue(output.contains("version:             -\n"), output)
        XCTAssertTrue(output.contains("workers:             1 running (1 starting)\n"), output)
        XCTAssertTrue(output.contains("queue:               - waiting, limit -\n"), output)
        XCTAssertTrue(output.contains("   -    8  starting    -         -        -    -\n"), output)
    }

    func testNoWorkers() throws {
        let output = try self.format(#"{"gateway":{"pid":1},"workers":[],"configured_workers":4}"#)
        XCTAssertTrue(output.contains("workers:             4 configured, 0 running\n"), output)
        XCTAssertTrue(output.hasSuffix("\nno workers\n"), output)
    }

    func testListsOnlySlotsThatFailToStart() throws {
        let output = try self.format(StatusFixtures.backoff)
        XCTAssertTrue(
            output.hasSuffix(
                """

                slots failing to start:
                SLOT  START FAILURES  RESTART IN
                   1               4      1.60 s

                """
            ),
            output
        )
        XCTAssertTrue(output.contains("last start error:    worker 31 exited before it was ready\n"), output)
        XCTAssertFalse(try self.format(StatusFixtures.current).contains("slots failing"))
    }

    func testCutsLongCells() throws {
        let route = String(repeating: "x", count: 100)
        let json = #"{"workers":[{"pid":1,"current_route":"\#(route)"}]}"#
        let output = StatusFormatter(maximumCellWidth: 10).format(try StatusReport(json: Data(json.utf8)))
        XCTAssertTrue(output.contains("xxxxxxxxx…"), output)
        XCTAssertFalse(output.contains("xxxxxxxxxxx"), output)
    }

    func testDurations() {
        XCTAssertEqual(StatusFormatter.milliseconds(0), "0 ms")
        XCTAssertEqual(StatusFormatter.milliseconds(999), "999 ms")
        XCTAssertEqual(StatusFormatter.milliseconds(1000), "1.00 s")
        XCTAssertEqual(StatusFormatter.seconds(12.345), "12.3 s")
        XCTAssertEqual(StatusFormatter.seconds(60), "1m 00s")
        XCTAssertEqual(StatusFormatter.seconds(3599), "59m 59s")
        XCTAssertEqual(StatusFormatter.seconds(7260), "2h 01m")
        XCTAssertEqual(StatusFormatter.seconds(3 * 86_400 + 4 * 3600), "3d 04h")
    }

    func testBytesAndDecimals() {
        XCTAssertEqual(StatusFormatter.bytes(512), "512 B")
        XCTAssertEqual(StatusFormatter.bytes(1536), "1.5 KiB")
        XCTAssertEqual(StatusFormatter.bytes(3 * 1024 * 1024 * 1024), "3.0 GiB")
        XCTAssertEqual(StatusFormatter.decimal(2), "2")
        XCTAssertEqual(StatusFormatter.decimal(0.125), "0.125")
        XCTAssertEqual(StatusFormatter.decimal(1.5), "1.5")
    }

    func testLabelsDropTheUnit() {
        XCTAssertEqual(StatusFormatter.label("resident_memory_bytes"), "resident memory")
        XCTAssertEqual(StatusFormatter.label("cpu_seconds"), "cpu")
        XCTAssertEqual(StatusFormatter.label("_ms"), " ms")
        XCTAssertEqual(StatusFormatter.label("current_route"), "current route")
    }

    func testTableAlignment() {
        var table = StatusTable(columns: [.init(title: "A"), .init(title: "NUMBER", rightAligned: true)])
        table.append(["long value", "7"])
        table.append(["x"])
        XCTAssertEqual(table.rendered(), "A           NUMBER\nlong value       7\nx\n")
    }
}
