import Foundation
import XCTest

/// Workers killed in the middle of a write, at the two moments that matter: while its
/// transaction is committing (the write is stored, so the client must get its real answer)
/// and before it committed (nothing is stored, so the client must get 502). A trigger that
/// sleeps inside PostgreSQL holds the write at the chosen moment while the test kills its
/// worker.
final class SupervisorWriteOutcomeTests: SharedGatewayTestCase {
    override class func makeGateway() throws -> TestGateway {
        let gateway = try TestGateway(workers: 2)
        // Sleeps at COMMIT (a deferred constraint trigger) or inside the INSERT (BEFORE
        // INSERT), only for rows whose name starts with the marker.
        _ = try gateway.psql(
            """
            CREATE FUNCTION test_sleep() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN PERFORM pg_sleep(2); RETURN NEW; END $$;
            CREATE CONSTRAINT TRIGGER users_slow_commit AFTER INSERT ON users
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
                WHEN (NEW.username LIKE 'slowcommit%') EXECUTE FUNCTION test_sleep();
            CREATE TRIGGER users_slow_insert BEFORE INSERT ON users
                FOR EACH ROW WHEN (NEW.username LIKE 'slowinsert%') EXECUTE FUNCTION test_sleep();
            CREATE CONSTRAINT TRIGGER articles_slow_commit AFTER INSERT ON articles
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
                WHEN (NEW.title LIKE 'slowcommit%') EXECUTE FUNCTION test_sleep();
            """
        )
        return gateway
    }

    func testRegistrationCommittedBeforeItsWorkerDiedGetsItsAnswer() throws {
        let gateway = try self.gateway()
        let name = Unique.name("slowcommit")
        let response = try self.killWorkers(during: gateway) { api in
            try api.send(
                "POST",
                "/api/users",
                json: ["user": ["username": name, "email": "\(name)@example.com", "password": "password123"]]
            )
        }
        XCTAssertEqual(response.status, 201, response.text + "\n" + gateway.log)
        let user = response.object("user")
        XCTAssertEqual(user?["username"] as? String, name)
        // The token was never stored: the replay signed a new one, and it works.
        let token = try XCTUnwrap(user?["token"] as? String)
        XCTAssertEqual(try APIClient(gateway).request("GET", "/api/user", token: token).status, 200)
        XCTAssertEqual(try gateway.psql("SELECT count(*) FROM users WHERE username = '\(name)'"), "1")
        XCTAssertEqual(try gateway.psql("SELECT count(*) FROM request_outcomes WHERE body LIKE '%\(token)%'"), "0")
        XCTAssertTrue(gateway.log.contains("had committed, answering with its recorded response"), gateway.log)
    }

    func testArticleCommittedBeforeItsWorkerDiedGetsItsAnswer() throws {
        let gateway = try self.gateway()
        let author = try APIClient(gateway).register("slowauthor")
        let title = Unique.name("slowcommit")
        let response = try self.killWorkers(during: gateway) { api in
            try api.send(
                "POST",
                "/api/articles",
                token: author.token,
                json: ["article": ["title": title, "description": "d", "body": "b", "tagList": ["crash"]]]
            )
        }
        XCTAssertEqual(response.status, 201, response.text + "\n" + gateway.log)
        XCTAssertEqual(response.header("Content-Type"), "application/json; charset=utf-8")
        let article = response.object("article")
        XCTAssertEqual(article?["title"] as? String, title)
        XCTAssertEqual(article?["tagList"] as? [String], ["crash"])
        let slug = try XCTUnwrap(article?["slug"] as? String)
        XCTAssertEqual(try APIClient(gateway).request("GET", "/api/articles/\(slug)").status, 200)
        XCTAssertEqual(try gateway.psql("SELECT count(*) FROM articles WHERE title = '\(title)'"), "1")
    }

