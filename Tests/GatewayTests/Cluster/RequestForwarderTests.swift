import NIOCore
import Prometheus
import Protocol
import XCTest

@testable import Gateway

final class RequestForwarderTests: XCTestCase {
    func testWorkerReportsAreRecordedAndNeverReachTheClient() {
        let positions = WritePositions(retention: .seconds(60))
        let registry = PrometheusCollectorRegistry()
        let metrics = ReadMetrics(registry: registry)
        var head = ResponseHead(
            status: 201,
            headers: [
                HeaderField(name: "Content-Type", value: "application/json"),
                HeaderField(name: InternalHeaders.committedPosition, value: "0/3000060"),
                HeaderField(name: InternalHeaders.committedUser, value: "9"),
                HeaderField(name: InternalHeaders.servedBy, value: "replica"),
            ]
        )
        RequestForwarder.takeReports(from: &head, positions: positions, metrics: metrics)
        XCTAssertEqual(head.headers.map(\.name), ["Content-Type"])
        XCTAssertEqual(positions.required(user: "9"), WALPosition("0/3000060"))
        var text: [UInt8] = []
        registry.emit(into: &text)
        XCTAssertTrue(
            String(decoding: text, as: UTF8.self).contains(#"rookery_database_reads_total{target="replica"} 1"#),
            String(decoding: text, as: UTF8.self)
        )
    }

    func testMalformedReportsAreDroppedWithoutEffect() {
        let positions = WritePositions(retention: .seconds(60))
        let metrics = ReadMetrics(registry: PrometheusCollectorRegistry())
        var head = ResponseHead(
            status: 200,
            headers: [
                HeaderField(name: InternalHeaders.committedPosition, value: "garbage"),
                HeaderField(name: InternalHeaders.committedUser, value: "9"),
            ]
        )
        RequestForwarder.takeReports(from: &head, positions: positions, metrics: metrics)
        XCTAssertTrue(head.headers.isEmpty)
        XCTAssertNil(positions.required(user: "9"))
    }
}
