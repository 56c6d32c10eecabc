import NIOCore
import XCTest

@testable import Gateway

/// The metrics a fresh gateway exports before anything happened.
final class GatewayMetricsTests: XCTestCase {
    private func exposition(_ metrics: GatewayMetrics) -> String {
        let bytes = metrics.exposition()
        return String(decoding: bytes, as: UTF8.self)
    }

    func testEveryRestartReasonIsExportedAtZeroFromTheStart() {
        let text = self.exposition(GatewayMetrics(bootstrap: false))
        for reason in ["crash", "exit", "timeout", "recycle", "reload"] {
            XCTAssertTrue(text.contains(#"worker_restarts_total{reason="\#(reason)"} 0"#), text)
        }
        XCTAssertTrue(text.contains("rookery_database_round_trips_total 0"), text)
    }

    func testARestartCountsUnderItsReason() {
        let metrics = GatewayMetrics(bootstrap: false)
        metrics.recordRestart(reason: "crash")
        let text = self.exposition(metrics)
        XCTAssertTrue(text.contains(#"worker_restarts_total{reason="crash"} 1"#), text)
        XCTAssertTrue(text.contains(#"worker_restarts_total{reason="exit"} 0"#), text)
    }
}
