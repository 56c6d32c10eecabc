import XCTest

@testable import Gateway

/// `SocketActivation`: the descriptors systemd passes, by name and by position.
final class SocketActivationTests: XCTestCase {
    func testSocketActivationByNameAndByPosition() throws {
        let pid = getpid()
        let named = try XCTUnwrap(
            SocketActivation.fromEnvironment(
                ["LISTEN_PID": String(pid), "LISTEN_FDS": "2", "LISTEN_FDNAMES": "admin:http"],
                pid: pid
            )
        )
        XCTAssertEqual(named.http, 4)
        XCTAssertEqual(named.admin, 3)
        let positional = try XCTUnwrap(
            SocketActivation.fromEnvironment(["LISTEN_PID": String(pid), "LISTEN_FDS": "2"], pid: pid)
        )
        XCTAssertEqual(positional.http, 3)
        XCTAssertEqual(positional.admin, 4)
        XCTAssertNil(try SocketActivation.fromEnvironment(["LISTEN_PID": "1", "LISTEN_FDS": "2"], pid: pid))
        XCTAssertThrowsError(
            try SocketActivation.fromEnvironment(["LISTEN_PID": String(pid), "LISTEN_FDS": "x"], pid: pid)
        )
    }
}
