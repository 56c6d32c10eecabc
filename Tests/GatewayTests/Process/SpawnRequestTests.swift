import XCTest

@testable import Gateway

final class SpawnRequestTests: XCTestCase {
    func testArgumentVectorStartsWithExecutable() {
        let request = SpawnRequest(executablePath: "/usr/bin/env", arguments: ["-i", "true"], environment: [:])
        XCTAssertEqual(request.argumentVector, ["/usr/bin/env", "-i", "true"])
    }

    func testEnvironmentBlockIsSorted() {
        let request = SpawnRequest(executablePath: "/bin/true", environment: ["PATH": "/bin", "A": "x=y"])
        XCTAssertEqual(request.environmentBlock, ["A=x=y", "PATH=/bin"])
    }

    func testValidationRejectsWhatExecCannotCarry() {
        XCTAssertNil(SpawnRequest(executablePath: "/bin/true", environment: [:]).validationProblem)
        XCTAssertNotNil(SpawnRequest(executablePath: "").validationProblem)
        XCTAssertNotNil(SpawnRequest(executablePath: "/bin/echo", arguments: ["a\u{0}b"]).validationProblem)
        XCTAssertNotNil(SpawnRequest(executablePath: "/bin/true", environment: ["A=B": "c"]).validationProblem)
        XCTAssertNotNil(SpawnRequest(executablePath: "/bin/true", environment: ["": "c"]).validationProblem)
        let negative = SpawnRequest(
            executablePath: "/bin/true",
            fileDescriptorMappings: [FileDescriptorMapping(source: -1, target: 3)]
        )
        XCTAssertNotNil(negative.validationProblem)
    }

    func testPlanDuplicatesThroughTemporariesAboveEveryTarget() {
        let plan = FileDescriptorPlan(mappings: [
            FileDescriptorMapping(source: 5, target: 5),
            FileDescriptorMapping(source: 3, target: 6),
        ])
        XCTAssertEqual(plan.temporaryFloor, 7)
        XCTAssertEqual(
            plan.actions(temporaries: [7, 8]),
            [
                .duplicate(from: 7, to: 5), .duplicate(from: 8, to: 6),
                .close(3), .close(4), .closeFrom(7),
            ]
        )
    }

    func testPlanWithoutMappingsClosesEverythingAboveStandardStreams() {
        let plan = FileDescriptorPlan(mappings: [])
        XCTAssertEqual(plan.temporaryFloor, 3)
        XCTAssertEqual(plan.actions(temporaries: []), [.closeFrom(3)])
    }

    func testPlanForRedirectedStandardOutput() {
        let plan = FileDescriptorPlan(mappings: [FileDescriptorMapping(source: 9, target: 1)])
        XCTAssertEqual(plan.temporaryFloor, 3)
        XCTAssertEqual(plan.actions(temporaries: [3]), [.duplicate(from: 3, to: 1), .closeFrom(3)])
    }

    func testRootRunsPostgresThroughSetpriv() {
        let runAs = PostgresRunAs(account: .init(uid: 101, gid: 104), setprivAvailable: true)
        let command = runAs.command("/usr/lib/postgresql/15/bin/postgres", ["-D", "/d"])
        XCTAssertEqual(command.executable, "/usr/bin/setpriv")
        XCTAssertEqual(
            command.arguments,
            [
                "--reuid=101", "--regid=104", "--init-groups", "--pdeathsig=INT", "--",
                "/usr/lib/postgresql/15/bin/postgres", "-D", "/d",
            ]
        )
    }

    func testUnprivilegedRunUsesSetprivOnlyForDeathSignal() {
        let withSetpriv = PostgresRunAs(account: nil, setprivAvailable: true).command("/pg/initdb", ["-D", "/d"])
        XCTAssertEqual(withSetpriv.executable, "/usr/bin/setpriv")
        XCTAssertEqual(withSetpriv.arguments, ["--pdeathsig=INT", "--", "/pg/initdb", "-D", "/d"])
        let without = PostgresRunAs(account: nil, setprivAvailable: false).command("/pg/initdb", ["-D", "/d"])
        XCTAssertEqual(without.executable, "/pg/initdb")
        XCTAssertEqual(without.arguments, ["-D", "/d"])
    }

    func testServerArgumentsListenOnlyOnTheSocket() {
        let arguments = PostgresCommandLine.server(
            clusterDirectory: "/d/postgres",
            socketDirectory: "/d/run",
            fast: false
        )
        XCTAssertEqual(Array(arguments.prefix(6)), ["-D", "/d/postgres", "-k", "/d/run", "-p", "5432"])
        XCTAssertTrue(arguments.contains("listen_addresses="))
        XCTAssertTrue(arguments.contains("unix_socket_permissions=0700"))
        XCTAssertFalse(arguments.contains("fsync=off"))
        let fast = PostgresCommandLine.server(clusterDirectory: "/d/postgres", socketDirectory: "/d/run", fast: true)
        XCTAssertTrue(fast.contains("fsync=off"))
    }

    func testInitdbArguments() {
        XCTAssertEqual(
            PostgresCommandLine.initdb(clusterDirectory: "/d/postgres", locale: "C.UTF-8"),
            ["-D", "/d/postgres", "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"]
        )
        XCTAssertEqual(PostgresCommandLine.initdb(clusterDirectory: "/d", locale: nil).last, "--no-locale")
    }

    func testNewestPostgresVersionFirst() {
        XCTAssertEqual(PostgresBinaries.newestFirst(["9.6", "15", "README", "13", "16"]), ["16", "15", "13", "9.6"])
    }

    func testLogTailKeepsLastNonEmptyLines() {
        XCTAssertEqual(LogFileTail.lastLines(of: "a\n\nb\r\nc\n  \n", limit: 2), ["b", "c"])
        XCTAssertEqual(LogFileTail.lastLines(of: "", limit: 20), [])
    }
}
