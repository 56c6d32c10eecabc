import XCTest

@testable import Gateway

final class ProcessStatsTests: XCTestCase {
    func testParsesResidentPagesAndCPUTicks() throws {
        let statm = "25000 7000 1500 100 0 9000 0\n"
        // A command name with spaces and a parenthesis must not shift the fields.
        let stat = "4242 (my (odd) worker) S 1 4242 4242 0 -1 4194560 500 0 0 0 250 50 0 0 20 0 1 0 100 0 0"
        let stats = try XCTUnwrap(ProcessStats.parse(statm: statm, stat: stat))
        XCTAssertEqual(stats.residentBytes, 7000 * ProcessStats.pageSize)
        XCTAssertEqual(stats.cpuSeconds, 300 / ProcessStats.ticksPerSecond, accuracy: 1e-9)
    }

    func testGarbageIsNil() {
        XCTAssertNil(ProcessStats.parse(statm: "", stat: ""))
        XCTAssertNil(ProcessStats.parse(statm: "1 x", stat: "1 (a) S"))
    }

    func testReadsThisProcess() throws {
        let stats = try XCTUnwrap(ProcessStats.read(pid: getpid()))
        XCTAssertGreaterThan(stats.residentBytes, 1 << 20)
    }
}
