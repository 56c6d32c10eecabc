import Foundation
import XCTest

/// The gateway's protective limits against real connections: rate limits, keep-alive idle
/// timeout, connection and pipelining caps, and the headers every response carries.
final class GatewayLimitsTests: SharedGatewayTestCase {
    override class func makeGateway() throws -> TestGateway {
        try TestGateway(
            workers: 2,
            arguments: [
                "--auth-rate-limit", "1", "--keepalive-timeout", "1", "--max-connections", "20", "--max-pipelined", "3",
            ]
        )
    }

    func testLoginIsRateLimitedPerClientWith429AndRetryAfter() throws {
        let gateway = try self.gateway()
        // A body that fails validation (422) costs no password hashing: the four requests then
        // arrive within the burst's second even on a loaded machine, where four scrypt logins
        // could take long enough for the bucket to refill between them.
        let body = #"{"user":{"email":"nobody@example.com"}}"#
        var statuses: [Int] = []
        var retryAfter: String?
        for _ in 0..<4 {
            let response = try gateway.request("POST", "/api/users/login", body: body)
            statuses.append(response.status)
            if response.status == 429 {
                retryAfter = response.header("retry-after")
                XCTAssertNotNil(response.json?["errors"])
            }
        }
        XCTAssertEqual(Array(statuses.prefix(2)), [422, 422], "burst of 2 at 1/s")
        XCTAssertTrue(statuses.contains(429), "\(statuses)")
        XCTAssertEqual(retryAfter, "1")
        // Other routes are not limited by the auth bucket.
        XCTAssertEqual(try gateway.request("GET", "/api/tags").status, 200)
        usleep(2_100_000)
        XCTAssertEqual(try gateway.request("POST", "/api/users/login", body: body).status, 422, "refilled")
    }

    func testRateLimitedRequestKeepsTheConnectionUsable() throws {
        let gateway = try self.gateway()
        let connection = try RawHTTPConnection(port: gateway.port)
        let body = #"{"user":{"email":"x@example.com"}}"#  // 422 at once, no password hashing
        var statuses: [Int] = []
        for _ in 0..<4 {
            statuses.append(try connection.request("POST", "/api/users/login", body: body).status)
        }
        XCTAssertTrue(statuses.contains(429), "\(statuses)")
        XCTAssertEqual(try connection.request("GET", "/api/tags").status, 200, "same connection still serves")
        usleep(2_100_000)
    }

    func testIdleKeepAliveConnectionsAreClosed() throws {
        let gateway = try self.gateway()
        let connection = try RawHTTPConnection(port: gateway.port)
        XCTAssertEqual(try connection.request("GET", "/api/tags").status, 200)
        let started = Date()
        XCTAssertTrue(connection.isClosedByPeer(within: 5))
        XCTAssertLessThan(Date().timeIntervalSince(started), 3)
    }

    func testConnectionsBeyondTheLimitAreClosed() throws {
        let gateway = try self.gateway()
        var open: [RawHTTPConnection] = []
        for _ in 0..<20 {
            open.append(try RawHTTPConnection(port: gateway.port))
        }
        usleep(200_000)
        let extra = try RawHTTPConnection(port: gateway.port)
        XCTAssertTrue(extra.isClosedByPeer(within: 2), "the 21st connection is closed")
        open.removeAll()
        usleep(300_000)
        XCTAssertEqual(try gateway.request("GET", "/api/tags").status, 200, "capacity comes back")
    }

    func testPipeliningBeyondTheLimitClosesTheConnection() throws {
        let gateway = try self.gateway()
        let connection = try RawHTTPConnection(port: gateway.port)
        try connection.send((0..<50).map { _ in RawHTTPConnection.format("GET", "/api/tags") }.joined())
        var answered = 0
        while (try? connection.readResponse()) != nil {
            answered += 1
        }
        XCTAssertLessThan(answered, 50, "the flood was cut off")
    }

    func testEveryResponseCarriesSecurityHeaders() throws {
        let gateway = try self.gateway()
        let anonymous = try gateway.request("GET", "/api/tags")
        XCTAssertEqual(anonymous.header("x-content-type-options"), "nosniff")
        XCTAssertNotNil(anonymous.header("content-type"))
        XCTAssertNil(anonymous.header("server"), "no version banner")
        XCTAssertNil(anonymous.header("cache-control"))
        let authenticated = try gateway.request("GET", "/api/articles", headers: [("Authorization", "Token garbage")])
        XCTAssertEqual(authenticated.status, 401)
        XCTAssertEqual(authenticated.header("cache-control"), "no-store")
        XCTAssertEqual(authenticated.header("x-content-type-options"), "nosniff")
        let missing = try gateway.request("GET", "/api/nothing")
        XCTAssertEqual(missing.header("x-content-type-options"), "nosniff")
    }
}
