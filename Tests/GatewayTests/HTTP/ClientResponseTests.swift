import NIOCore
import NIOHTTP1
import Protocol
import RookeryCommon
import XCTest

@testable import Gateway

/// The bytes the gateway writes for an answer: status line, the worker's fields minus the
/// ones the gateway owns, the headers added to every response, framing, and body.
final class ClientResponseTests: XCTestCase {
    private let allocator = ByteBufferAllocator()

    private func settings(hsts: String? = nil, cors: String = "*") -> ProxySettings {
        ProxySettings(
            maxBodySize: 1024,
            corsOrigin: cors,
            limits: ConnectionLimits(
                maxHeaderBytes: 8192,
                maxHeaders: 100,
                headerTimeout: 1,
                bodyTimeout: 1,
                keepAliveTimeout: 1,
                maxConnections: 1,
                maxPipelined: 1,
                rateLimit: 0,
                authRateLimit: 0,
                trustedProxies: []
            ),
            strictTransportSecurity: hsts
        )
    }

    private func request(
        version: HTTPVersion = .http1_1,
        isHEAD: Bool = false,
        isSensitive: Bool = false,
        keepAlive: Bool = true
    ) -> ClientResponse.Request {
        ClientResponse.Request(
            version: version,
            isHEAD: isHEAD,
            isSensitive: isSensitive,
            keepAlive: keepAlive,
            requestID: "req-1"
        )
    }

    private func worker(_ status: UInt16, _ fields: [(String, String)], body: String) -> GatewayResponse {
        .worker(
            ResponseHead(status: status, headers: fields.map { HeaderField(name: $0.0, value: $0.1) }),
            self.allocator.buffer(string: body)
        )
    }

    private func wire(_ response: ClientResponse) -> String {
        var bytes = response.bytes
        if var large = response.largeBody {
            bytes.writeBuffer(&large)
        }
        return String(buffer: bytes)
    }

