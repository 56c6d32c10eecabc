import NIOCore

/// The time limits of one client connection, as a small state machine on its event loop:
///
/// - idle between requests: closed after the keep-alive timeout;
/// - reading a head (from its first byte, or from accept): 408 after the header timeout —
///   a slowloris client trickling header bytes cannot hold the connection;
/// - reading a body: 408 after the body timeout;
/// - waiting for the worker: no limit here, the pool's request timeout applies.
final class ConnectionDeadlines {
    enum Phase {
        case idle
        case readingHead
        case readingBody
        case waitingForResponse
    }

    /// What to do when a deadline passes.
    enum Expiry {
        case closeQuietly
        case requestTimeout
    }

    private let eventLoop: any EventLoop
    private let limits: ConnectionLimits
    private var phase = Phase.readingHead
    private var timer: Scheduled<Void>?
    /// Called on the event loop when a deadline passes.
    var onExpiry: ((Expiry) -> Void)?
    /// Writes bytes below the HTTP codec and closes: for a 408 before any head was decoded.
    var sendRawAndClose: ((ByteBuffer) -> Void)?
    /// Whether any byte of the current head has arrived (else a timeout just closes).
    private(set) var headStarted = false

    init(eventLoop: any EventLoop, limits: ConnectionLimits) {
        self.eventLoop = eventLoop
        self.limits = limits
    }

    /// The connection was accepted: the first head must come within the header timeout.
    func start() {
        self.enter(.readingHead)
    }

    func bytesArrived() {
        if self.phase == .idle {
            self.enter(.readingHead)
        }
        if self.phase == .readingHead {
            self.headStarted = true
        }
    }

    func headReceived() {
        self.headStarted = false
        self.enter(.readingBody)
    }

    func requestComplete() {
        self.enter(.waitingForResponse)
    }

    func responseSent() {
        self.enter(.idle)
    }

    func stop() {
        self.timer?.cancel()
        self.timer = nil
    }

    private func enter(_ phase: Phase) {
        self.phase = phase
        self.timer?.cancel()
        self.timer = nil
        let seconds: Double
        let expiry: Expiry
        switch phase {
        case .idle:
            seconds = self.limits.keepAliveTimeout
            expiry = .closeQuietly
        case .readingHead:
            seconds = self.limits.headerTimeout
            expiry = .requestTimeout
        case .readingBody:
            seconds = self.limits.bodyTimeout
            expiry = .requestTimeout
        case .waitingForResponse:
            return
        }
        self.timer = self.eventLoop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) { [weak self] in
            guard let self, self.phase == phase else { return }
            self.timer = nil
            self.onExpiry?(expiry)
        }
    }
}
