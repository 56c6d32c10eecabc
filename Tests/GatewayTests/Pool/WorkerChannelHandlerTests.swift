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
    /// Launches no process: each "worker" is an `EmbeddedChannel` on the pool's loop, with the
    /// pipeline the pool installs.
    private final class EmbeddedLauncher: WorkerLaunching, @unchecked Sendable {
        let loop: EmbeddedEventLoop
        private let state = NIOLockedValueBox((channels: [EmbeddedChannel](), signals: [(pid_t, CInt)]()))

        init(loop: EmbeddedEventLoop) {
            self.loop = loop
        }

        var channels: [EmbeddedChannel] { self.state.withLockedValue { $0.channels } }
        var signals: [CInt] { self.state.withLockedValue { $0.signals.map(\.1) } }

        func launch(slot: Int, generation: Int) throws -> LaunchedWorker {
            LaunchedWorker(pid: pid_t(1000 + self.channels.count), descriptor: -1)
        }

        func connect(
            descriptor: CInt,
            on loop: any EventLoop,
            initializer: @escaping @Sendable (any Channel) throws -> Void
        ) -> EventLoopFuture<any Channel> {
            let channel = EmbeddedChannel(loop: self.loop)
            do {
                try initializer(channel)
                try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
            } catch {
                return loop.makeFailedFuture(error)
            }
            self.state.withLockedValue { $0.channels.append(channel) }
            return loop.makeSucceededFuture(channel)
        }

        func signal(_ pid: pid_t, _ signal: CInt) {
            self.state.withLockedValue { $0.signals.append((pid, signal)) }
        }

        func reap(_ pid: pid_t) -> ChildProcessStatus? { nil }
    }

    private var loop = EmbeddedEventLoop()
    private var launcher: EmbeddedLauncher!
    private var pool: WorkerPool!

    override func setUp() {
        self.loop = EmbeddedEventLoop()
        self.launcher = EmbeddedLauncher(loop: self.loop)
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
        get throws { try XCTUnwrap(self.launcher.channels.first) }
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
        XCTAssertEqual(self.pool.workers.values.first?.state, .idle, "hello made the worker ready")

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
        XCTAssertEqual(self.pool.workers.values.first?.state, .idle)
    }

    func testAnInvalidFrameStopsTheWorkerAndClosesItsSocket() throws {
        try self.sayHello()
        let channel = try self.channel
        try? channel.writeInbound(ByteBuffer(bytes: Array(repeating: 0xFF, count: 32)))
        self.loop.run()
        XCTAssertFalse(channel.isActive, "the handler closed the socket")
        XCTAssertEqual(self.launcher.signals.first, SIGTERM, "the misbehaving worker was told to stop")
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
