import Logging
import NIOCore
import XCTest

@testable import Gateway

/// The access log's fast path must print exactly what `GatewayLogHandler` prints for the same
/// fields, in both formats, so log parsers never see two dialects.
final class AccessLogLineTests: XCTestCase {
    private func request(client: String = "203.0.113.9", workerPID: pid_t? = 4242) -> CompletedRequest {
        CompletedRequest(
            requestID: "observe-1",
            method: "GET",
            path: "/api/articles?author=jake&limit=20",
            status: 200,
            bytes: 1234,
            duration: .microseconds(12_345),
            client: client,
            trace: ResponseTrace(
                route: "/api/articles",
                workerPID: workerPID,
                queueWait: .microseconds(7),
                workerTime: .milliseconds(3)
            )
        )
    }

    /// What the logger path prints, through `GatewayLogHandler`.
    private func handlerLine(_ request: CompletedRequest, json: Bool, gatewayPID: String?) -> String {
        var handler = GatewayLogHandler(label: AccessLogLine.label, json: json)
        if let gatewayPID {
            handler[metadataKey: "gateway_pid"] = .string(gatewayPID)
        }
        // The fields the logger path gets: the same function the gateway uses without buffers.
        let metadata = RequestObserver.metadata(of: request)
        let event = LogEvent(
            level: .info,
            message: "\(AccessLogLine.message)",
            metadata: metadata,
            source: nil,
            file: #fileID,
            function: #function,
            line: #line
        )
        return String(decoding: handler.line(for: event), as: UTF8.self)
    }

    private func fastLine(_ request: CompletedRequest, json: Bool, gatewayPID: String?) -> String {
        var bytes: [UInt8] = []
        AccessLogLine(json: json, gatewayPID: gatewayPID).append(request, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The lines with their timestamps (`2026-11-29T03:08:09.520Z`) replaced.
    private func withoutTime(_ line: String) -> String {
        line.replacingOccurrences(
            of: #"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z"#,
            with: "<time>",
            options: .regularExpression
        )
    }

    func testTextLineMatchesTheLogHandler() {
        let request = self.request()
        let fast = self.fastLine(request, json: false, gatewayPID: "77")
        XCTAssertEqual(
            self.withoutTime(fast),
            self.withoutTime(self.handlerLine(request, json: false, gatewayPID: "77"))
        )
        XCTAssertEqual(
            self.withoutTime(fast),
            "<time> info rookery.access: request bytes=1234 client=203.0.113.9 duration_ms=12.345 gateway_pid=77 "
                + "method=GET path=/api/articles queue_wait_ms=0.007 request_id=observe-1 route=/api/articles "
                + "status=200 worker_pid=4242\n"
        )
    }

    func testJSONLineMatchesTheLogHandlerAndParses() throws {
        for request in [self.request(), self.request(client: "odd\"client\\\u{1}", workerPID: nil)] {
            let fast = self.fastLine(request, json: true, gatewayPID: "77")
            XCTAssertEqual(
                self.withoutTime(fast),
                self.withoutTime(self.handlerLine(request, json: true, gatewayPID: "77"))
            )
            let object = try XCTUnwrap(
                try JSONSerialization.jsonObject(with: Data(fast.utf8)) as? [String: String]
            )
            XCTAssertEqual(object["client"], request.client)
            XCTAssertEqual(object["path"], "/api/articles", "the query string is never logged")
            XCTAssertEqual(object["worker_pid"], request.trace.workerPID.map { String($0) })
        }
    }

    func testWithoutGatewayPID() {
        let request = self.request(workerPID: nil)
        XCTAssertEqual(
            self.withoutTime(self.fastLine(request, json: false, gatewayPID: nil)),
            self.withoutTime(self.handlerLine(request, json: false, gatewayPID: nil))
        )
    }

    func testMillisecondsArePaddedAndNeverNegative() {
        XCTAssertEqual(RequestObserver.milliseconds(.nanoseconds(999)), "0.000")
        XCTAssertEqual(RequestObserver.milliseconds(.microseconds(1_002_003)), "1002.003")
        XCTAssertEqual(RequestObserver.milliseconds(.microseconds(40)), "0.040")
        XCTAssertEqual(RequestObserver.milliseconds(.nanoseconds(-5_000)), "0.000")
    }
}
