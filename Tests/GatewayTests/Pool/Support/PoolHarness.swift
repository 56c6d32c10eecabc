import Glibc
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Protocol

@testable import Gateway

/// A `WorkerPool` on an `EmbeddedEventLoop` with a `FakeWorkerLauncher`: time moves only when
/// the test advances it and workers do only what the test makes them do, so every
/// supervision rule runs in milliseconds without processes.
final class PoolHarness {
    /// One answer a client got.
    struct Answer: Equatable {
        var requestID: String
        var status: Int
        var workerPID: pid_t?
    }

    let loop = EmbeddedEventLoop()
    let launcher: FakeWorkerLauncher
    let pool: WorkerPool
    private let answerBox = NIOLockedValueBox<[Answer]>([])
    private let encoder = FrameEncoder()
    private var decoders: [pid_t: FrameDecoder<GatewayMessage>] = [:]
    private var nextRequest = 1

    init(workers: Int, configure: (inout WorkerPool.Configuration) -> Void = { _ in }) {
        var configuration = WorkerPool.Configuration(
            workers: workers,
            queueLimit: 4,
            requestTimeout: .seconds(30),
            maxRequests: 0
        )
        configure(&configuration)
        self.launcher = FakeWorkerLauncher(loop: self.loop)
        var logger = Logger(label: "pool-test")
        logger.logLevel = .critical
        self.pool = WorkerPool(loop: self.loop, configuration: configuration, launcher: self.launcher, logger: logger)
    }

    /// Answers clients got so far, in order.
    var answers: [Answer] { self.answerBox.withLockedValue { $0 } }

    func start() {
        self.pool.start()
        self.loop.run()
    }

    /// Lets scheduled work up to `amount` from now run.
    func advance(by amount: TimeAmount) {
        self.loop.advanceTime(by: amount)
        self.loop.run()
    }

    /// Pids of live workers in `states`, by slot.
    func pids(_ states: WorkerPoolStateMachine.WorkerState...) -> [pid_t] {
        self.pool.supervisor.workers.values.filter { states.contains($0.state) }
            .sorted { ($0.slot, $0.id) < ($1.slot, $1.id) }
            .map(\.pid)
    }

    /// The state machine's record of the worker.
    func worker(_ pid: pid_t) -> WorkerPoolStateMachine.Worker? {
        self.pool.supervisor.workers.values.first { $0.pid == pid }
    }

    /// The worker sends its hello frame.
    func hello(_ pid: pid_t) throws {
        var buffer = ByteBuffer()
        self.encoder.writeHello(WorkerHello(pid: pid, software: "fake"), into: &buffer)
        try self.launcher.channels[pid]!.writeInbound(buffer)
        self.loop.run()
    }

    /// Every starting worker says hello.
    func helloAll() throws {
        for pid in self.pids(.starting) {
            try self.hello(pid)
        }
    }

    /// A client request enters the pool; returns its request id.
    @discardableResult
    func submit(_ method: String = "GET", _ target: String = "/api/tags", writeKey: String? = nil) -> String {
        let requestID = "r\(self.nextRequest)"
        self.nextRequest += 1
        let box = self.answerBox
        let request = ProxiedRequest(
            head: RequestHead(method: method, target: target, peerAddress: "127.0.0.1", headers: []),
            body: ByteBuffer(),
            requestID: requestID,
            writeKey: writeKey,
            receivedAt: self.loop.now,
            deliver: { response, trace in
                let status: Int =
                    switch response {
                    case .worker(let head, _): Int(head.status)
                    case .gatewayError(let error): error.status
                    }
                box.withLockedValue {
                    $0.append(Answer(requestID: requestID, status: status, workerPID: trace.workerPID))
                }
            }
        )
        self.pool.submit(request)
        self.loop.run()
        return requestID
    }

    /// Frames the pool wrote to the worker since the last call.
    func framesSent(to pid: pid_t) throws -> [Frame<GatewayMessage>] {
        let channel = self.launcher.channels[pid]!
        var decoder = self.decoders[pid] ?? FrameDecoder<GatewayMessage>()
        var frames: [Frame<GatewayMessage>] = []
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) {
            while let frame = try decoder.decode(buffer: &buffer) {
                frames.append(frame)
            }
        }
        self.decoders[pid] = decoder
        return frames
    }

    /// Frame ids of the requests the worker was sent since the last call.
    func requestsSent(to pid: pid_t) throws -> [UInt32] {
        try self.framesSent(to: pid).compactMap { frame in
            if case .requestHead = frame.message { return frame.requestID }
            return nil
        }
    }

    /// The worker answers request `frameID` completely.
    func answer(_ pid: pid_t, frameID: UInt32, status: UInt16 = 200) throws {
        var buffer = ByteBuffer()
        self.encoder.writeResponseHead(ResponseHead(status: status, headers: []), requestID: frameID, into: &buffer)
        self.encoder.writeResponseEnd(RequestStatistics(route: "/api/tags"), requestID: frameID, into: &buffer)
        try self.launcher.channels[pid]!.writeInbound(buffer)
        self.loop.run()
    }

    /// The worker answers every request it was sent and not answered yet.
    func answerAll(_ pid: pid_t) throws {
        for frameID in try self.requestsSent(to: pid) {
            try self.answer(pid, frameID: frameID)
        }
    }
}

extension PoolHarness {
    /// SIGCHLD: the pool hears of exited children the way `ChildExitWatcher` tells it.
    func childrenExited() {
        self.pool.childrenExited()
        self.loop.run()
    }
}
