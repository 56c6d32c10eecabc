import Foundation
import XCTest

/// /metrics, the access log and secrets: what an operator reads must be exact and safe.
final class ObservabilityTests: XCTestCase {
    /// Parses Prometheus text with the reference parser (prometheus_client) into
    /// `name{sorted labels}` → value.
    private func parseMetrics(_ text: String) throws -> [String: Double] {
        let directory = try TestGateway.makeTemporaryDirectory()
        let input = directory + "/metrics.txt"
        try text.write(toFile: input, atomically: true, encoding: .utf8)
        let script = """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            out = {}
            for family in text_string_to_metric_families(open(sys.argv[1]).read()):
                for s in family.samples:
                    labels = ",".join(f'{k}="{v}"' for k, v in sorted(s.labels.items()))
                    out[f"{s.name}{{{labels}}}"] = s.value
            print(json.dumps(out))
            """
        let output = try TestGateway.run("/usr/bin/env", ["python3", "-c", script, input])
        let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Double]
        return try XCTUnwrap(object, output)
    }

    private func metrics(_ gateway: TestGateway) throws -> [String: Double] {
        let response = try gateway.admin("/metrics")
        XCTAssertEqual(response.status, 200)
        XCTAssertTrue(response.header("content-type")?.hasPrefix("text/plain") ?? false)
        return try self.parseMetrics(response.text)
    }

    func testMetricsParseAndCountExactlyTheRequestsSent() throws {
        let gateway = try TestGateway(workers: 2)
        defer { gateway.stop() }
        let before = try self.metrics(gateway)
        let tagsKey = #"http_requests_total{method="GET",route="/api/tags",status="200"}"#
        let missingKey = #"http_requests_total{method="GET",route="unmatched",status="404"}"#
        for _ in 0..<7 {
            XCTAssertEqual(try gateway.request("GET", "/api/tags").status, 200)
        }
        for _ in 0..<3 {
            XCTAssertEqual(try gateway.request("GET", "/api/nowhere").status, 404)
        }
        let after = try self.metrics(gateway)
        XCTAssertEqual((after[tagsKey] ?? 0) - (before[tagsKey] ?? 0), 7)
        XCTAssertEqual((after[missingKey] ?? 0) - (before[missingKey] ?? 0), 3)
        let durationCount = #"http_request_duration_seconds_count{route="/api/tags"}"#
        XCTAssertEqual((after[durationCount] ?? 0) - (before[durationCount] ?? 0), 7)
        XCTAssertGreaterThanOrEqual(
            (after["rookery_database_round_trips_total{}"] ?? 0)
                - (before["rookery_database_round_trips_total{}"] ?? 0),
            7
        )
        XCTAssertEqual(after[#"rookery_workers{state="idle"}"#], 2)
        XCTAssertEqual(after["rookery_queue_depth{}"], 0)
        XCTAssertNotNil(after[#"rookery_worker_resident_memory_bytes{slot="0"}"#])
        XCTAssertGreaterThan(after[#"rookery_queue_wait_seconds_count{}"#] ?? 0, 0)

        // A killed worker shows up as a restart with its reason.
        let victim = try XCTUnwrap(try gateway.workerPIDs().first)
        kill(victim, SIGKILL)
        XCTAssertTrue(
            ProcessFacts.wait(timeout: 5) {
                let now = (try? self.metrics(gateway)) ?? [:]
                return now[#"worker_restarts_total{reason="crash"}"#] == 1
            }
        )
        // Route labels are templates, never raw paths.
        XCTAssertFalse(after.keys.contains { $0.contains("/api/nowhere") })
    }

    func testAccessLogCarriesTheRequestIDAndNoSecrets() throws {
        let gateway = try TestGateway(
            workers: 2,
            arguments: ["--log-format", "json", "--slow-request-threshold", "0.000001"]
        )
        defer { gateway.stop() }
        let password = "correct-horse-battery-\(UUID().uuidString.prefix(6))"
        let register = try gateway.request(
            "POST",
            "/api/users",
            headers: [("X-Request-Id", "observe-register-1")],
            body: #"{"user":{"username":"observer","email":"observer@example.com","password":"\#(password)"}}"#
        )
        XCTAssertEqual(register.status, 201, register.text)
        let token = try XCTUnwrap((register.json?["user"] as? [String: Any])?["token"] as? String)
        let me = try gateway.request(
            "GET",
            "/api/user",
            headers: [("Authorization", "Token \(token)"), ("X-Request-Id", "observe-me-2")]
        )
        XCTAssertEqual(me.status, 200)
        gateway.stop()

        let lines = gateway.log.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
        XCTAssertFalse(lines.isEmpty, "JSON log lines")
        let access = lines.filter { $0["logger"] as? String == "rookery.access" }
        for id in ["observe-register-1", "observe-me-2"] {
            let line = access.first { $0["request_id"] as? String == id }
            XCTAssertNotNil(line, "access line for \(id)")
            XCTAssertNotNil(line?["duration_ms"])
            XCTAssertNotNil(line?["queue_wait_ms"])
            XCTAssertNotNil(line?["worker_pid"])
        }
        XCTAssertEqual(access.first { $0["request_id"] as? String == "observe-me-2" }?["route"] as? String, "/api/user")
        let slow = lines.filter { ($0["message"] as? String) == "slow request" }
        XCTAssertNotNil(slow.first { $0["db_round_trips"] != nil && $0["worker_ms"] != nil }, "slow-request breakdown")
        XCTAssertFalse(gateway.log.contains(password), "the password appears in the log")
        XCTAssertFalse(gateway.log.contains(token), "the token appears in the log")
    }

    /// What the gateway answers itself is counted and logged like every other answer, with
    /// the route `rejected`; a fresh gateway exports every restart reason at 0.
    func testTheGatewaysOwnAnswersAreCountedAndLogged() throws {
        let gateway = try TestGateway(workers: 1, arguments: ["--log-format", "json", "--max-body-size", "1024"])
        defer { gateway.stop() }
        let before = try self.metrics(gateway)
        for reason in ["crash", "exit", "timeout", "recycle", "reload"] {
            XCTAssertEqual(before[#"worker_restarts_total{reason="\#(reason)"}"#], 0, reason)
        }
        let probes: [(String, Int)] = [
            ("POST /api/articles HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n", 413),
            ("GET /api/tags HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 70_000))\r\n\r\n", 431),
            ("M1 /api/tags HTTP/1.1\r\nHost: x\r\n\r\n", 501),
        ]
        for (request, status) in probes {
            let connection = try RawHTTPConnection(port: gateway.port)
            try connection.send(request)
            XCTAssertEqual(try connection.readResponse().status, status, request.prefix(20) + "…")
        }
        let after = try self.metrics(gateway)
        XCTAssertEqual(after[#"http_requests_total{method="POST",route="rejected",status="413"}"#], 1)
        XCTAssertEqual(after[#"http_requests_total{method="GET",route="rejected",status="431"}"#], 1)
        XCTAssertEqual(after[#"http_requests_total{method="other",route="rejected",status="501"}"#], 1)
        gateway.stop()
        let access = gateway.log.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }.filter { $0["logger"] as? String == "rookery.access" && $0["route"] as? String == "rejected" }
        XCTAssertEqual(access.compactMap { $0["status"] as? String }.sorted(), ["413", "431", "501"], gateway.log)
    }
}
