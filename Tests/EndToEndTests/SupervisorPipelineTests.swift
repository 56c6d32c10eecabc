import Foundation
import XCTest

/// `--worker-pipeline-depth`: requests written to a busy worker's socket behind its current
/// one. None of them has started when the worker dies, so they go back to the queue and run
/// elsewhere, whatever their method, while the current one follows the usual rules.
final class SupervisorPipelineTests: XCTestCase {
    func testPipelinedWritesOfAKilledWorkerRunOnItsReplacement() throws {
        let gateway = try TestGateway(workers: 1, arguments: ["--worker-pipeline-depth", "3"])
        defer { gateway.stop() }
        _ = try gateway.psql(
            """
            CREATE FUNCTION test_sleep() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN PERFORM pg_sleep(2); RETURN NEW; END $$;
            CREATE TRIGGER users_slow_insert BEFORE INSERT ON users
                FOR EACH ROW WHEN (NEW.username LIKE 'slowinsert%') EXECUTE FUNCTION test_sleep();
            """
        )
        let names = [Unique.name("slowinsert"), Unique.name("behind"), Unique.name("behind")]
        let api = APIClient(gateway)
        let results = LockedResults<Int>(count: names.count)
        let group = DispatchGroup()
        for (index, name) in names.enumerated() {
            group.enter()
            Thread.detachNewThread {
                let response = try? api.send(
                    "POST",
                    "/api/users",
                    json: ["user": ["username": name, "email": "\(name)@example.com", "password": "password123"]]
                )
                results.set(index, .success(response?.status ?? -1))
                group.leave()
            }
            // The first one must reach the worker first; the others follow within the
            // pipelining window while it is still young.
            usleep(index == 0 ? 10_000 : 1_000)
        }
        XCTAssertTrue(
            ProcessFacts.wait(timeout: 20) {
                (try? gateway.psql("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'")) == "1"
            },
            gateway.log
        )
        let pid = try XCTUnwrap(try gateway.workerPIDs().first)
        kill(pid, SIGKILL)
        XCTAssertEqual(group.wait(timeout: .now() + 60), .success, gateway.log)

        let statuses = results.all.map { (try? $0.get()) ?? -1 }
        // The one that was running had not committed: 502, and nothing stored.
        XCTAssertEqual(statuses[0], 502, gateway.log)
        // The two behind it had not started: they ran on the replacement.
        XCTAssertEqual(Array(statuses[1...]), [201, 201], gateway.log)
        XCTAssertTrue(gateway.log.contains("requests pipelined on a stopped worker go back to the queue"), gateway.log)
        XCTAssertTrue(ProcessFacts.wait(timeout: 10) { (try? self.count(gateway, names[0])) == "0" })
        XCTAssertEqual(try self.count(gateway, names[1]), "1")
        XCTAssertEqual(try self.count(gateway, names[2]), "1")
    }

    func testPipeliningKeepsEveryAnswerWithItsRequest() throws {
        // Many clients, two workers, deep pipelines: every answer must be the one for its
        // own request (frames pair by id, in order). `/queries?queries=N` answers N rows, so a
        // crossed answer shows.
        let gateway = try TestGateway(workers: 2, arguments: ["--worker-pipeline-depth", "8", "--bench-routes"])
        defer { gateway.stop() }
        let load = LoadGenerator(port: gateway.port, clients: 12) { client, index in
            ("GET", "/queries?queries=\((client * 7 + index) % 20 + 1)", [], nil)
        }
        usleep(2_000_000)
        let outcomes = load.stop()
        XCTAssertGreaterThan(outcomes.count, 100)
        let wrong = outcomes.filter { outcome in
            let asked = Int(outcome.path.split(separator: "=").last ?? "") ?? -1
            let rows = (try? JSONSerialization.jsonObject(with: Data(outcome.body.utf8))) as? [Any]
            return outcome.status != 200 || rows?.count != asked
        }
        XCTAssertEqual(
            wrong.count,
            0,
            "\(wrong.prefix(3).map { "\($0.path) \($0.status ?? 0) \($0.body.prefix(80))" })"
        )
    }

    private func count(_ gateway: TestGateway, _ name: String) throws -> String {
        try gateway.psql("SELECT count(*) FROM users WHERE username = '\(name)'")
    }
}
