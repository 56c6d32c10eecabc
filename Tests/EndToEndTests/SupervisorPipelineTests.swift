import Foundation
import XCTest

/// `--worker-pipeline-depth`: requests written to a busy worker's socket behind its current
/// one. None of them has started when the worker dies, so they go back to the queue and run
/// elsewhere, whatever their method, while the current one follows the usual rules.
final class SupervisorPipelineTests: XCTestCase {
    func testPipelinedWritesOfAKilledWorkerRunOnItsReplacement() throws {
        let gateway = try TestGateway(workers: 1, arguments: ["--worker-pipeline-depth", "3"])
        defer { gateway.stop() }
        // Standard-class writes: registrations hash a password and are never pipelined.
        let author = try APIClient(gateway).register("author")
        // The worker's first request, a read, waits for a lock the tags query needs; the two
        // writes behind it are pipelined into its socket (only reads take requests behind them).
        let locker = try gateway.psqlInBackground(
            "BEGIN; LOCK TABLE tags IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(3); COMMIT;"
        )
        defer { locker.terminate() }
        XCTAssertTrue(
            ProcessFacts.wait(timeout: 10) {
                (try? gateway.psql("SELECT count(*) FROM pg_locks WHERE relation = 'tags'::regclass AND granted"))
                    == "1"
            }
        )
        let names = [Unique.name("behind"), Unique.name("behind")]
        let api = APIClient(gateway)
        let results = LockedResults<Int>(count: names.count + 1)
        let group = DispatchGroup()
        group.enter()
        Thread.detachNewThread {
            results.set(0, .success((try? api.request("GET", "/api/tags"))?.status ?? -1))
            group.leave()
        }
        usleep(10_000)  // the read must reach the worker first
        for (index, name) in names.enumerated() {
            group.enter()
            Thread.detachNewThread {
                let response = try? api.send(
                    "POST",
                    "/api/articles",
                    token: author.token,
                    json: ["article": ["title": name, "description": "pipelined", "body": "behind a read"]]
                )
                results.set(index + 1, .success(response?.status ?? -1))
                group.leave()
            }
            usleep(1_000)
        }
        XCTAssertTrue(
            ProcessFacts.wait(timeout: 20) {
                (try? gateway.psql("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")) == "1"
            },
            gateway.log
        )
        usleep(100_000)  // the writes are in the worker's socket by now
        let pid = try XCTUnwrap(try gateway.workerPIDs().first)
        kill(pid, SIGKILL)
        XCTAssertEqual(group.wait(timeout: .now() + 60), .success, gateway.log)

        // The writes behind the read had not started: they ran on the replacement. The read was
        // retried once (a GET) and got its lock when the locker's transaction ended.
        let statuses = results.all.map { (try? $0.get()) ?? -1 }
        XCTAssertEqual(statuses, [200, 201, 201], gateway.log)
        XCTAssertTrue(gateway.log.contains("requests pipelined on a stopped worker go back to the queue"), gateway.log)
        XCTAssertEqual(try self.count(gateway, names[0]), "1")
        XCTAssertEqual(try self.count(gateway, names[1]), "1")
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
        try gateway.psql("SELECT count(*) FROM articles WHERE title = '\(name)'")
    }
}
