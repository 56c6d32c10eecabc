import Logging
import NIOCore
import NIOHTTP1
import Protocol
import RookeryCommon

/// One client connection, the only handler behind NIO's HTTP request decoder: gathers each
/// request completely (head and body, within limits and deadlines), hands it to the pool, and
/// writes the answer back as bytes.
///
/// Its decisions (the request in hand, pipelined parts waiting behind it, when reading
/// pauses, when to close) are `HTTPConnectionStateMachine`'s; this handler performs them.
/// A worker only ever sees complete requests, so a slow client never occupies one.
final class HTTPProxyHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let submit: (ProxiedRequest) -> Void
    private let settings: ProxySettings
    private let observer: RequestObserver
    private let deadlines: ConnectionDeadlines
    private var connection: HTTPConnectionStateMachine
    /// Queued parts are being taken up; an answer written meanwhile does not start another loop.
    private var takingUpQueue = false
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
        self.connection = HTTPConnectionStateMachine(
            maxBodySize: settings.maxBodySize,
            maxPipelined: settings.limits.maxPipelined
        )
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
        switch self.connection.partReceived(self.unwrapInboundIn(data)) {
        case .ignore, .queued:
            break
        case .handle(let part):
            self.handle(part, context: context)
        case .close:
            context.close(promise: nil)
        }
    }

    /// Reads pause only while parts wait behind the request in hand; they resume once none do.
    func read(context: ChannelHandlerContext) {
        if self.connection.readRequested() {
            context.read()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        if self.connection.quiesce() {
            context.close(promise: nil)
        }
    }

    /// One part of the request in hand (or of the next one, when idle).
    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        let action: HTTPConnectionStateMachine.RequestAction
        switch part {
        case .head(let head):
            self.deadlines.headReceived()
            self.clientAddress = ClientAddress.resolve(
                peer: self.peerAddress,
                forwardedFor: head.headers["x-forwarded-for"],
                trustedProxies: self.settings.limits.trustedProxies
            )
            let admission = RequestAdmission.check(head, client: self.clientAddress, settings: self.settings)
            action = self.connection.headArrived(head, admission: admission, now: .now())
        case .body(var chunk):
            action = self.connection.bodyArrived(&chunk)
        case .end:
            action = self.connection.endArrived()
        }
        switch action {
        case .none:
            break
        case .sendContinue(let version):
            let writer = ResponseHeadWriter(
                allocator: context.channel.allocator,
                version: version,
                status: .continue,
                capacity: 32
            )
            context.writeAndFlush(self.wrapOutboundOut(writer.finish()), promise: nil)
        case .reject(let error, let head, let startedAt):
            self.reject(error, head: head, startedAt: startedAt, context: context)
        case .forward(let head, let body):
            self.deadlines.requestComplete()
            self.forward(head, body: body, context: context)
        case .answerRefusal(let error):
            self.deadlines.requestComplete()
            let trace = ResponseTrace(route: "rejected", workerPID: nil, queueWait: .zero, workerTime: .zero)
            self.writeResponse(.gatewayError(error), trace: trace, requestID: RequestIDs.generate(), context: context)
        }
    }

    /// Takes up what was queued behind the answer just written, until the next request is
    /// with a worker (or nothing is queued, when reading resumes).
    private func takeUpQueue(context: ChannelHandlerContext) {
        guard !self.takingUpQueue else { return }  // an answer written inside the loop: it goes on
        self.takingUpQueue = true
        defer { self.takingUpQueue = false }
        while true {
            switch self.connection.nextQueued() {
            case .handle(let part):
                self.handle(part, context: context)
            case .answerMalformed(let error):
                self.answerMalformed(error, context: context)
            case .done(let resumeReading):
                if resumeReading {
                    context.read()
                }
                return
            }
        }
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
        guard let (requestHead, startedAt, keepAlive) = self.connection.answerContext(), context.channel.isActive
        else {
            return
        }
        let answer = ClientResponse(
            response,
            to: ClientResponse.Request(head: requestHead, keepAlive: keepAlive, requestID: requestID),
            settings: self.settings,
            allocator: context.channel.allocator
        )
        // Counted before the bytes leave: a client that reads its answer and then scrapes
        // /metrics must find it counted.
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
        self.send(answer, context: context)
        self.deadlines.responseSent()
        if answer.keepsConnection {
            self.takeUpQueue(context: context)
        }
    }

    /// Writes and flushes `answer`; unless it keeps the connection alive, the connection is
    /// closing from now on and closes once the bytes are out.
    private func send(_ answer: ClientResponse, context: ChannelHandlerContext) {
        // Only a closing connection waits for its bytes to leave: a kept-alive answer goes
        // without a promise, which saves a future per request.
        let done = answer.keepsConnection ? nil : context.eventLoop.makePromise(of: Void.self)
        if let largeBody = answer.largeBody {
            context.write(self.wrapOutboundOut(answer.bytes), promise: nil)
            context.writeAndFlush(self.wrapOutboundOut(largeBody), promise: done)
        } else {
            context.writeAndFlush(self.wrapOutboundOut(answer.bytes), promise: done)
        }
        self.connection.answerWritten(keepsConnection: answer.keepsConnection)
        done?.futureResult.whenComplete { _ in context.close(promise: nil) }
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
        let inProgress = self.connection.requestInProgress
        if self.connection.deadlinePassed(expiry, headStarted: self.deadlines.headStarted) {
            self.reject(.requestTimeout, head: inProgress?.head, startedAt: inProgress?.startedAt, context: context)
        } else {
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let parserError = error as? HTTPParserError
        switch self.connection.errorCaught(parserError: parserError) {
        case .ignore, .queued:
            break
        case .answerMalformed(let parserError):
            self.answerMalformed(parserError, context: context)
        case .close:
            self.observer.logger.debug("connection error", metadata: ["error": .string("\(error)")])
            context.close(promise: nil)
        }
    }
}
