import XCTest

@testable import Gateway

final class ChildProcessStatusTests: XCTestCase {
    func testDecodesExitCodes() {
        XCTAssertEqual(ChildProcessStatus(waitStatus: 0), .exited(0))
        XCTAssertEqual(ChildProcessStatus(waitStatus: 3 << 8), .exited(3))
        XCTAssertEqual(ChildProcessStatus(waitStatus: 255 << 8), .exited(255))
        XCTAssertTrue(ChildProcessStatus(waitStatus: 0)?.isSuccess ?? false)
    }

    func testDecodesSignals() {
        XCTAssertEqual(ChildProcessStatus(waitStatus: 9), .signaled(9))
        // Core dump flag (0x80) set.
        XCTAssertEqual(ChildProcessStatus(waitStatus: 0x80 | 11), .signaled(11))
    }

    func testStoppedAndContinuedAreNotTerminations() {
        XCTAssertNil(ChildProcessStatus(waitStatus: (19 << 8) | 0x7f))
        XCTAssertNil(ChildProcessStatus(waitStatus: 0xffff))
    }

    func testDescriptions() {
        XCTAssertEqual(ChildProcessStatus.exited(1).description, "exited with code 1")
        XCTAssertEqual(ChildProcessStatus.signaled(9).description, "killed by signal 9 (SIGKILL)")
        XCTAssertEqual(ChildProcessStatus.signaled(40).description, "killed by signal 40 (signal 40)")
        XCTAssertEqual(ChildProcessStatus.unknown.description, "exited (status unavailable)")
    }
}
