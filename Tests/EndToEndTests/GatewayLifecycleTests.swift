import Foundation
import XCTest

/// Process lifecycle with real signals: workers die with the gateway, SIGTERM stops the
/// embedded PostgreSQL, a restart reuses the data directory, a killed worker is replaced.
final class GatewayLifecycleTests: XCTestCase {
    func testSIGKILLOfTheGatewayLeavesNoWorkerAlive() throws {
        let gateway = try TestGateway(workers: 3)
        let workers = try gateway.workerPIDs()
        XCTAssertEqual(workers.count, 3)
        gateway.signal(SIGKILL)
        let allGone = ProcessFacts.wait(timeout: 2) { workers.allSatisfy { !ProcessFacts.isAlive($0) } }
        XCTAssertTrue(
            allGone,
            "workers still alive 2 s after the gateway was killed: \(workers.filter(ProcessFacts.isAlive))"
        )
    }

    func testSIGTERMStopsWorkersAndTheEmbeddedPostgres() throws {
        let gateway = try TestGateway(workers: 2)
        let workers = try gateway.workerPIDs()
        let postmasterPID = try XCTUnwrap(Self.postmasterPID(gateway.dataDirectory))
        XCTAssertTrue(ProcessFacts.isAlive(postmasterPID))
        let status = gateway.stop()
        XCTAssertEqual(status, 0, gateway.log)
        XCTAssertTrue(
            ProcessFacts.wait(timeout: 2) { !ProcessFacts.isAlive(postmasterPID) },
            "PostgreSQL still running"
        )
        XCTAssertFalse(FileManager.default.fileExists(atPath: gateway.dataDirectory + "/postgres/postmaster.pid"))
        XCTAssertTrue(workers.allSatisfy { !ProcessFacts.isAlive($0) })
    }

    func testASecondStartReusesTheDataDirectory() throws {
        let first = try TestGateway(workers: 1)
        let directory = first.dataDirectory
        try first.psql(
            """
            INSERT INTO users (username, email, password_hash) VALUES ('keeper', 'keeper@example.com', 'x');
            INSERT INTO articles (slug, author_id, title, description, body)
                SELECT 'kept', id, 'Kept', 'd', 'b' FROM users WHERE username = 'keeper';
            INSERT INTO tags (name) VALUES ('persisted');
            INSERT INTO article_tags (article_id, tag_id, position)
                SELECT a.id, t.id, 0 FROM articles a, tags t WHERE a.slug = 'kept';
            """
        )
        let secret = try String(contentsOfFile: directory + "/jwt-secret", encoding: .utf8)
        XCTAssertEqual(first.stop(), 0)

        let second = try TestGateway(workers: 1, dataDirectory: directory)
        defer { second.stop() }
        XCTAssertEqual(try second.request("GET", "/api/tags").json?["tags"] as? [String], ["persisted"])
        XCTAssertEqual(try String(contentsOfFile: directory + "/jwt-secret", encoding: .utf8), secret, "secret kept")
        let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/jwt-secret")
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
    }

    func testAStartAfterAGatewayCrashRecovers() throws {
        let first = try TestGateway(workers: 1)
        let directory = first.dataDirectory
        first.signal(SIGKILL)
        _ = first.stop()
        let second = try TestGateway(workers: 1, dataDirectory: directory)
        defer { second.stop() }
        XCTAssertEqual(try second.request("GET", "/api/tags").status, 200)
    }

    func testWorkersStartWithoutGnuTLSInitializingAndAnOperatorCanOverrideIt() throws {
        let gateway = try TestGateway(workers: 1)
        defer { gateway.stop() }
        let worker = try XCTUnwrap(gateway.workerPIDs().first)
        XCTAssertEqual(try Self.environment(of: worker)["GNUTLS_NO_IMPLICIT_INIT"], "1")
        XCTAssertEqual(try gateway.request("GET", "/api/tags").status, 200)

        let overridden = try TestGateway(workers: 1, environment: ["GNUTLS_NO_IMPLICIT_INIT": "0"])
        defer { overridden.stop() }
        let other = try XCTUnwrap(overridden.workerPIDs().first)
        XCTAssertEqual(try Self.environment(of: other)["GNUTLS_NO_IMPLICIT_INIT"], "0")
    }

    static func environment(of pid: pid_t) throws -> [String: String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
        var result: [String: String] = [:]
        for entry in data.split(separator: 0) {
            let text = String(decoding: entry, as: UTF8.self)
            guard let equals = text.firstIndex(of: "=") else { continue }
            result[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        return result
    }

    func testAKilledWorkerIsReplaced() throws {
        let gateway = try TestGateway(workers: 2)
        defer { gateway.stop() }
        let before = try gateway.workerPIDs()
        let victim = try XCTUnwrap(before.first)
        kill(victim, SIGKILL)
        let replaced = ProcessFacts.wait(timeout: 10) {
            let now = (try? gateway.workerPIDs()) ?? []
            return now.count == 2 && !now.contains(victim)
        }
        XCTAssertTrue(replaced, gateway.log)
        XCTAssertTrue(ProcessFacts.wait(timeout: 10) { (try? gateway.admin("/readyz").status) == 200 })
        XCTAssertEqual(try gateway.request("GET", "/api/tags").status, 200)
    }

    static func postmasterPID(_ dataDirectory: String) -> pid_t? {
        guard let text = try? String(contentsOfFile: dataDirectory + "/postgres/postmaster.pid", encoding: .utf8) else {
            return nil
        }
        return text.split(separator: "\n").first.flatMap { pid_t($0) }
    }
}
