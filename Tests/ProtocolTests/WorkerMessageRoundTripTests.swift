import NIOCore
import Protocol
import XCTest

/// Every worker-to-gateway message encodes to its hand-built fixture and decodes back.
final class WorkerMessageRoundTripTests: XCTestCase {
    private let encoder = FrameEncoder()

    func testHelloMatchesFixture() throws {
        var buffer = ByteBuffer()
        self.encoder.writeHello(WorkerHello(pid: 4242, software: "rookery-worker 0.1.0"), into: &buffer)
        XCTAssertEqual(Array(buffer.readableBytesView), WorkerFrameFixtures.hello)
        try self.assertDecodes(buffer, to: Frame(requestID: 0, message: WorkerFrameFixtures.helloMessage))
    }

    func testHelloCarriesTheCurrentVersionByDefault() {
        XCTAssertEqual(WorkerHello(pid: 1, software: "").protocolVersion, FrameHeader.currentVersion)
        XCTAssertEqual(FrameHeader.currentVersion, 1)
    }

    func testHelloWithNegativePIDAndOtherVersionRoundTrips() throws {
        let hello = WorkerHello(pid: -2, protocolVersion: 0xFE, software: "x")
        var buffer = ByteBuffer()
        self.encoder.writeHello(hello, into: &buffer)
        let expected: [UInt8] = [
            0x01, 0x81, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x08,
            0xFF, 0xFF, 0xFF, 0xFE,  // pid -2
            0xFE,  // protocol version 254
            0x00, 0x01, 0x78,  // "x"
        ]
        XCTAssertEqual(Array(buffer.readableBytesView), expected)
        try self.assertDecodes(buffer, to: Frame(requestID: 0, message: .hello(hello)))
    }

    func testResponseHeadMatchesFixture() throws {
        guard case .responseHead(let head) = WorkerFrameFixtures.responseHeadMessage else {
            return XCTFail("fixture is not a response head")
        }
        var buffer = ByteBuffer()
        self.encoder.writeResponseHead(head, requestID: 7, into: &buffer)
        XCTAssertEqual(Array(buffer.readableBytesView), WorkerFrameFixtures.responseHead)
        try self.assertDecodes(buffer, to: Frame(requestID: 7, message: .responseHead(head)))
    }

    func testResponseBodyMatchesFixture() throws {
        var buffer = ByteBuffer()
        self.encoder.writeResponseBody(ByteBuffer(string: "{}"), requestID: 7, into: &buffer)
        XCTAssertEqual(Array(buffer.readableBytesView), WorkerFrameFixtures.responseBody)
        try self.assertDecodes(buffer, to: Frame(requestID: 7, message: WorkerFrameFixtures.responseBodyMessage))
    }

    func testResponseEndMatchesFixture() throws {
        var buffer = ByteBuffer()
        let statistics = RequestStatistics(
            databaseRoundTrips: 3,
            databaseMicroseconds: 1500,
            databaseErrors: 1,
            route: "/api/tags"
        )
        self.encoder.writeResponseEnd(statistics, requestID: 7, into: &buffer)
        XCTAssertEqual(Array(buffer.readableBytesView), WorkerFrameFixtures.responseEnd)
        try self.assertDecodes(buffer, to: Frame(requestID: 7, message: .responseEnd(statistics)))
    }

    func testPongMatchesFixtures() throws {
        var reachable = ByteBuffer()
        self.encoder.writePong(nonce: 0x0102_0304_0506_0708, databaseReachable: true, into: &reachable)
        XCTAssertEqual(Array(reachable.readableBytesView), WorkerFrameFixtures.pong)
        try self.assertDecodes(reachable, to: Frame(requestID: 0, message: WorkerFrameFixtures.pongMessage))

        var unreachable = ByteBuffer()
        self.encoder.writePong(nonce: 9, databaseReachable: false, into: &unreachable)
        XCTAssertEqual(Array(unreachable.readableBytesView), WorkerFrameFixtures.unreachablePong)
        try self.assertDecodes(
            unreachable,
            to: Frame(requestID: 0, message: WorkerFrameFixtures.unreachablePongMessage)
        )
    }

    func testPongTreatsAnyNonzeroByteAsReachable() throws {
        let bytes: [UInt8] = [
            0x01, 0x85, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x09,
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
            0x7F,
        ]
        XCTAssertEqual(
            try DecoderHarness.decode(bytes, as: WorkerMessage.self),
            Frame(requestID: 0, message: .pong(nonce: 1, databaseReachable: true))
        )
    }

    func testErrorMatchesFixture() throws {
        var buffer = ByteBuffer()
        self.encoder.writeError(code: 400, message: "bad frame", requestID: 7, into: &buffer)
        XCTAssertEqual(Array(buffer.readableBytesView), WorkerFrameFixtures.error)
        try self.assertDecodes(buffer, to: Frame(requestID: 7, message: WorkerFrameFixtures.errorMessage))
    }

    func testEveryFixtureDecodesToItsFrame() throws {
        for (bytes, frame) in WorkerFrameFixtures.all {
            XCTAssertEqual(try DecoderHarness.decode(bytes, as: WorkerMessage.self), frame)
        }
    }

