import NIOCore
import Protocol
import XCTest

@testable import Gateway

/// Which busy workers may take a request behind the ones they hold.
final class WorkerRequestsTests: XCTestCase {
    private func inFlight(_ method: String) -> InFlightRequest {
        InFlightRequest(
            request: ProxiedRequest(
                head: RequestHead(method: method, target: "/x", peerAddress: "127.0.0.1", headers: []),
                body: ByteBuffer(),
                requestID: "r",
                receivedAt: .now(),
                deliver: { _, _ in }
            ),
            frameID: 1
        )
    }

    private func worker(current: String?, pipelined: [String] = []) -> WorkerRequests {
        var requests = WorkerRequests()
        requests.current = current.map(self.inFlight)
        requests.pipelined = pipelined.map(self.inFlight)
        return requests
    }

    func testOnlyWorkersHoldingNothingButReadsTakeMore() {
        XCTAssertTrue(self.worker(current: "GET").acceptsPipelinedRequests)
        XCTAssertTrue(self.worker(current: "HEAD", pipelined: ["GET"]).acceptsPipelinedRequests)
        XCTAssertFalse(self.worker(current: nil).acceptsPipelinedRequests, "an idle worker is not pipelined to")
        for write in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
            XCTAssertFalse(self.worker(current: write).acceptsPipelinedRequests, write)
            XCTAssertFalse(self.worker(current: "GET", pipelined: ["GET", write]).acceptsPipelinedRequests, write)
        }
    }

    func testTheLimitDoublesOnlyAfterAStreakOfAnswersWithoutTheDatabase() {
        var worker = self.worker(current: "GET")
        XCTAssertEqual(worker.pipelineLimit(depth: 4), 4)
        for _ in 1..<WorkerRequests.fastStreak {
            worker.answered(databaseRoundTrips: 0)
        }
        XCTAssertEqual(worker.pipelineLimit(depth: 4), 4, "one answer short of the streak")
        worker.answered(databaseRoundTrips: 0)
        XCTAssertEqual(worker.pipelineLimit(depth: 4), 8)
        for _ in 0..<100 {
            worker.answered(databaseRoundTrips: 0)
        }
        XCTAssertEqual(worker.pipelineLimit(depth: 4), 8)
        worker.answered(databaseRoundTrips: 1)
        XCTAssertEqual(worker.pipelineLimit(depth: 4), 4, "one database answer ends the streak")
    }

    func testWithoutPipeliningTheLimitStaysOne() {
        var worker = self.worker(current: "GET")
        for _ in 0..<WorkerRequests.fastStreak {
            worker.answered(databaseRoundTrips: 0)
        }
        XCTAssertEqual(worker.pipelineLimit(depth: 1), 1)
        XCTAssertEqual(worker.pipelineLimit(depth: 2), 4)
    }
}
