import Foundation
import XCTest

@testable import Gateway

final class ProcessControlTests: XCTestCase {
    private let control = SystemProcessControl()

    func testExitCodeIsReported() throws {
        let pid = try control.spawn(SpawnRequest(executablePath: "/bin/sh", arguments: ["-c", "exit 3"]))
        XCTAssertEqual(control.waitForExit(pid: pid, timeout: .seconds(5)), .exited(3))
        XCTAssertEqual(control.reap(pid: pid), .unknown)
    }

    func testMissingExecutableHasClearError() {
        XCTAssertThrowsError(try control.spawn(SpawnRequest(executablePath: "/nonexistent/worker"))) { error in
            XCTAssertEqual("\(error)", "cannot start /nonexistent/worker: No such file or directory")
        }
    }

    func testWaitTimesOutThenSignalEndsChild() throws {
        let pid = try control.spawn(SpawnRequest(executablePath: "/bin/sleep", arguments: ["30"]))
        XCTAssertNil(control.reap(pid: pid))
        XCTAssertNil(control.waitForExit(pid: pid, timeout: .milliseconds(100)))
        try control.sendSignal(SIGTERM, to: pid)
        XCTAssertEqual(control.waitForExit(pid: pid, timeout: .seconds(5)), .signaled(SIGTERM))
    }

    func testRefusesToSignalEveryone() {
        XCTAssertThrowsError(try control.sendSignal(SIGTERM, to: 0))
        XCTAssertThrowsError(try control.sendSignal(SIGTERM, to: -1))
        XCTAssertThrowsError(try control.sendSignal(SIGTERM, toProcessGroup: 1))
    }

    func testMappedCloseOnExecDescriptorSurvivesAndOthersDoNot() throws {
        let mapped = open("/dev/null", O_RDONLY | O_CLOEXEC)
        let stray = open("/dev/null", O_RDONLY)  // deliberately without O_CLOEXEC
        defer {
            close(mapped)
            close(stray)
        }
        // $$ is the shell itself, which opens nothing at these low numbers.
        let script = "test -e /proc/$$/fd/\(mapped) && echo mapped; test -e /proc/$$/fd/\(stray) && echo stray; true"
        let request = SpawnRequest(
            executablePath: "/bin/sh",
            arguments: ["-c", script],
            fileDescriptorMappings: [FileDescriptorMapping(source: mapped, target: mapped)]
        )
        let output = try XCTUnwrap(try control.runCapturingOutput(request))
        XCTAssertEqual(output.status, .exited(0))
        XCTAssertEqual(output.standardOutput, "mapped\n")
    }

    func testSignalsAreResetAndGroupIsNew() throws {
        let previous = signal(SIGHUP, SIG_IGN)
        defer { signal(SIGHUP, previous) }
        let script = "grep SigIgn /proc/self/status; ps -o pgid= -p $$ | tr -d ' '; echo $$"
        let request = SpawnRequest(executablePath: "/bin/sh", arguments: ["-c", script], newProcessGroup: true)
        let output = try XCTUnwrap(try control.runCapturingOutput(request))
        let lines = output.standardOutput.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3, output.standardOutput)
        guard lines.count == 3 else { return }
        // SIGHUP is bit 0 of the ignored mask; glibc-internal signals 32/33 may show up.
        let ignored = UInt64(lines[0].split(separator: "\t").last ?? "", radix: 16) ?? 1
        XCTAssertEqual(ignored & 1, 0)
        XCTAssertEqual(lines[1], lines[2], "the child leads its own process group")
    }

    func testStandardOutputAppendsToFile() throws {
        let path = NSTemporaryDirectory() + "rookery-spawn-\(getpid()).log"
        defer { unlink(path) }
        for word in ["one", "two"] {
            let request = SpawnRequest(
                executablePath: "/bin/echo",
                arguments: [word],
                standardOutput: .appendToFile(path)
            )
            let pid = try control.spawn(request)
            XCTAssertEqual(control.waitForExit(pid: pid, timeout: .seconds(5)), .exited(0))
        }
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "one\ntwo\n")
    }

    func testWaitForExitUsesInjectedClocklessFake() {
        let fake = FakeProcessControl(statuses: [nil, nil, .exited(0)])
        XCTAssertEqual(fake.waitForExit(pid: 42, timeout: .seconds(60)), .exited(0))
        XCTAssertEqual(fake.reapCount, 3)
    }
}

/// Answers `reap` from a script and never really sleeps.
private final class FakeProcessControl: ProcessControl, @unchecked Sendable {
    private var statuses: [ChildProcessStatus?]
    private(set) var reapCount = 0

    init(statuses: [ChildProcessStatus?]) {
        self.statuses = statuses
    }

    func spawn(_ request: SpawnRequest) throws -> pid_t { 42 }
    func sendSignal(_ signal: CInt, to pid: pid_t) throws {}
    func sendSignal(_ signal: CInt, toProcessGroup processGroup: pid_t) throws {}
    func sleep(for duration: Duration) {}

    func reap(pid: pid_t) -> ChildProcessStatus? {
        reapCount += 1
        return statuses.isEmpty ? nil : statuses.removeFirst()
    }
}