    func testFixturesDeclareTheirPayloadLength() {
        for (bytes, _) in WorkerFrameFixtures.all {
            let header = ByteBuffer(bytes: bytes).peekFrameHeader()
            XCTAssertEqual(header.map { Int($0.payloadLength) + FrameHeader.size }, bytes.count)
        }
    }

    func testEveryTypeIDHasTheHighBitSet() {
        let ids: [WorkerMessage.TypeID] = [.hello, .responseHead, .responseBody, .responseEnd, .pong, .error]
        XCTAssertEqual(ids.map(\.rawValue), [0x81, 0x82, 0x83, 0x84, 0x85, 0x86])
        XCTAssertEqual(
            WorkerFrameFixtures.all.map(\.frame.message.typeID),
            [.hello, .responseHead, .responseBody, .responseEnd, .pong, .pong, .error]
        )
    }

    private func assertDecodes(
        _ buffer: ByteBuffer,
        to expected: Frame<WorkerMessage>,
        file: StaticString = #filePath,
        line: UInt = #line
    ) throws {
        var buffer = buffer
        var decoder = FrameDecoder<WorkerMessage>()
        XCTAssertEqual(try decoder.decodeFrame(buffer: &buffer), expected, file: file, line: line)
        XCTAssertEqual(buffer.readableBytes, 0, "the decoder consumed the whole frame", file: file, line: line)
    }
}

/// The hello's table of routes that are not of the standard cost class.
final class HelloRouteCostTests: XCTestCase {
    func testRouteCostsRoundTripAfterTheSoftwareField() throws {
        let hello = WorkerHello(
            pid: 7,
            software: "w",
            routeCosts: [RouteCost(method: "POST", template: "/a/:b", costClass: .passwordHashing)]
        )
        var buffer = ByteBuffer()
        FrameEncoder().writeHello(hello, into: &buffer)
        let expectedPayload: [UInt8] = [
            0x00, 0x00, 0x00, 0x07,  // pid
            0x01,  // protocol version
            0x00, 0x01, 0x77,  // "w"
            0x00, 0x01,  // one route
            0x01,  // password hashing
            0x00, 0x04, 0x50, 0x4F, 0x53, 0x54,  // "POST"
            0x00, 0x05, 0x2F, 0x61, 0x2F, 0x3A, 0x62,  // "/a/:b"
        ]
        XCTAssertEqual(Array(buffer.readableBytesView.dropFirst(FrameHeader.size)), expectedPayload)
        var decoder = FrameDecoder<WorkerMessage>()
        XCTAssertEqual(try decoder.decode(buffer: &buffer), Frame(requestID: 0, message: .hello(hello)))
    }

    func testAnUnknownClassReadsAsStandardAndALyingCountFails() throws {
        var payload = ByteBuffer(bytes: [0, 0, 0, 7, 1, 0, 1, 0x77, 0, 1, 9, 0, 1, 0x47, 0, 1, 0x2F])
        let decoded = try WorkerMessage.decode(type: 0x81, payload: payload, limits: .default)
        XCTAssertEqual(
            decoded,
            .hello(
                WorkerHello(
                    pid: 7,
                    software: "w",
                    routeCosts: [RouteCost(method: "G", template: "/", costClass: .standard)]
                )
            )
        )
        payload = ByteBuffer(bytes: [0, 0, 0, 7, 1, 0, 1, 0x77, 0x7F, 0xFF])
        XCTAssertThrowsError(try WorkerMessage.decode(type: 0x81, payload: payload, limits: .default))
    }

    func testRouteMatchingFollowsTheWorkerRouter() {
        let login = RouteCost(method: "POST", template: "/api/users/login", costClass: .passwordHashing)
        XCTAssertTrue(login.matches(method: "POST", path: "/api/users/login"))
        XCTAssertTrue(login.matches(method: "POST", path: "/api/users/login/"), "empty segments are ignored")
        XCTAssertTrue(login.matches(method: "POST", path: "//api//users/login"))
        XCTAssertFalse(login.matches(method: "GET", path: "/api/users/login"))
        XCTAssertFalse(login.matches(method: "post", path: "/api/users/login"), "methods are case-sensitive")
        XCTAssertFalse(login.matches(method: "POST", path: "/api/users"))
        XCTAssertFalse(login.matches(method: "POST", path: "/api/users/login/x"))
        XCTAssertFalse(login.matches(method: "POST", path: "/api/users/%6Cogin"), "literals compare undecoded")
        let comment = RouteCost(
            method: "DELETE",
            template: "/api/articles/:slug/comments/:id",
            costClass: .passwordHashing
        )
        XCTAssertTrue(comment.matches(method: "DELETE", path: "/api/articles/a-b/comments/12"))
        XCTAssertFalse(comment.matches(method: "DELETE", path: "/api/articles/a-b/comments"))
        let read = RouteCost(method: "GET", template: "/x", costClass: .passwordHashing)
        XCTAssertTrue(read.matches(method: "HEAD", path: "/x"), "HEAD is routed as GET")
    }
}
