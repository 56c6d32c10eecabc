import NIOCore
import NIOHTTP1

/// The decisions of one client connection as a value, like hummingbird's
/// `HTTPConnectionStateHandler` and postgres-nio's `ConnectionStateMachine`: which request is
/// in hand and in what stage, what waits behind it (pipelining), whether reading pauses, and
/// when the connection closes. `HTTPProxyHandler` feeds it events and performs its actions
/// (write, close, forward, read); time comes with the events.
///
/// Pipelined requests are answered in order, one at a time: parts that arrive while a request
/// is with a worker wait in `queued` and are taken up once its answer is written. Reading
/// pauses only while parts are queued. More than `maxPipelined` requests ahead of their
/// answers close the connection.
struct HTTPConnectionStateMachine {
    /// The request in hand.
    enum State {
        /// Between requests.
        case idle
        case receiving(HTTPRequestHead, ByteBuffer, startedAt: NIODeadline)
        /// Refused before the body (rate limit): the body is skipped, then the error is sent
        /// and the connection stays usable.
        case discarding(HTTPRequestHead, GatewayError, startedAt: NIODeadline)
        /// The request is with a worker (or the gateway's own answer is being written).
        case waitingForResponse(HTTPRequestHead, startedAt: NIODeadline)
        /// The last answer was sent or is being sent and the connection closes; nothing more
        /// is read.
        case closing
    }

    /// What to do with a part that just arrived.
    enum PartAction {
        case ignore
        /// Handle it now (`headArrived`, `bodyArrived`, `endArrived`).
        case handle(HTTPServerRequestPart)
        /// It waits behind the request in hand.
        case queued
        /// Too many requests ahead of their answers: close.
        case close
    }

    /// What to do after a head, a body chunk or an end.
    enum RequestAction {
        case none
        /// The client sent `Expect: 100-continue` and may send its body.
        case sendContinue(HTTPVersion)
        /// Answer with a gateway error and close (413, 431): the refused request and when its
        /// head arrived, for the answer's version and the access log.
        case reject(GatewayError, HTTPRequestHead, startedAt: NIODeadline)
        /// The request is complete: hand it to a worker.
        case forward(HTTPRequestHead, ByteBuffer)
        /// The refused request's body is skipped: answer the refusal now.
        case answerRefusal(GatewayError)
    }

    /// What to do with a decoder error.
    enum ErrorAction {
        case ignore
        /// Answer 400/431 now, then close.
        case answerMalformed(HTTPParserError)
        /// Answered after the answers ahead of it.
        case queued
        case close
    }

    /// The next thing to take up after an answer.
    enum QueueAction {
        case handle(HTTPServerRequestPart)
        case answerMalformed(HTTPParserError)
        /// Nothing more to take up; `resumeReading` says whether a held-back read is due.
        case done(resumeReading: Bool)
    }

    let maxBodySize: Int
    let maxPipelined: Int
    private(set) var state = State.idle
    private var queued = PipelinedParts()
    /// A `read` held back while parts are queued.
    private var readPending = false
    /// Set by `ChannelShouldQuiesceEvent`: the request in hand is answered with
    /// `Connection: close`, nothing after it.
    private(set) var quiescing = false
    /// The decoder failed; everything after is ignored.
    private var inputFailed = false

    init(maxBodySize: Int, maxPipelined: Int) {
        self.maxBodySize = maxBodySize
        self.maxPipelined = maxPipelined
    }

    var isWaitingForResponse: Bool {
        switch self.state {
        case .waitingForResponse: true
        case .idle, .receiving, .discarding, .closing: false
        }
    }

    // MARK: Input

    mutating func partReceived(_ part: HTTPServerRequestPart) -> PartAction {
        if self.inputFailed {
            return .ignore
        }
        switch self.state {
        case .closing:
            return .ignore
        case .idle, .receiving, .discarding, .waitingForResponse:
            break
        }
        if self.quiescing, case .head = part {
            return .ignore  // no new request once quiescing; the one in hand is still answered
        }
        if self.queued.isEmpty, !self.isWaitingForResponse {
            return .handle(part)
        }
        self.queued.append(.part(part))
        if 1 + self.queued.requests > self.maxPipelined {
            self.queued.removeAll()
            self.state = .closing
            return .close
        }
        return .queued
    }

    /// The socket wants to read: true to read now, false while parts are queued (held back).
    mutating func readRequested() -> Bool {
        if self.queued.isEmpty {
            return true
        }
        self.readPending = true
        return false
    }

    /// A head, after the admission check (`RequestAdmission`) the handler ran on it.
    mutating func headArrived(_ head: HTTPRequestHead, admission: RequestAdmission, now: NIODeadline) -> RequestAction {
        switch admission {
        case .refuse(let error):
            self.state = .closing
            return .reject(error, head, startedAt: now)
        case .rateLimited(let wait):
            self.state = .discarding(head, .rateLimited(retryAfter: wait), startedAt: now)
            return .none
        case .accept:
            self.state = .receiving(head, ByteBuffer(), startedAt: now)
            if head.headers.first(name: "expect")?.lowercased() == "100-continue" {
                // The client waits for this before sending the body; its limit was checked.
                return .sendContinue(head.version)
            }
            return .none
        }
    }

