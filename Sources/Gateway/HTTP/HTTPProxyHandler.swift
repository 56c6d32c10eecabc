import Logging
import NIOCore
import NIOHTTP1
import Protocol
import RookeryCommon

/// One client connection, the only handler behind NIO's HTTP request decoder: gathers each
/// request completely (head and body, within limits and deadlines), hands it to the pool, and
/// writes the answer back as bytes.
///
/// Pipelined requests are answered in order, one at a time: parts that arrive while a request
/// is with a worker wait in `queued` and are taken up once its answer is written. Reading from
/// the socket pauses only while parts are queued, so a client that waits for each answer (as
/// nearly all do) never has its reads switched off and on. More than `--max-pipelined`
/// requests ahead of their answers close the connection. A worker only ever sees complete
/// requests, so a slow client never occupies one.
final class HTTPProxyHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State {
        case idle
        case receiving(HTTPRequestHead, ByteBuffer, NIODeadline)
        /// Refused before the body (rate limit): the body is skipped, then the error is sent
        /// and the connection stays usable.
        case discarding(HTTPRequestHead, GatewayError, NIODeadline)
        /// The last answer was sent or is being sent and the connection closes; nothing more
        /// is read.
        case closing
        case waitingForResponse(HTTPRequestHead, NIODeadline)
    }

    private let submit: (ProxiedRequest) -> Void
    private let settings: ProxySettings
    private let observer: RequestObserver
    private let deadlines: ConnectionDeadlines
    private var state = State.idle
    /// What arrived while a request is with a worker; with the one in hand, the client's
    /// requests ahead of their answers.
    private var queued = PipelinedParts()
    /// A `read` held back while parts are queued.
    private var readPending = false
    /// Set by `ChannelShouldQuiesceEvent`: the request in hand is answered with
    /// `Connection: close`, nothing after it.
    private var quiescing = false
    /// The decoder failed; everything after is ignored.
    private var inputFailed = false
    private var draining = false
    private var peerAddress = ""
    private var clientAddress = ""

    init(
        settings: ProxySettings,
        observer: RequestObserver,
        deadlines: ConnectionDeadlines,
        submit: @escaping (ProxiedRequest) -> Void
    ) {
        self.submit = submit
        self.settings = settings
        self.observer = observer
        self.deadlines = deadlines
    }

    convenience init(
        pool: WorkerPool,
        settings: ProxySettings,
        observer: RequestObserver,
        deadlines: ConnectionDeadlines
    ) {
        self.init(settings: settings, observer: observer, deadlines: deadlines) { pool.submit($0) }
    }

    func channelActive(context: ChannelHandlerContext) {
        self.peerAddress = context.remoteAddress?.ipAddress ?? "unix"
        self.clientAddress = self.peerAddress
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        self.deadlines.onExpiry = { expiry in
            let (handler, context) = loopBound.value
            handler.deadlinePassed(expiry, context: context)
        }
        self.deadlines.start()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.deadlines.stop()
        self.deadlines.onExpiry = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = self.unwrapInboundIn(data)
        if self.inputFailed {
            return
        }
        if case .closing = self.state {
            return
        }
        if self.quiescing, case .head = part {
            return  // no new request once quiescing; the one in hand is still answered
        }
        if self.queued.isEmpty, !self.isWaitingForResponse {
            self.handle(part, context: context)
            return
        }
        self.queued.append(.part(part))
        if 1 + self.queued.requests > self.settings.limits.maxPipelined {
            self.queued.removeAll()
            self.state = .closing
            context.close(promise: nil)
        }
    }

    /// Reads pause only while parts wait in `queued`; they resume once it is empty.
    func read(context: ChannelHandlerContext) {
        if self.queued.isEmpty {
            context.read()
        } else {
            self.readPending = true
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        self.quiescing = true
        switch self.state {
        case .idle where self.queued.isEmpty:
            self.state = .closing
            context.close(promise: nil)
        case .idle, .receiving, .discarding, .waitingForResponse, .closing:
            break  // closes after the answer in hand (`keepAlive` is false from now on)
        }
    }

    private var isWaitingForResponse: Bool {
        if case .waitingForResponse = self.state { return true }
        return false
    }

    /// One part of the request in hand (or of the next one, when idle).
    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head(let head):
            self.deadlines.headReceived()
            self.receiveHead(head, context: context)
        case .body(var chunk):
            guard case .receiving(let head, var body, let startedAt) = self.state else { return }
            self.state = .idle  // keep `body` uniquely referenced while appending
            if body.readableBytes + chunk.readableBytes > self.settings.maxBodySize {
                self.reject(.bodyTooLarge, head: head, startedAt: startedAt, context: context)
                return
            }
            body.writeBuffer(&chunk)
            self.state = .receiving(head, body, startedAt)
        case .end:
            switch self.state {
            case .receiving(let head, let body, let startedAt):
                self.deadlines.requestComplete()
                self.state = .waitingForResponse(head, startedAt)
                self.forward(head, body: body, context: context)
            case .discarding(let head, let error, let startedAt):
                self.deadlines.requestComplete()
                self.state = .waitingForResponse(head, startedAt)
                let trace = ResponseTrace(route: "rejected", workerPID: nil, queueWait: .zero, workerTime: .zero)
                self.writeResponse(
                    .gatewayError(error),
                    trace: trace,
                    requestID: RequestIDs.generate(),
                    context: context
                )
            case .idle, .closing, .waitingForResponse:
                break
            }
        }
    }

    /// Takes up what was queued behind the answer just written, until the next request is
    /// with a worker (or the queue is empty, when reading resumes).
    private func drainQueue(context: ChannelHandlerContext) {
        guard !self.draining else { return }  // an answer written while draining: the loop goes on
        self.draining = true
        defer { self.draining = false }
        while !self.isWaitingForResponse, let next = self.queued.popFirst() {
            if case .closing = self.state {
                self.queued.removeAll()
                break
            }
            switch next {
            case .part(let part):
                self.handle(part, context: context)
            case .malformed(let error):
                self.answerMalformed(error, context: context)
            }
        }
        if self.queued.isEmpty, self.readPending {
            self.readPending = false
            context.read()
        }
    }

    private func receiveHead(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        self.clientAddress = ClientAddress.resolve(
            peer: self.peerAddress,
            forwardedFor: head.headers["x-forwarded-for"],
            trustedProxies: self.settings.limits.trustedProxies
        )
        switch RequestAdmission.check(head, client: self.clientAddress, settings: self.settings) {
        case .refuse(let error):
            self.reject(error, head: head, startedAt: .now(), context: context)
            return
        case .rateLimited(let wait):
            self.state = .discarding(head, .rateLimited(retryAfter: wait), .now())
            return
        case .accept:
            break
        }
        if head.headers.first(name: "expect")?.lowercased() == "100-continue" {
            // The client waits for this before sending the body; the body limit was checked above.
            let writer = ResponseHeadWriter(
                allocator: context.channel.allocator,
                version: head.version,
                status: .continue,
                capacity: 32
            )
            context.writeAndFlush(self.wrapOutboundOut(writer.finish()), promise: nil)
        }
        self.state = .receiving(head, context.channel.allocator.buffer(capacity: 0), .now())
    }

    private func forward(_ head: HTTPRequestHead, body: ByteBuffer, context: ChannelHandlerContext) {
        let clientID = head.headers.first(name: "x-request-id")
        let requestID = clientID.flatMap { RequestIDs.isAcceptable($0) ? $0 : nil } ?? RequestIDs.generate()
        let writeKey = MethodRules(head.method.rawValue).needsWriteLedger ? RequestIDs.generate() : nil
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        let request = ProxiedRequest(
            head: RequestHead(
                forwarding: head,
                peerAddress: self.clientAddress,
                requestID: requestID,
                writeKey: writeKey
            ),
            body: body,
            requestID: requestID,
            writeKey: writeKey,
            receivedAt: .now(),
            deliver: { response, trace in
                eventLoop.execute {
                    let (handler, context) = loopBound.value
                    handler.writeResponse(response, trace: trace, requestID: requestID, context: context)
                }
            }
        )
        self.submit(request)
    }

    private func writeResponse(
        _ response: GatewayResponse,
        trace: ResponseTrace,
        requestID: String,
        context: ChannelHandlerContext
    ) {
        guard case .waitingForResponse(let requestHead, let startedAt) = self.state, context.channel.isActive else {
            return
        }
        // After CONNECT or an Upgrade request NIO's parser stops reading the connection (no
        // upgrade is configured), so it must close after this answer.
        let keepAlive =
            requestHead.isKeepAlive && requestHead.method != .CONNECT
            && !requestHead.headers.contains(name: "upgrade") && !self.quiescing
        let answer = ClientResponse(
            response,
            to: ClientResponse.Request(head: requestHead, keepAlive: keepAlive, requestID: requestID),
            settings: self.settings,
            allocator: context.channel.allocator
        )
        self.send(answer, context: context)
        self.deadlines.responseSent()
        self.observer.requestFinished(
            CompletedRequest(
                requestID: requestID,
                method: requestHead.method.rawValue,
                path: requestHead.uri,
                status: answer.status,
                bytes: answer.bodyLength,
                duration: .now() - startedAt,
                client: self.clientAddress,
                trace: trace
            ),
            on: context.eventLoop
        )
        if keepAlive {
            self.state = .idle
            self.drainQueue(context: context)
        }
    }

    /// Writes and flushes `answer`; unless it keeps the connection alive, the connection is
    /// closing from now on and closes once the bytes are out.
    private func send(_ answer: ClientResponse, context: ChannelHandlerContext) {
        let done: EventLoopFuture<Void>
        if let largeBody = answer.largeBody {
            context.write(self.wrapOutboundOut(answer.bytes), promise: nil)
            done = context.writeAndFlush(self.wrapOutboundOut(largeBody))
        } else {
            done = context.writeAndFlush(self.wrapOutboundOut(answer.bytes))
        }
        if !answer.keepsConnection {
            self.state = .closing
            self.queued.removeAll()
            done.whenComplete { _ in context.close(promise: nil) }
        }
    }

    /// An error from the gateway itself (400, 408, 413, 431, 501), then close: the rest of the
    /// request is never read. `head` is nil when no head was decoded. Counted and logged like
    /// every answer, with the bounded route `rejected`.
    private func reject(
        _ error: GatewayError,
        head: HTTPRequestHead?,
        startedAt: NIODeadline?,
        context: ChannelHandlerContext
    ) {
        self.deadlines.stop()
        let request = ClientResponse.Request(
            version: head?.version ?? .http1_1,
            isHEAD: false,
            isSensitive: false,
            keepAlive: false,
            requestID: RequestIDs.generate()
        )
        let answer = ClientResponse(
            .gatewayError(error),
            to: request,
            settings: self.settings,
            allocator: context.channel.allocator
        )
        // Recorded before the bytes go out: a client that reads the answer and then scrapes
        // /metrics finds it counted.
        self.observer.requestFinished(
            CompletedRequest(
                requestID: request.requestID,
                method: head?.method.rawValue ?? "-",
                path: head?.uri ?? "-",
                status: answer.status,
                bytes: answer.bodyLength,
                duration: startedAt.map { .now() - $0 } ?? .zero,
                client: self.clientAddress.isEmpty ? self.peerAddress : self.clientAddress,
                trace: ResponseTrace(route: "rejected", workerPID: nil, queueWait: .zero, workerTime: .zero)
            ),
            on: context.eventLoop
        )
        self.send(answer, context: context)
    }

    /// The decoder rejected the bytes: 431 when the request line and headers are too large,
    /// 400 for anything else, then close.
    private func answerMalformed(_ error: HTTPParserError, context: ChannelHandlerContext) {
        let gatewayError: GatewayError =
            switch error {
            case .headerOverflow: .headersTooLarge
            // RFC 9110 §9.1: a method the server does not recognize is 501, not a malformed request.
            case .invalidMethod: .methodNotImplemented
            default: .malformedRequest
            }
        self.reject(gatewayError, head: nil, startedAt: nil, context: context)
    }

    private func deadlinePassed(_ expiry: ConnectionDeadlines.Expiry, context: ChannelHandlerContext) {
        switch (expiry, self.state) {
        case (.requestTimeout, .receiving(let head, _, let startedAt)),
            (.requestTimeout, .discarding(let head, _, let startedAt)):
            self.reject(.requestTimeout, head: head, startedAt: startedAt, context: context)
        case (.requestTimeout, .idle):
            // No head was decoded: answer if some of it came, else just close.
            if self.deadlines.headStarted {
                self.reject(.requestTimeout, head: nil, startedAt: nil, context: context)
            } else {
                self.state = .closing
                context.close(promise: nil)
            }
        case (.closeQuietly, _), (.requestTimeout, .closing), (.requestTimeout, .waitingForResponse):
            self.state = .closing
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if self.inputFailed {
            return  // the decoder reports every later read as an error too
        }
        guard let parserError = error as? HTTPParserError else {
            self.observer.logger.debug("connection error", metadata: ["error": .string("\(error)")])
            self.state = .closing
            context.close(promise: nil)
            return
        }
        self.inputFailed = true
        switch self.state {
        case .waitingForResponse:
            self.queued.append(.malformed(parserError))  // answered after the answers ahead of it
        case .idle where !self.queued.isEmpty:
            self.queued.append(.malformed(parserError))
        case .idle, .receiving, .discarding:
            self.answerMalformed(parserError, context: context)
        case .closing:
            break
        }
    }
}