    func testWorkerResponseKeepsItsFieldsAndGetsTheGatewayHeaders() {
        let response = ClientResponse(
            self.worker(200, [("Content-Type", "application/json"), ("ETag", "\"x\"")], body: "{}"),
            to: self.request(),
            settings: self.settings(),
            allocator: self.allocator
        )
        XCTAssertEqual(
            self.wire(response),
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nETag: \"x\"\r\n"
                + "Access-Control-Allow-Origin: *\r\n"
                + "X-Content-Type-Options: nosniff\r\nX-Request-Id: req-1\r\nContent-Length: 2\r\n\r\n{}"
        )
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.bodyLength, 2)
        XCTAssertTrue(response.keepsConnection)
    }

    func testFieldsTheGatewayOwnsAreReplacedNotRepeated() {
        let response = ClientResponse(
            self.worker(
                200,
                [
                    ("content-length", "999"), ("Transfer-Encoding", "chunked"), ("Connection", "keep-alive"),
                    ("Keep-Alive", "timeout=5"), ("X-Request-Id", "spoofed"), ("x-content-type-options", "off"),
                    ("Cache-Control", "public"), ("Strict-Transport-Security", "max-age=1"),
                    ("Access-Control-Allow-Origin", "https://evil.example"),
                ],
                body: "abc"
            ),
            to: self.request(isSensitive: true),
            settings: self.settings(hsts: "max-age=63072000"),
            allocator: self.allocator
        )
        XCTAssertEqual(
            self.wire(response),
            "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
                + "Access-Control-Allow-Origin: *\r\n"
                + "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n"
                + "Strict-Transport-Security: max-age=63072000\r\nX-Request-Id: req-1\r\nContent-Length: 3\r\n\r\nabc"
        )
    }

    /// `isReplaced` picks candidates by length: names of the same lengths as the owned ones are
    /// kept, and the conditional ones only go when their condition holds.
    func testFieldsOfTheSameLengthAsOwnedOnesAreKept() {
        let kept = [
            "Content-Type", "X-Request-Ix", "Last-Modified", "Content-Range", "Content-Languag",
            "Transfer-Encodinx", "Content-Security-Policy", "x-content-type-option",
            "Access-Control-Allow-Origim", "Connectioo", "Keep-Alivex", "Cache-Control",
            "Strict-Transport-Security",
        ]
        for name in kept {
            XCTAssertFalse(
                ClientResponse.isReplaced(name, request: self.request(), settings: self.settings()),
                name
            )
        }
        let owned = [
            "CONTENT-LENGTH", "x-request-id", "Connection", "keep-alive", "Transfer-Encoding",
            "X-Content-Type-Options", "access-control-allow-origin",
        ]
        for name in owned {
            XCTAssertTrue(ClientResponse.isReplaced(name, request: self.request(), settings: self.settings()), name)
        }
        XCTAssertTrue(
            ClientResponse.isReplaced(
                "cache-control",
                request: self.request(isSensitive: true),
                settings: self.settings()
            )
        )
        XCTAssertTrue(
            ClientResponse.isReplaced(
                "Strict-Transport-Security",
                request: self.request(),
                settings: self.settings(hsts: "max-age=1")
            )
        )
    }

    /// The gateway's own field names skip the token check; their values are still checked, so
    /// a configured origin with a line break cannot split the response.
    func testOwnFieldWithALineBreakInItsValueIsDropped() {
        let response = ClientResponse(
            self.worker(200, [("Content-Type", "text/plain")], body: "x"),
            to: self.request(),
            settings: self.settings(cors: "https://a.example\r\nSet-Cookie: s=1"),
            allocator: self.allocator
        )
        XCTAssertEqual(
            self.wire(response),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nVary: Origin\r\n"
                + "X-Content-Type-Options: nosniff\r\nX-Request-Id: req-1\r\nContent-Length: 1\r\n\r\nx"
        )
    }

    func testHeadAnswerHasTheLengthButNoBody() {
        let response = ClientResponse(
            self.worker(200, [("Content-Type", "text/plain")], body: "hello"),
            to: self.request(isHEAD: true),
            settings: self.settings(),
            allocator: self.allocator
        )
        XCTAssertTrue(self.wire(response).hasSuffix("Content-Length: 5\r\n\r\n"))
        XCTAssertEqual(response.bodyLength, 5)
    }

    func testNoContentAndNotModifiedHaveNeitherLengthNorBody() {
        for status: UInt16 in [204, 304] {
            let text = self.wire(
                ClientResponse(
                    self.worker(status, [], body: "ignored"),
                    to: self.request(),
                    settings: self.settings(),
                    allocator: self.allocator
                )
            )
            XCTAssertFalse(text.contains("Content-Length"), text)
            XCTAssertTrue(text.hasSuffix("\r\n\r\n"), text)
        }
    }

    func testConnectionHeaderFollowsKeepAliveAndVersion() {
        let closing = self.wire(
            ClientResponse(
                self.worker(200, [], body: ""),
                to: self.request(keepAlive: false),
                settings: self.settings(),
                allocator: self.allocator
            )
        )
        XCTAssertTrue(closing.contains("\r\nConnection: close\r\n"))
        let http10 = self.wire(
            ClientResponse(
                self.worker(200, [], body: ""),
                to: self.request(version: .http1_0),
                settings: self.settings(),
                allocator: self.allocator
            )
        )
        XCTAssertTrue(http10.hasPrefix("HTTP/1.0 200 OK\r\n"))
        XCTAssertTrue(http10.contains("\r\nConnection: keep-alive\r\n"))
    }

    func testFieldsThatWouldSplitTheResponseAreDropped() {
        let text = self.wire(
            ClientResponse(
                self.worker(
                    200,
                    [
                        ("X-Evil", "a\r\nSet-Cookie: x=1"), ("Bad Name", "v"), ("", "v"), ("X-Nul", "a\u{0}b"),
                        ("X-Ok", "fine"),
                    ],
                    body: ""
                ),
                to: self.request(),
                settings: self.settings(),
                allocator: self.allocator
            )
        )
        XCTAssertFalse(text.contains("Set-Cookie"))
        XCTAssertFalse(text.contains("Bad Name"))
        XCTAssertFalse(text.contains("X-Nul"))
        XCTAssertTrue(text.contains("\r\nX-Ok: fine\r\n"))
    }

    func testAWorkerStatusThatIsNotAFinalStatusBecomes502() {
        for status: UInt16 in [0, 42, 100, 101, 600, 65535] {
            let response = ClientResponse(
                self.worker(status, [], body: "x"),
                to: self.request(),
                settings: self.settings(),
                allocator: self.allocator
            )
            XCTAssertEqual(response.status, 502, "status \(status)")
            XCTAssertTrue(self.wire(response).hasPrefix("HTTP/1.1 502 Bad Gateway\r\n"))
        }
    }

    func testGatewayErrorsCarryJSONCorsAndRetryAfter() {
        let text = self.wire(
            ClientResponse(
                .gatewayError(.queueFull),
                to: self.request(),
                settings: self.settings(cors: "https://app.example"),
                allocator: self.allocator
            )
        )
        let body = String(
            decoding: RealWorldErrorBody.encode(field: "server", message: "is busy, retry later"),
            as: UTF8.self
        )
        XCTAssertEqual(
            text,
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json; charset=utf-8\r\nRetry-After: 1\r\n"
                + "Access-Control-Allow-Origin: https://app.example\r\nVary: Origin\r\n"
                + "X-Content-Type-Options: nosniff\r\nX-Request-Id: req-1\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
                + body
        )
    }

    func testLargeBodiesAreWrittenAfterTheHeadInsteadOfCopied() {
        let large = String(repeating: "a", count: ClientResponse.coalescedBodyLimit + 1)
        let response = ClientResponse(
            self.worker(200, [], body: large),
            to: self.request(),
            settings: self.settings(),
            allocator: self.allocator
        )
        XCTAssertEqual(response.largeBody?.readableBytes, large.utf8.count)
        XCTAssertTrue(String(buffer: response.bytes).hasSuffix("\r\n\r\n"))
        let small = ClientResponse(
            self.worker(200, [], body: "b"),
            to: self.request(),
            settings: self.settings(),
            allocator: self.allocator
        )
        XCTAssertNil(small.largeBody)
    }

    func testTokensAndValues() {
        XCTAssertTrue(ResponseHeadWriter.isToken("X-Request-Id"))
        XCTAssertTrue(ResponseHeadWriter.isToken("!#$%&'*+-.^_`|~09azAZ"))
        for bad in ["", "a b", "a:b", "a\r", "é", "a(b)", "a\"b"] {
            XCTAssertFalse(ResponseHeadWriter.isToken(bad), bad)
        }
        XCTAssertTrue(ResponseHeadWriter.isValidValue("text/html; q=0.9 é"))
        for bad in ["a\rb", "a\nb", "a\u{0}b"] {
            XCTAssertFalse(ResponseHeadWriter.isValidValue(bad))
        }
    }
}