    func testAWorkerThatDiesWhileAskingIsReplacedByAnotherAsker() throws {
        let gateway = try self.gateway()
        let name = Unique.name("slowcommit")
        let api = APIClient(gateway)
        let result = LockedResults<TestResponse>(count: 1)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            result.set(
                0,
                Result {
                    try api.send(
                        "POST",
                        "/api/users",
                        json: ["user": ["username": name, "email": "\(name)@example.com", "password": "password123"]]
                    )
                }
            )
            done.signal()
        }
        XCTAssertTrue(ProcessFacts.wait(timeout: 20) { (try? self.sleepingBackends(gateway)) == 1 }, gateway.log)
        let writer = try XCTUnwrap(self.busyWorkers(gateway).first, gateway.log)
        kill(writer, SIGKILL)
        // The question waits in PostgreSQL for the sleeping COMMIT; kill the worker asking too.
        var asker: pid_t?
        XCTAssertTrue(
            ProcessFacts.wait(timeout: 10) {
                asker = (try? self.busyWorkers(gateway))?.first { $0 != writer }
                return asker != nil
            },
            gateway.log
        )
        kill(try XCTUnwrap(asker), SIGKILL)
        XCTAssertEqual(done.wait(timeout: .now() + 30), .success, "no response\n\(gateway.log)")
        let response = try result.all[0].get()
        XCTAssertEqual(response.status, 201, response.text + "\n" + gateway.log)
        XCTAssertEqual(response.object("user")?["username"] as? String, name)
        XCTAssertTrue(gateway.log.contains("worker died while asking about a write, asking another one"), gateway.log)
        XCTAssertEqual(try gateway.psql("SELECT count(*) FROM users WHERE username = '\(name)'"), "1")
    }

    func testWriteThatHadNotCommittedGets502AndLeavesNothing() throws {
        let gateway = try self.gateway()
        let name = Unique.name("slowinsert")
        let response = try self.killWorkers(during: gateway) { api in
            try api.send(
                "POST",
                "/api/users",
                json: ["user": ["username": name, "email": "\(name)@example.com", "password": "password123"]]
            )
        }
        XCTAssertEqual(response.status, 502, response.text)
        XCTAssertNotNil(response.object("errors")?["worker"], response.text)
        XCTAssertNil(response.header("Rookery-Outcome"))
        // The dying transaction ends once its statement finishes; then nothing of it remains.
        XCTAssertTrue(ProcessFacts.wait(timeout: 10) { (try? self.sleepingBackends(gateway)) == 0 })
        XCTAssertEqual(try gateway.psql("SELECT count(*) FROM users WHERE username = '\(name)'"), "0")
        XCTAssertTrue(gateway.log.contains("had not committed, answering 502"), gateway.log)
        // The tombstone makes sure a late attempt could never commit the write after all.
        XCTAssertTrue(ProcessFacts.wait(timeout: 10) { (try? gateway.admin("/readyz").status) == 200 })
    }

    func testClientCannotSendInternalHeaders() throws {
        let gateway = try self.gateway()
        let name = Unique.name("forged")
        let body = #"{"user":{"username":"\#(name)","email":"\#(name)@example.com","password":"password123"}}"#
        let response = try APIClient(gateway).request(
            "POST",
            "/api/users",
            body: body,
            headers: [
                ("Rookery-Outcome-Of", "00000000000000000000000000000001"),
                ("rookery-write-key", "00000000000000000000000000000001"),
            ]
        )
        // Taken as a question about a write, this would have been a bare 502; the gateway
        // dropped the headers, so it is an ordinary registration.
        XCTAssertEqual(response.status, 201, response.text)
        XCTAssertEqual(
            try gateway.psql("SELECT count(*) FROM request_outcomes WHERE key = '00000000000000000000000000000001'"),
            "0"
        )
    }

    /// Sends `request` on another thread, waits until its statement sleeps in PostgreSQL,
    /// SIGKILLs the worker running it, and returns the client's response.
    private func killWorkers(
        during gateway: TestGateway,
        _ request: @escaping @Sendable (APIClient) throws -> TestResponse
    ) throws -> TestResponse {
        let api = APIClient(gateway)
        let result = LockedResults<TestResponse>(count: 1)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            result.set(0, Result { try request(api) })
            done.signal()
        }
        XCTAssertTrue(
            ProcessFacts.wait(timeout: 20) { (try? self.sleepingBackends(gateway)) == 1 },
            "the write never reached the sleeping trigger\n\(gateway.log)"
        )
        // Only the worker running the write: the question goes to the other one.
        let workers = try gateway.status()["workers"] as? [[String: Any]] ?? []
        let victims = workers.filter { $0["state"] as? String == "busy" }.compactMap { $0["pid"] as? Int }
        XCTAssertEqual(victims.count, 1, "\(workers)")
        for pid in victims {
            kill(pid_t(pid), SIGKILL)
        }
        XCTAssertEqual(done.wait(timeout: .now() + 30), .success, "no response\n\(gateway.log)")
        return try result.all[0].get()
    }

    private func busyWorkers(_ gateway: TestGateway) throws -> [pid_t] {
        let workers = try gateway.status()["workers"] as? [[String: Any]] ?? []
        return workers.filter { $0["state"] as? String == "busy" }.compactMap { ($0["pid"] as? Int).map { pid_t($0) } }
    }

    private func sleepingBackends(_ gateway: TestGateway) throws -> Int {
        Int(try gateway.psql("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'")) ?? -1
    }
}
