import Protocol
import XCTest

@testable import Worker

final class ReplicaRouterTests: XCTestCase {
    private typealias State = ReplicaRouter.StandbyState

    func testAStandbyWithinTheLagServesAnonymousReads() {
        let state = State(inRecovery: true, replayed: WALPosition(value: 10), lagSeconds: 2)
        XCTAssertTrue(ReplicaRouter.mayServe(state, minimum: nil, maxLag: 30))
        XCTAssertFalse(ReplicaRouter.mayServe(state, minimum: nil, maxLag: 1), "too far behind")
    }

    func testAReadAfterAWriteWaitsForItsPosition() {
        let state = State(inRecovery: true, replayed: WALPosition(value: 10), lagSeconds: 0)
        XCTAssertTrue(ReplicaRouter.mayServe(state, minimum: WALPosition(value: 10), maxLag: 30))
        XCTAssertFalse(ReplicaRouter.mayServe(state, minimum: WALPosition(value: 11), maxLag: 30))
        let unknown = State(inRecovery: true, replayed: nil, lagSeconds: 0)
        XCTAssertFalse(ReplicaRouter.mayServe(unknown, minimum: WALPosition(value: 1), maxLag: 30))
    }

    func testAServerThatIsNotAStandbyNeverServesAsReplica() {
        let promoted = State(inRecovery: false, replayed: nil, lagSeconds: 0)
        XCTAssertFalse(ReplicaRouter.mayServe(promoted, minimum: nil, maxLag: 30))
    }
}
