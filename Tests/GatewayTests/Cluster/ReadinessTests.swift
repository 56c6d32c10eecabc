import NIOCore
import Protocol
import XCTest

@testable import Gateway

final class ReadinessTests: XCTestCase {
    private func snapshot(readyWorkers: Int = 2, databaseReachable: Bool = true, stopping: Bool = false)
        -> PoolSnapshot
    {
        PoolSnapshot(
            workers: (0..<readyWorkers).map { slot in
                PoolSnapshot.Worker(
                    pid: Int32(100 + slot),
                    slot: slot,
                    state: "idle",
                    generation: 1,
                    requests: 0,
                    ageSeconds: 1,
                    startedAt: 0
                )
            },
            slots: [],
            configuredWorkers: 2,
            generation: 1,
            reloading: false,
            queueDepth: 0,
            queueLimit: 10,
            databaseReachable: databaseReachable,
            stopping: stopping,
            restarts: [:],
            secondsSinceWorkerActivity: 0
        )
    }

    func testReadyWhenEverythingServes() {
        let readiness = Readiness.evaluate(self.snapshot(), draining: false, replicaReachable: nil)
        XCTAssertEqual(readiness, .ready)
        XCTAssertEqual(readiness.statusCode, 200)
        XCTAssertEqual(readiness.publicBody, "ready\n")
    }

    func testDrainingIsNotReadyAtOnceAndSaysSo() {
        let readiness = Readiness.evaluate(self.snapshot(), draining: true, replicaReachable: nil)
        XCTAssertEqual(readiness.statusCode, 503)
        XCTAssertEqual(readiness.publicBody, "draining\n")
        XCTAssertEqual(readiness.problems, ["gateway is draining"])
    }

    func testMissingWorkersOrDatabaseIsNotReadyWithoutDetailsInPublic() {
        for snapshot in [self.snapshot(readyWorkers: 1), self.snapshot(databaseReachable: false)] {
            let readiness = Readiness.evaluate(snapshot, draining: false, replicaReachable: nil)
            XCTAssertEqual(readiness.statusCode, 503)
            XCTAssertEqual(readiness.publicBody, "not ready\n")
            XCTAssertFalse(readiness.problems.isEmpty)
        }
    }

    func testPrimaryDownWithReplicaUpIsReadOnlyAndStillInRotation() {
        let readiness = Readiness.evaluate(
            self.snapshot(databaseReachable: false),
            draining: false,
            replicaReachable: true
        )
        XCTAssertEqual(readiness, .readOnly)
        XCTAssertEqual(readiness.statusCode, 200)
        XCTAssertEqual(readiness.publicBody, "read-only\n")
    }

    func testPrimaryAndReplicaDownIsNotReady() {
        let readiness = Readiness.evaluate(
            self.snapshot(databaseReachable: false),
            draining: false,
            replicaReachable: false
        )
        XCTAssertEqual(readiness.statusCode, 503)
    }

    func testReplicaDownAloneKeepsTheHostReady() {
        XCTAssertEqual(Readiness.evaluate(self.snapshot(), draining: false, replicaReachable: false), .ready)
    }

    func testReadOnlyButDrainingIsDraining() {
        let readiness = Readiness.evaluate(
            self.snapshot(databaseReachable: false),
            draining: true,
            replicaReachable: true
        )
        XCTAssertEqual(readiness.statusCode, 503)
        XCTAssertEqual(readiness.publicBody, "draining\n")
    }

    func testOnlyGetAndHeadOfTheExactPathAreTheProbe() {
        func head(_ method: String, _ target: String) -> RequestHead {
            RequestHead(method: method, target: target, peerAddress: "10.0.0.1", headers: [])
        }
        XCTAssertTrue(PublicReadiness.isProbe(head("GET", "/readyz")))
        XCTAssertTrue(PublicReadiness.isProbe(head("HEAD", "/readyz")))
        XCTAssertTrue(PublicReadiness.isProbe(head("GET", "/readyz?from=haproxy")))
        XCTAssertFalse(PublicReadiness.isProbe(head("POST", "/readyz")))
        XCTAssertFalse(PublicReadiness.isProbe(head("GET", "/readyz/")))
        XCTAssertFalse(PublicReadiness.isProbe(head("GET", "/status")))
        XCTAssertFalse(PublicReadiness.isProbe(head("GET", "/api/readyz")))
    }
}
