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
    /// When the current phase runs out; nil while waiting for the worker.
    private var deadline: NIODeadline?
    /// The one armed timer and when it fires. It is re-armed only when it fires early (the
    /// phase moved on and its deadline is later) or when a new deadline is earlier, so a busy
    /// keep-alive connection does not schedule and cancel timers on every request.
    private var timer: Scheduled<Void>?
    private var timerFiresAt: NIODeadline?
    /// Called on the event loop when a deadline passes.
    var onExpiry: ((Expiry) -> Void)?
    /// Whether any byte of the current head has arrived (else a timeout just closes).
    private(set) var headStarted = false
    /// Bytes arrived while waiting for the worker: the next head has started.
    private var bytesWhileWaiting = false
    private var stopped = false

    init(eventLoop: any EventLoop, limits: ConnectionLimits) {
        self.eventLoop = eventLoop
        self.limits = limits
    }

    /// The connection was accepted: the first head must come within the header timeout.
    func start() {
        self.enter(.readingHead)
    }

    func bytesArrived() {
        switch self.phase {
        case .idle:
            self.enter(.readingHead)
            self.headStarted = true
        case .readingHead:
            self.headStarted = true
        case .waitingForResponse:
            self.bytesWhileWaiting = true
        case .readingBody:
            break
        }
    }

    func headReceived() {
        self.headStarted = false
        self.enter(.readingBody)
    }

    func requestComplete() {
        self.enter(.waitingForResponse)
    }

    /// Back to idle, or straight to reading the next head if its bytes came while waiting
    /// (a pipelining client), so the header timeout counts from then.
    func responseSent() {
        if self.bytesWhileWaiting {
            self.bytesWhileWaiting = false
            self.enter(.readingHead)
            self.headStarted = true
        } else {
            self.enter(.idle)
        }
    }

    func stop() {
        self.stopped = true
        self.deadline = nil
        self.timer?.cancel()
        self.timer = nil
        self.timerFiresAt = nil
    }

    private func enter(_ phase: Phase) {
        guard !self.stopped else { return }
        self.phase = phase
        guard let seconds = self.timeout(of: phase) else {
            self.deadline = nil
            return
        }
        let deadline = self.eventLoop.now + .milliseconds(Int64(seconds * 1000))
        self.deadline = deadline
        if let firesAt = self.timerFiresAt, firesAt <= deadline {
            return  // fires first; it re-arms for this deadline then
        }
        self.arm(at: deadline)
    }

    private func timeout(of phase: Phase) -> Double? {
        switch phase {
        case .idle: self.limits.keepAliveTimeout
        case .readingHead: self.limits.headerTimeout
        case .readingBody: self.limits.bodyTimeout
        case .waitingForResponse: nil
        }
    }

    private func expiry(of phase: Phase) -> Expiry {
        phase == .idle ? .closeQuietly : .requestTimeout
    }

    private func arm(at time: NIODeadline) {
        self.timer?.cancel()
        self.timerFiresAt = time
        self.timer = self.eventLoop.scheduleTask(deadline: time) { [weak self] in
            self?.timerFired()
        }
    }

    private func timerFired() {
        self.timer = nil
        self.timerFiresAt = nil
        guard !self.stopped, let deadline = self.deadline else { return }
        if deadline > self.eventLoop.now {
            self.arm(at: deadline)
            return
        }
        self.deadline = nil
        self.onExpiry?(self.expiry(of: self.phase))
    }
}