    mutating func bodyArrived(_ chunk: inout ByteBuffer) -> RequestAction {
        switch self.state {
        case .receiving(let head, var body, let startedAt):
            self.state = .idle  // keep `body` uniquely referenced while appending
            if body.readableBytes + chunk.readableBytes > self.maxBodySize {
                self.state = .closing
                return .reject(.bodyTooLarge, head, startedAt: startedAt)
            }
            body.writeBuffer(&chunk)
            self.state = .receiving(head, body, startedAt: startedAt)
            return .none
        case .idle, .discarding, .waitingForResponse, .closing:
            return .none
        }
    }

    mutating func endArrived() -> RequestAction {
        switch self.state {
        case .receiving(let head, let body, let startedAt):
            self.state = .waitingForResponse(head, startedAt: startedAt)
            return .forward(head, body)
        case .discarding(let head, let error, let startedAt):
            self.state = .waitingForResponse(head, startedAt: startedAt)
            return .answerRefusal(error)
        case .idle, .closing, .waitingForResponse:
            return .none
        }
    }

    /// The decoder rejected the bytes. Any other error closes the connection.
    mutating func errorCaught(parserError: HTTPParserError?) -> ErrorAction {
        if self.inputFailed {
            return .ignore  // the decoder reports every later read as an error too
        }
        guard let parserError else {
            self.state = .closing
            return .close
        }
        self.inputFailed = true
        switch self.state {
        case .waitingForResponse:
            self.queued.append(.malformed(parserError))
            return .queued
        case .idle where !self.queued.isEmpty:
            self.queued.append(.malformed(parserError))
            return .queued
        case .idle, .receiving, .discarding:
            self.state = .closing
            return .answerMalformed(parserError)
        case .closing:
            return .ignore
        }
    }

    // MARK: Output

    /// An answer for the request in hand is ready: its head, when it started, and whether the
    /// connection may stay open after it; nil when nothing waits for an answer.
    func answerContext() -> (head: HTTPRequestHead, startedAt: NIODeadline, keepAlive: Bool)? {
        switch self.state {
        case .waitingForResponse(let head, let startedAt):
            // After CONNECT or an Upgrade request NIO's parser stops reading the connection
            // (no upgrade is configured), so it must close after this answer.
            let keepAlive =
                head.isKeepAlive && head.method != .CONNECT && !head.headers.contains(name: "upgrade")
                && !self.quiescing
            return (head, startedAt, keepAlive)
        case .idle, .receiving, .discarding, .closing:
            return nil
        }
    }

    /// An answer was written; unless it keeps the connection, the connection closes once the
    /// bytes are out.
    mutating func answerWritten(keepsConnection: Bool) {
        if keepsConnection {
            switch self.state {
            case .waitingForResponse:
                self.state = .idle
            case .idle, .receiving, .discarding, .closing:
                break
            }
        } else {
            self.state = .closing
            self.queued.removeAll()
        }
    }

    /// The next queued part or error to take up, once no request waits for its answer.
    mutating func nextQueued() -> QueueAction {
        switch self.state {
        case .closing:
            self.queued.removeAll()
        case .waitingForResponse:
            break
        case .idle, .receiving, .discarding:
            if let next = self.queued.popFirst() {
                switch next {
                case .part(let part): return .handle(part)
                case .malformed(let error): return .answerMalformed(error)
                }
            }
        }
        guard self.queued.isEmpty, self.readPending else { return .done(resumeReading: false) }
        self.readPending = false
        return .done(resumeReading: true)
    }

    // MARK: Lifecycle

    /// `ChannelShouldQuiesceEvent`: true to close now (nothing in hand), else the answer in
    /// hand is the last.
    mutating func quiesce() -> Bool {
        self.quiescing = true
        switch self.state {
        case .idle where self.queued.isEmpty:
            self.state = .closing
            return true
        case .idle, .receiving, .discarding, .waitingForResponse, .closing:
            return false
        }
    }

    /// The request being received or skipped and when its head arrived, if any (what a 408
    /// answers, for the access log).
    var requestInProgress: (head: HTTPRequestHead, startedAt: NIODeadline)? {
        switch self.state {
        case .receiving(let head, _, let startedAt), .discarding(let head, _, let startedAt):
            return (head, startedAt)
        case .idle, .waitingForResponse, .closing:
            return nil
        }
    }

    /// What a connection deadline means now: answer 408 (true) or close quietly (false).
    mutating func deadlinePassed(_ expiry: ConnectionDeadlines.Expiry, headStarted: Bool) -> Bool {
        let previous = self.state
        self.state = .closing
        switch expiry {
        case .closeQuietly:
            return false
        case .requestTimeout:
            switch previous {
            case .receiving, .discarding:
                return true
            case .idle:
                return headStarted  // no head decoded: answer if some of it came, else just close
            case .waitingForResponse, .closing:
                return false
            }
        }
    }
}
