import Foundation
import XCTest

@testable import Gateway

/// How `gateway reload` judges a rolling reload from /status.
final class ReloadCommandTests: XCTestCase {
    private func report(generation: Int, reloading: Bool, workers: [(Int, String)]) throws -> StatusReport {
        let workerJSON = workers.enumerated().map { index, worker in
            #"{"pid":\#(100 + index),"slot":\#(index),"state":"\#(worker.1)","generation":\#(worker.0)}"#
        }
        let json =
            #"{"gateway":{"generation":\#(generation),"reloading":\#(reloading)},"workers":[\#(workerJSON.joined(separator: ","))]}"#
        return try StatusReport(json: Data(json.utf8))
    }

    func testFinishedWhenEveryServingWorkerIsNew() throws {
        let done = try report(generation: 2, reloading: false, workers: [(2, "idle"), (2, "busy"), (1, "draining")])
        XCTAssertEqual(ReloadCommand.outcome(done, previousGeneration: 1), .finished)
    }

    func testInProgressWhileReloading() throws {
        let running = try report(generation: 2, reloading: true, workers: [(2, "idle"), (1, "idle")])
        XCTAssertEqual(ReloadCommand.outcome(running, previousGeneration: 1), .inProgress)
    }

    func testSameGenerationIsNotStartedOrRolledBack() throws {
        let same = try report(generation: 1, reloading: false, workers: [(1, "idle")])
        XCTAssertEqual(ReloadCommand.outcome(same, previousGeneration: 1), .notStarted)
    }

    func testOldWorkersLeftAfterTheReloadAreAFailure() throws {
        let partial = try report(generation: 3, reloading: false, workers: [(3, "idle"), (2, "idle")])
        guard case .failed(let reason) = ReloadCommand.outcome(partial, previousGeneration: 2) else {
            return XCTFail("expected a failure")
        }
        XCTAssertTrue(reason.contains("1 worker(s) still run the old generation"), reason)
    }
}
