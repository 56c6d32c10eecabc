import Foundation
import Glibc
import XCTest

/// A real primary and a real streaming standby on this machine: reads go to the standby, a
/// user always reads their own writes, and each database failure has a clear answer.
final class ReadReplicaTests: XCTestCase {
    /// Under a 1 s replay delay an anonymous reader sees the replica's past while the author sees
    /// every write at once, in 200 write-then-read pairs across both workers.
    func testReadsUseTheReplicaAndUsersAlwaysReadTheirOwnWrites() throws {
        let cluster = try ReplicaCluster(applyDelay: "1s")
        let api = cluster.api
        let author = try api.register("ryw")
        let me = try api.request("GET", "/api/user", token: author.token)
        XCTAssertEqual(me.status, 200, "a token works at once after registration: \(me.text)")

        let slug = try api.createArticleSlug(by: author)
        let anonymous = try api.request("GET", "/api/articles?author=\(author.username)")
        XCTAssertEqual(anonymous.status, 200)
        XCTAssertEqual(anonymous.list("articles")?.count, 0, "the delayed replica answered the anonymous read")
        let own = try api.request("GET", "/api/articles?author=\(author.username)", token: author.token)
        XCTAssertEqual(own.list("articles")?.count, 1, "the author reads their own write")

        let replicaBefore = try cluster.reads("replica")
        XCTAssertGreaterThan(replicaBefore, 0, "the replica served the anonymous read")
        let primaryBefore = try cluster.reads("primary")
        var violations: [String] = []
        let pairs = 200
        for index in 0..<pairs {
            let body = "version \(index)"
            let update = try api.send(
                "PUT",
                "/api/articles/\(slug)",
                token: author.token,
                json: ["article": ["body": body]]
            )
            XCTAssertEqual(update.status, 200, update.text)
            let read = try api.request("GET", "/api/articles/\(slug)", token: author.token)
            let seen = read.object("article")?["body"] as? String
            if read.status != 200 || seen != body {
                violations.append("pair \(index): \(read.status) \(seen ?? read.text)")
            }
        }
        XCTAssertEqual(violations, [], "read-your-writes violations")
        let replicaReads = try cluster.reads("replica") - replicaBefore
        let primaryReads = try cluster.reads("primary") - primaryBefore
        print(
            "read-your-writes: \(pairs) pairs, \(violations.count) violations, reads on primary \(primaryReads), replica \(replicaReads)"
        )
        XCTAssertEqual(primaryReads + replicaReads, pairs, "every read was counted once")

        // Once the standby has replayed a user's write, that user's reads go back to it.
        let replicaBeforePause = try cluster.reads("replica")
        for index in 0..<5 {
            let body = "paused \(index)"
            let update = try api.send(
                "PUT",
                "/api/articles/\(slug)",
                token: author.token,
                json: ["article": ["body": body]]
            )
            XCTAssertEqual(update.status, 200, update.text)
            usleep(1_500_000)
            let read = try api.request("GET", "/api/articles/\(slug)", token: author.token)
            XCTAssertEqual(read.object("article")?["body"] as? String, body)
        }
        XCTAssertEqual(
            try cluster.reads("replica") - replicaBeforePause,
            5,
            "after the delay the replica answers the author"
        )
    }

    func testReplicaStoppedCostsNoRequest() throws {
        let cluster = try ReplicaCluster()
        let api = cluster.api
        let author = try api.register("replica-down")
        _ = try api.createArticleSlug(by: author)
        XCTAssertEqual(try api.request("GET", "/api/articles").status, 200)
        try cluster.standby.stop()
        var failures: [String] = []
        for index in 0..<100 {
            let response = try api.request("GET", index % 2 == 0 ? "/api/articles" : "/api/tags")
            if response.status != 200 { failures.append("\(response.status) \(response.text)") }
        }
        XCTAssertEqual(failures, [], cluster.gateway.log)
        XCTAssertTrue(ProcessFacts.wait(timeout: 5) { cluster.replicaState() == "down" })
        XCTAssertEqual(
            try cluster.gateway.request("GET", "/readyz").status,
            200,
            "a missing replica is not a reason to leave"
        )
        let metrics = try cluster.gateway.admin("/metrics").text
        XCTAssertTrue(metrics.contains("rookery_replica_up 0"), metrics)

        try cluster.standby.start()
        XCTAssertTrue(
            ProcessFacts.wait(timeout: 20) { cluster.replicaState() == "streaming" },
            "retried in the background"
        )
    }

    func testPrimaryStoppedKeepsReadsAndRefusesWritesClearly() throws {
        let cluster = try ReplicaCluster()
        let api = cluster.api
        let author = try api.register("primary-down")
        let slug = try api.createArticleSlug(by: author)
        XCTAssertTrue(
            ProcessFacts.wait(timeout: 5) { (try? api.request("GET", "/api/articles/\(slug)"))?.status == 200 }
        )
        try cluster.primary.stop()

        for path in ["/api/articles", "/api/tags", "/api/articles/\(slug)", "/api/profiles/\(author.username)"] {
            let response = try api.request("GET", path)
            XCTAssertEqual(response.status, 200, "\(path): \(response.text)")
        }
        let own = try api.request("GET", "/api/user", token: author.token)
        XCTAssertEqual(own.status, 200, "an authenticated read falls back to the replica: \(own.text)")

        let write = try api.send(
            "POST",
            "/api/articles",
            token: author.token,
            json: ["article": ["title": "t", "description": "d", "body": "b"]]
        )
        XCTAssertEqual(write.status, 503, write.text)
        XCTAssertNotNil(write.header("retry-after"))
        XCTAssertNotNil(write.json?["errors"] as? [String: Any], write.text)

        XCTAssertTrue(
            ProcessFacts.wait(timeout: 5) { (try? cluster.gateway.request("GET", "/readyz"))?.text == "read-only\n" },
            String(describing: try? cluster.gateway.admin("/readyz").text)
        )
        XCTAssertEqual(try cluster.gateway.request("GET", "/readyz").status, 200)
    }

    func testPromotedStandbyTakesWritesWithinFiveSeconds() throws {
        let cluster = try ReplicaCluster { primary, standby in
            "host=\(primary.directory),\(standby.directory) port=\(primary.port),\(standby.port) dbname=rookery "
                + "user=postgres target_session_attrs=read-write"
        }
        let api = cluster.api
        let author = try api.register("failover")
        try cluster.primary.stop()
        try cluster.standby.promote()
        let promoted = Date()
        var status = 0
        while Date().timeIntervalSince(promoted) < 10 {
            let response = try api.send(
                "POST",
                "/api/articles",
                token: author.token,
                json: ["article": ["title": Unique.name("after"), "description": "d", "body": "b"]]
            )
            status = response.status
            if status == 201 { break }
            XCTAssertEqual(status, 503, "until then writes answer 503: \(response.text)")
            usleep(100_000)
        }
        let elapsed = Date().timeIntervalSince(promoted)
        print("writes back \(String(format: "%.2f", elapsed)) s after the promotion")
        XCTAssertEqual(status, 201)
        XCTAssertLessThan(elapsed, 5)
        XCTAssertEqual(try api.request("GET", "/api/articles").status, 200)
    }
}
