import Foundation
import XCTest

/// Slowloris: clients that open connections and send a request head (or body) slowly, or not
/// at all, are answered 408 and closed once `--header-timeout` / `--body-timeout` pass, and
/// ordinary clients are served all the while.
final class SlowClientSecurityTests: SharedGatewayTestCase {
    override class func makeGateway() throws -> TestGateway {
        try TestGateway(workers: 2, arguments: ["--header-timeout", "2", "--body-timeout", "2"])
    }

    /// The 2 s timeout plus scheduling slack on a busy 2-core machine.
    private static let latestClose: TimeInterval = 3.5

    /// The connection must be closed after about the timeout, with a 408 if anything was sent.
    private func assertCutOff(
        _ connection: StallingConnection,
        _ label: String,
        file: StaticString = #filePath,
        line: UInt = #line
    ) {
        guard let (seconds, received) = connection.waitForClose(timeout: 8) else {
            XCTFail("\(label): still open after 8 s", file: file, line: line)
            return
        }
        XCTAssertGreaterThan(seconds, 1.0, "\(label): closed before the timeout", file: file, line: line)
        XCTAssertLessThan(seconds, Self.latestClose, "\(label): closed after \(seconds) s", file: file, line: line)
        if !received.isEmpty {
            XCTAssertEqual(StallingConnection.status(in: received), 408, label, file: file, line: line)
        }
    }

    private func assertGatewayServes(_ gateway: TestGateway, file: StaticString = #filePath, line: UInt = #line) {
        let started = Date()
        let response = try? gateway.request("GET", "/api/tags")
        XCTAssertEqual(response?.status, 200, "an ordinary client is served", file: file, line: line)
        XCTAssertLessThan(Date().timeIntervalSince(started), 1.5, "promptly", file: file, line: line)
    }

    func testIncompleteRequestHeadIsAnswered408AndClosedWhileOthersAreServed() throws {
        let gateway = try self.gateway()
        let pids = try gateway.workerPIDs()
        let slow = try StallingConnection(port: gateway.port)
        XCTAssertTrue(slow.send("GET /api/tags HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "))
        for _ in 0..<3 {
            self.assertGatewayServes(gateway)
            usleep(300_000)
        }
        self.assertCutOff(slow, "partial head")
        self.assertGatewayServes(gateway)
        XCTAssertEqual(try gateway.workerPIDs(), pids, "no worker was involved")
    }

    func testConnectionThatSendsNothingIsClosed() throws {
        let gateway = try self.gateway()
        let silent = try StallingConnection(port: gateway.port)
        self.assertGatewayServes(gateway)
        self.assertCutOff(silent, "silent connection")
        self.assertGatewayServes(gateway)
    }

    func testTricklingHeadIsCutOffAtTheHeaderTimeoutNotKeptAliveByEachByte() throws {
        let gateway = try self.gateway()
        let trickle = try StallingConnection(port: gateway.port)
        var alive = trickle.send("GET /api/tags HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        var sent = 0
        // A header line every 250 ms: an idle timer would never fire; a head timer must.
        while alive, !trickle.isClosed, Date().timeIntervalSince(trickle.openedAt) < 8 {
            usleep(250_000)
            alive = trickle.send("X-Trickle-\(sent): x\r\n")
            sent += 1
        }
        let seconds = Date().timeIntervalSince(trickle.openedAt)
        XCTAssertLessThan(seconds, Self.latestClose + 0.3, "trickling kept the connection for \(seconds) s")
        XCTAssertLessThan(sent, 16, "header lines accepted before the cut")
        self.assertGatewayServes(gateway)
    }

    func testStalledBodyIsAnswered408AndClosed() throws {
        let gateway = try self.gateway()
        let before = try gateway.psql("SELECT count(*) FROM users")
        let stalled = try StallingConnection(port: gateway.port)
        XCTAssertTrue(
            stalled.send(
                "POST /api/users HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 200\r\n\r\n{\"user\":{\"username\":\"stalled\","
            )
        )
        self.assertGatewayServes(gateway)
        self.assertCutOff(stalled, "stalled body")
        XCTAssertEqual(try gateway.psql("SELECT count(*) FROM users"), before, "nothing reached a worker")
    }

    func testManySlowClientsDoNotStarveOrdinaryOnes() throws {
        let gateway = try self.gateway()
        var slow: [StallingConnection] = []
        for index in 0..<60 {
            let connection = try StallingConnection(port: gateway.port)
            connection.send("GET /api/articles HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow-\(index): ")
            slow.append(connection)
        }
        let client = APIClient(gateway)
        for _ in 0..<20 {
            let started = Date()
            let response = try client.request("GET", "/api/articles")
            XCTAssertEqual(response.status, 200)
            XCTAssertLessThan(Date().timeIntervalSince(started), 1.5)
        }
        for (index, connection) in slow.enumerated() {
            guard let (seconds, received) = connection.waitForClose(timeout: 8) else {
                XCTFail("slow connection \(index) still open")
                continue
            }
            XCTAssertLessThan(seconds, Self.latestClose + 1, "slow connection \(index)")
            if !received.isEmpty {
                XCTAssertEqual(StallingConnection.status(in: received), 408)
            }
        }
        self.assertGatewayServes(gateway)
        XCTAssertEqual(try gateway.admin("/readyz").status, 200)
    }
}
