import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Protocol
import XCTest

@testable import Gateway

/// `WorkerChannelHandler` on an `EmbeddedChannel`: the bytes a worker writes reach the pool as
/// frames, an invalid frame stops the worker, and a closed socket counts as its exit.
final class WorkerChannelHandlerTests: XCTestCase {
    private var loop = EmbeddedEventLoop()
    private var launcher: FakeWorkerLauncher!
    private var pool: WorkerPool!

    override func setUp() {
        self.loop = EmbeddedEventLoop()
        self.launcher = FakeWorkerLauncher(loop: self.loop)
        self.pool = WorkerPool(
            loop: self.loop,
            configuration: WorkerPool.Configuration(
                workers: 1,
                queueLimit: 4,
                requestTimeout: .seconds(30),
                maxRequests: 0
            ),
            launcher: self.launcher,
            logger: Logger(label: "test")
        )
        self.pool.start()
        self.loop.run()
    }

    private var channel: EmbeddedChannel {
        get throws { try XCTUnwrap(self.launcher.channels[1000]) }
    }

    private func workerWrites(_ write: (FrameEncoder, inout ByteBuffer) -> Void) throws {
        var buffer = ByteBuffer()
        write(FrameEncoder(), &buffer)
        try self.channel.writeInbound(buffer)
        self.loop.run()
    }

    private func sayHello() throws {
        try self.workerWrites { encoder, buffer in
            encoder.writeHello(WorkerHello(pid: 1000, software: "test worker"), into: &buffer)
        }
    }

    func testFramesFromTheWorkerAnswerTheRequest() throws {
        try self.sayHello()
        XCTAssertEqual(self.pool.supervisor.workers.values.first?.state, .idle, "hello made the worker ready")

        let answer = NIOLockedValueBox<GatewayResponse?>(nil)
        self.pool.submit(
            ProxiedRequest(
                head: RequestHead(method: "GET", target: "/api/tags", peerAddress: "127.0.0.1", headers: []),
                body: ByteBuffer(),
                requestID: "r1",
                receivedAt: .now(),
                deliver: { response, _ in answer.withLockedValue { $0 = response } }
            )
        )
        self.loop.run()
        let written = try XCTUnwrap(
            try self.channel.readOutbound(as: ByteBuffer.self),
            "the request reached the socket"
        )
        var decoder = FrameDecoder<GatewayMessage>()
        var bytes = written
        let frame = try XCTUnwrap(try decoder.decode(buffer: &bytes))
        guard case .requestHead(let head) = frame.message else { return XCTFail("\(frame.message)") }
        XCTAssertEqual(head.target, "/api/tags")

        try self.workerWrites { encoder, buffer in
            encoder.writeResponseHead(ResponseHead(status: 200, headers: []), requestID: frame.requestID, into: &buffer)
            encoder.writeResponseBody(ByteBuffer(string: #"{"tags":[]}"#), requestID: frame.requestID, into: &buffer)
            encoder.writeResponseEnd(RequestStatistics(route: "/api/tags"), requestID: frame.requestID, into: &buffer)
        }
        guard case .worker(let responseHead, let body) = answer.withLockedValue({ $0 }) else {
            return XCTFail("no worker answer: \(String(describing: answer.withLockedValue { $0 }))")
        }
        XCTAssertEqual(responseHead.status, 200)
        XCTAssertEqual(String(buffer: body), #"{"tags":[]}"#)
        XCTAssertEqual(self.pool.supervisor.workers.values.first?.state, .idle)
    }

    func testAnInvalidFrameStopsTheWorkerAndClosesItsSocket() throws {
        try self.sayHello()
        let channel = try self.channel
        try? channel.writeInbound(ByteBuffer(bytes: Array(repeating: 0xFF, count: 32)))
        self.loop.run()
        XCTAssertFalse(channel.isActive, "the handler closed the socket")
        XCTAssertEqual(self.launcher.signals.first?.signal, SIGTERM, "the misbehaving worker was told to stop")
        XCTAssertEqual(self.pool.supervisor.restarts[.crash], 1)
        XCTAssertEqual(self.launcher.channels.count, 2, "a replacement was started")
    }

    func testAClosedSocketCountsAsTheWorkerExiting() throws {
        try self.sayHello()
        let firstID = try XCTUnwrap(self.pool.workers.keys.first)
        try self.channel.close().wait()
        self.loop.run()
        XCTAssertNil(self.pool.workers[firstID], "the pool forgot the worker")
        XCTAssertTrue(self.pool.supervisor.unreapedPIDs.contains(1000), "its process is still to be reaped")
    }
}
