import Logging
import NIOCore
import NIOHTTP1
import Protocol

/// One client connection: gathers each request completely (head and body, within limits and
/// deadlines), hands it to the pool, and writes the answer back.
///
/// Pipelined requests are answered in order because `HTTPServerPipelineHandler` in front of
/// this handler holds the next request until the current response has ended. A worker only
/// ever sees complete requests, so a slow client never occupies one.
final class HTTPProxyHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        case receiving(HTTPRequestHead, ByteBuffer, NIODeadline)
        /// Refused before the body (rate limit): the body is skipped, then the error is sent
        /// and the connection stays usable.
        case discarding(HTTPRequestHead, GatewayError, NIODeadline)
        /// An error was sent and the connection is closing; nothing more is read.
        case rejected
        case waitingForResponse(HTTPRequestHead, NIODeadline)
    }

    private let pool: WorkerPool
    private let settings: ProxySettings
    private let observer: RequestObserver
    private let deadlines: ConnectionDeadlines
    private var state = State.idle
    private var peerAddress = ""
    private var clientAddress = ""

    init(pool: WorkerPool, settings: ProxySettings, observer: RequestObserver, deadlines: ConnectionDeadlines) {
        self.pool = pool
        self.settings = settings
        self.observer = observer
        self.deadlines = deadlines
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
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.deadlines.headReceived()
            self.receiveHead(head, context: context)
        case .body(var chunk):
            guard case .receiving(let head, var body, let startedAt) = self.state else { return }
            self.state = .idle  // keep `body` uniquely referenced while appending
            if body.readableBytes + chunk.readableBytes > self.settings.maxBodySize {
                self.reject(.bodyTooLarge, version: head.version, context: context)
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
                let trace = ResponseTrace(route: "gateway", workerPID: nil, queueWait: .zero, workerTime: .zero)
                self.writeResponse(
                    .gatewayError(error),
                    trace: trace,
                    requestID: RequestIDs.generate(),
                    context: context
                )
            case .idle, .rejected, .waitingForResponse:
                break
            }
        }
    }

    private func receiveHead(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let limits = self.settings.limits
        if head.headers.count > limits.maxHeaders {
            self.reject(.tooManyHeaders(limit: limits.maxHeaders), version: head.version, context: context)
            return
        }
        if Self.headBytes(head) > limits.maxHeaderBytes {
            self.reject(.headersTooLarge, version: head.version, context: context)
            return
        }
        if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > self.settings.maxBodySize
        {
            self.reject(.bodyTooLarge, version: head.version, context: context)
            return
        }
        self.clientAddress = ClientAddress.resolve(
            peer: self.peerAddress,
            forwardedFor: head.headers["x-forwarded-for"],
            trustedProxies: limits.trustedProxies
        )
        if let wait = self.rateLimitWait(head) {
            self.state = .discarding(head, .rateLimited(retryAfter: wait), .now())
            return
        }
        if head.headers.first(name: "expect")?.lowercased() == "100-continue" {
            // The client waits for this before sending the body; the body limit was checked above.
            context.writeAndFlush(
                self.wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))),
                promise: nil
            )
        }
        self.state = .receiving(head, context.channel.allocator.buffer(capacity: 0), .now())
    }

    /// Seconds to wait when the client is over a rate limit, else nil.
    private func rateLimitWait(_ head: HTTPRequestHead) -> Double? {
        if let limiter = self.settings.rateLimiter, let wait = limiter.check(client: self.clientAddress) {
            return wait
        }
        if head.method == .POST, let limiter = self.settings.authRateLimiter {
            let path = head.uri.split(separator: "?", maxSplits: 1).first ?? ""
            if path == "/api/users" || path == "/api/users/login" {
                return limiter.check(client: self.clientAddress)
            }
        }
        return nil
    }

    /// Request line plus header fields, as the client sent them (near enough: ": " and CRLF).
    static func headBytes(_ head: HTTPRequestHead) -> Int {
        var total = head.method.rawValue.utf8.count + head.uri.utf8.count + 11
        for (name, value) in head.headers {
            total += name.utf8.count + value.utf8.count + 4
        }
        return total
    }

    private func forward(_ head: HTTPRequestHead, body: ByteBuffer, context: ChannelHandlerContext) {
        let clientID = head.headers.first(name: "x-request-id")
        let requestID = clientID.flatMap { RequestIDs.isAcceptable($0) ? $0 : nil } ?? RequestIDs.generate()
        var headers: [HeaderField] = []
        headers.reserveCapacity(head.headers.count + 2)
        for (name, value) in head.headers
        where !name.caseInsensitiveEquals("x-request-id") && !InternalHeaders.isInternal(name) {
            headers.append(HeaderField(name: name, value: value))
        }
        headers.append(HeaderField(name: "X-Request-Id", value: requestID))
        let writeKey = ProxiedRequest.mayWrite(head.method.rawValue) ? RequestIDs.generate() : nil
        if let writeKey {
            headers.append(HeaderField(name: InternalHeaders.writeKey, value: writeKey))
        }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        let request = ProxiedRequest(
            head: RequestHead(
                method: head.method.rawValue,
                target: head.uri,
                peerAddress: self.clientAddress,
                headers: headers
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
        self.pool.submit(request)
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
        self.state = .idle
        var status: HTTPResponseStatus
        var headers = HTTPHeaders()
        var body: ByteBuffer
        switch response {
        case .worker(let head, let workerBody):
            status = HTTPResponseStatus(statusCode: Int(head.status))
            for field in head.headers where !Self.isHopByHop(field.name) {
                headers.add(name: field.name, value: field.value)
            }
            body = workerBody
        case .gatewayError(let error):
            status = HTTPResponseStatus(statusCode: error.status)
            body = self.errorHeaders(error, into: &headers, context: context)
        }
        headers.replaceOrAdd(name: "X-Request-Id", value: requestID)
        // No caching of anything answering an authenticated request, nor of the user endpoints
        // (their responses carry tokens).
        let sensitive = requestHead.headers.contains(name: "authorization") || requestHead.uri.hasPrefix("/api/user")
        self.addSecurityHeaders(to: &headers, authenticated: sensitive)
        // After CONNECT or an Upgrade request NIO's parser stops reading the connection (no
        // upgrade is configured), so it must close after this answer.
        let keepAlive =
            requestHead.isKeepAlive && requestHead.method != .CONNECT
            && !requestHead.headers.contains(name: "upgrade")
        if !keepAlive {
            headers.replaceOrAdd(name: "Connection", value: "close")
        } else if requestHead.version.minor == 0 {
            headers.replaceOrAdd(name: "Connection", value: "keep-alive")
        }
        let bodyAllowed = status.code >= 200 && status.code != 204 && status.code != 304
        if bodyAllowed {
            headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes))
        }
        context.write(
            self.wrapOutboundOut(
                .head(HTTPResponseHead(version: requestHead.version, status: status, headers: headers))
            ),
            promise: nil
        )
        if bodyAllowed, requestHead.method != .HEAD, body.readableBytes > 0 {
            context.write(self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        let done = context.writeAndFlush(self.wrapOutboundOut(.end(nil)))
        if !keepAlive {
            done.whenComplete { _ in context.close(promise: nil) }
        }
        self.deadlines.responseSent()
        self.observer.requestFinished(
            CompletedRequest(
                requestID: requestID,
                method: requestHead.method.rawValue,
                path: requestHead.uri,
                status: Int(status.code),
                bytes: body.readableBytes,
                duration: .now() - startedAt,
                client: self.clientAddress,
                trace: trace
            ),
            on: context.eventLoop
        )
    }

    /// Headers and body of an error the gateway answers itself.
    private func errorHeaders(_ error: GatewayError, into headers: inout HTTPHeaders, context: ChannelHandlerContext)
        -> ByteBuffer
    {
        headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        if let retryAfter = error.retryAfterSeconds {
            headers.add(name: "Retry-After", value: String(retryAfter))
        }
        // Browsers must be able to read the gateway's own errors too (503 + Retry-After).
        headers.replaceOrAdd(name: "Access-Control-Allow-Origin", value: self.settings.corsOrigin)
        if self.settings.corsOrigin != "*" {
            headers.replaceOrAdd(name: "Vary", value: "Origin")
        }
        return context.channel.allocator.buffer(
            string: GatewayErrorBody.json(field: error.field, message: error.message)
        )
    }

    /// On every response: no MIME sniffing, a Content-Type, and no caching of anything that
    /// answered an authenticated request.
    private func addSecurityHeaders(to headers: inout HTTPHeaders, authenticated: Bool) {
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        if !headers.contains(name: "content-type") {
            headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        }
        if authenticated {
            headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
        }
        if let hsts = self.settings.strictTransportSecurity {
            headers.replaceOrAdd(name: "Strict-Transport-Security", value: hsts)
        }
    }

    /// An error from the gateway itself (413, 431, 408), then close: the rest of the request
    /// is never read.
    private func reject(_ error: GatewayError, version: HTTPVersion, context: ChannelHandlerContext) {
        self.state = .rejected
        self.deadlines.stop()
        var headers = HTTPHeaders()
        let body = self.errorHeaders(error, into: &headers, context: context)
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        headers.add(name: "Connection", value: "close")
        headers.add(name: "X-Request-Id", value: RequestIDs.generate())
        self.addSecurityHeaders(to: &headers, authenticated: false)
        let status = HTTPResponseStatus(statusCode: error.status)
        context.write(
            self.wrapOutboundOut(.head(HTTPResponseHead(version: version, status: status, headers: headers))),
            promise: nil
        )
        context.write(self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(self.wrapOutboundOut(.end(nil))).whenComplete { _ in
            context.close(promise: nil)
        }
    }

    private func deadlinePassed(_ expiry: ConnectionDeadlines.Expiry, context: ChannelHandlerContext) {
        switch (expiry, self.state) {
        case (.requestTimeout, .receiving), (.requestTimeout, .discarding):
            // A head was decoded, so NIO's pipelining handler expects this response.
            self.reject(.requestTimeout, version: .http1_1, context: context)
        case (.requestTimeout, .idle):
            // No head was decoded: answer below the HTTP codec, or just close if nothing came.
            self.state = .rejected
            if self.deadlines.headStarted, let send = self.deadlines.sendRawAndClose {
                send(Self.rawRequestTimeout(context.channel.allocator, corsOrigin: self.settings.corsOrigin))
            } else {
                context.close(promise: nil)
            }
        case (.closeQuietly, _), (.requestTimeout, .rejected), (.requestTimeout, .waitingForResponse):
            context.close(promise: nil)
        }
    }

    /// A complete 408 response as bytes, for connections whose head never finished.
    static func rawRequestTimeout(_ allocator: ByteBufferAllocator, corsOrigin: String) -> ByteBuffer {
        let body = GatewayErrorBody.json(
            field: GatewayError.requestTimeout.field,
            message: GatewayError.requestTimeout.message
        )
        let head = [
            "HTTP/1.1 408 Request Timeout",
            "Content-Type: application/json; charset=utf-8",
            "Content-Length: \(body.utf8.count)",
            "Connection: close",
            "X-Content-Type-Options: nosniff",
            "X-Request-Id: \(RequestIDs.generate())",
            "Access-Control-Allow-Origin: \(corsOrigin)",
        ].joined(separator: "\r\n")
        return allocator.buffer(string: head + "\r\n\r\n" + body)
    }

    private static func isHopByHop(_ name: String) -> Bool {
        name.caseInsensitiveEquals("connection") || name.caseInsensitiveEquals("transfer-encoding")
            || name.caseInsensitiveEquals("keep-alive") || name.caseInsensitiveEquals("content-length")
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.observer.logger.debug("connection error", metadata: ["error": .string("\(error)")])
        context.close(promise: nil)
    }
}

/// The gateway's own error bodies, in the RealWorld format.
enum GatewayErrorBody {
    static func json(field: String, message: String) -> String {
        "{\"errors\":{\"\(field)\":[\"\(message)\"]}}"
    }
}
