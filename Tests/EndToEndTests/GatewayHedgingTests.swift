import Foundation
import XCTest

/// Hedged reads with real workers: a GET pipelined behind a read held by a lock is also given
/// to a worker that frees up, and is answered long before the lock goes.
final class GatewayHedgingTests: XCTestCase {
    func testAReadPipelinedBehindALockedReadIsAnsweredByAnotherWorker() throws {
        let gateway = try TestGateway(
            workers: 3,
            arguments: ["--worker-pipeline-depth", "4", "--hedge-after", "0.1"]
        )
        defer { gateway.stop() }
        // `tags` stays locked for 6 s: whatever reads it waits. `users` only for ~1.5 s.
        let tagsLock = try gateway.lockTables(["tags"], forSeconds: 6)
        defer { tagsLock.terminate() }
        let usersLock = try gateway.lockTables(["users"], forSeconds: 1.5)
        defer { usersLock.terminate() }
        // Every worker busy: one read waits on `users`, then two on `tags`. The cheap read that
        // follows at once is pipelined behind a young read on `tags` (the `users` read is
        // already older than the pipelining limit, `WorkerPoolStateMachine.pipelineHeadLimit`).
        let usersReader = try RawHTTPConnection(port: gateway.port)
        try usersReader.send(RawHTTPConnection.format("GET", "/api/profiles/nobody"))
        XCTAssertTrue(ProcessFacts.wait(timeout: 5) { Self.busyWorkers(gateway) == 1 })
        Thread.sleep(forTimeInterval: 0.1)
        var tagsReaders: [RawHTTPConnection] = []
        for _ in 0..<2 {
            let connection = try RawHTTPConnection(port: gateway.port)
            try connection.send(RawHTTPConnection.format("GET", "/api/tags"))
            tagsReaders.append(connection)
        }
        // Both have reached a worker (this takes milliseconds; the pipelining limit is 50).
        XCTAssertTrue(ProcessFacts.wait(timeout: 5) { Self.busyWorkers(gateway) == 3 })
        let cheap = try RawHTTPConnection(port: gateway.port)
        try cheap.send(RawHTTPConnection.format("GET", "/api/openapi.yml"))

        // The `users` reader frees its worker after ~1.5 s; the cheap read is hedged there.
        XCTAssertEqual(try cheap.readResponse().status, 200)
        let queue = try gateway.status()["queue"] as? [String: Any]
        XCTAssertEqual(queue?["hedged"] as? Int, 1, "answered by the hedge, not after the lock")
        XCTAssertEqual(
            try gateway.psql("SELECT count(*) FROM pg_locks WHERE relation = 'tags'::regclass AND granted"),
            "1",
            "the lock on tags is still held: the read it pipelined behind has not finished"
        )
        XCTAssertEqual(try usersReader.readResponse().status, 404)
        for connection in tagsReaders {
            XCTAssertEqual(try connection.readResponse().status, 200)
        }
        let metrics = String(decoding: try gateway.admin("/metrics").body, as: UTF8.self)
        XCTAssertTrue(metrics.contains("rookery_hedged_requests_total 1"), metrics)
    }

    private static func busyWorkers(_ gateway: TestGateway) -> Int {
        let workers = (try? gateway.status())?["workers"] as? [[String: Any]] ?? []
        return workers.filter { $0["state"] as? String == "busy" }.count
    }
}
