import XCTest

@testable import Gateway

final class PostmasterPidFileTests: XCTestCase {
    private let cluster = "/data/postgres"
    private let sample = "4242\n/data/postgres\n1700000000\n5432\n/data/run\n\n  5432001    196608\nready   \n"

    func testParsesFirstLine() {
        XCTAssertEqual(PostmasterPidFile.pid(fromContents: sample), 4242)
        XCTAssertEqual(PostmasterPidFile.pid(fromContents: "17"), 17)
        XCTAssertEqual(PostmasterPidFile.pid(fromContents: " 17 \n"), 17)
    }

    func testRejectsGarbage() {
        XCTAssertNil(PostmasterPidFile.pid(fromContents: ""))
        XCTAssertNil(PostmasterPidFile.pid(fromContents: "\n4242\n"))
        XCTAssertNil(PostmasterPidFile.pid(fromContents: "abc\n"))
        XCTAssertNil(PostmasterPidFile.pid(fromContents: "0\n"))
        XCTAssertNil(PostmasterPidFile.pid(fromContents: "-5\n"))
        XCTAssertNil(PostmasterPidFile.pid(fromContents: "99999999999999\n"))
    }

    func testDeadPidIsLeftForPostgres() {
        let decision = decide(ProcessInspection(isRunning: false))
        XCTAssertEqual(decision, .leave)
    }

    func testRunningServerOnThisClusterIsShutDown() {
        let decision = decide(ProcessInspection(isRunning: true, command: "postgres", workingDirectory: cluster))
        XCTAssertEqual(decision, .shutDownServer(4242))
    }

    func testReusedPidIsRemoved() {
        let decision = decide(ProcessInspection(isRunning: true, command: "bash", workingDirectory: "/root"))
        XCTAssertEqual(decision, .remove)
    }

    func testPostgresOfAnotherClusterIsNotSignalled() {
        let decision = decide(ProcessInspection(isRunning: true, command: "postgres", workingDirectory: "/other"))
        XCTAssertEqual(decision, .remove)
    }

    func testUnidentifiableProcessIsLeftForPostgres() {
        let decision = decide(ProcessInspection(isRunning: true, command: "postgres", workingDirectory: nil))
        XCTAssertEqual(decision, .leave)
    }

    func testGarbledFileIsRemoved() {
        let decision = PostmasterPidFile.decide(contents: "", clusterDirectory: cluster) { _ in
            XCTFail("no pid to inspect")
            return ProcessInspection(isRunning: false)
        }
        XCTAssertEqual(decision, .remove)
    }

    func testProcStatStateSurvivesParenthesesInCommand() {
        XCTAssertEqual(ProcessInspector.state(fromStat: "42 (a) b) (c) S 1 42 42 0"), "S")
        XCTAssertEqual(ProcessInspector.state(fromStat: "42 (postgres) Z 1"), "Z")
        XCTAssertNil(ProcessInspector.state(fromStat: "garbage"))
    }

    private func decide(_ inspection: ProcessInspection) -> PostmasterPidFile.Decision {
        PostmasterPidFile.decide(contents: sample, clusterDirectory: cluster) { pid in
            XCTAssertEqual(pid, 4242)
            return inspection
        }
    }
}
