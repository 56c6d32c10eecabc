import Logging
import NIOCore
import NIOHTTP1
import Protocol

/// One client connection: gathers each request completely (head and body, within limits),
/// hands it to the pool, and writes the answer back.
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
        /// The body exceeded the limit; 413 was sent and the rest is ignored until the connection closes.
        case rejected
        case waitingForResponse(HTTPRequestHead, NIODeadline)
    }

    private let pool: WorkerPool
    private let settings: ProxySettings
    private let observer: RequestObserver
    private var state = State.idle
    private var peerAddress = ""
    private var maxBodySize: Int { self.settings.maxBodySize }

    init(pool: WorkerPool, settings: ProxySettings, observer: RequestObserver) {
        self.pool = pool
        self.settings = settings
        self.observer = observer
    }

    func channelActive(context: ChannelHandlerContext) {
        self.peerAddress = context.remoteAddress?.ipAddress ?? "unix"
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.receiveHead(head, context: context)
        case .body(var chunk):
            guard case .receiving(let head, var body, let startedAt) = self.state else { return }
            self.state = .idle  // keep `body` uniquely referenced while appending
            if body.readableBytes + chunk.readableBytes > self.maxBodySize {
                self.reject(
                    context: context,
                    version: head.version,
                    status: .payloadTooLarge,
                    field: "body",
                    message: "is too large"
                )
                return
            }
            body.writeBuffer(&chunk)
            self.state = .receiving(head, body, startedAt)
        case .end:
            guard case .receiving(let head, let body, let startedAt) = self.state else { return }
            self.state = .waitingForResponse(head, startedAt)
            self.forward(head, body: body, context: context)
        }
    }

    private func receiveHead(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        // The frame to the worker carries at most maxHeaderCount fields, X-Request-Id included.
        if head.headers.count + 1 > FrameLimits.default.maxHeaderCount {
            self.reject(
                context: context,
                version: head.version,
                status: .requestHeaderFieldsTooLarge,
                field: "headers",
                message: "are too many (at most \(FrameLimits.default.maxHeaderCount - 1))"
            )
            return
        }
        if let length = head.headers.first(name: "content-length").flatMap(Int.init), length > self.maxBodySize {
            self.reject(
                context: context,
                version: head.version,
                status: .payloadTooLarge,
                field: "body",
                message: "is too large"
            )
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

    private func forward(_ head: HTTPRequestHead, body: ByteBuffer, context: ChannelHandlerContext) {
        let clientID = head.headers.first(name: "x-request-id")
        let requestID = clientID.flatMap { RequestIDs.isAcceptable($0) ? $0 : nil } ?? RequestIDs.generate()
        var headers: [HeaderField] = []
        headers.reserveCapacity(head.headers.count + 1)
        for (name, value) in head.headers where !name.caseInsensitiveEquals("x-request-id") {
            headers.append(HeaderField(name: name, value: value))
        }
        headers.append(HeaderField(name: "X-Request-Id", value: requestID))
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        let request = ProxiedRequest(
            head: RequestHead(
                method: head.method.rawValue,
                target: head.uri,
                peerAddress: self.peerAddress,
                headers: headers
            ),
            body: body,
            requestID: requestID,
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
            headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            if let retryAfter = error.retryAfterSeconds {
                headers.add(name: "Retry-After", value: String(retryAfter))
            }
            body = context.channel.allocator.buffer(
                string: GatewayErrorBody.json(field: error.field, message: error.message)
            )
            // Browsers must be able to read the gateway's own errors too (503 + Retry-After).
            self.addCORSHeaders(to: &headers)
        }
        headers.replaceOrAdd(name: "X-Request-Id", value: requestID)
        let keepAlive = requestHead.isKeepAlive
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
        self.observer.requestFinished(
            CompletedRequest(
                requestID: requestID,
                method: requestHead.method.rawValue,
                path: requestHead.uri,
                status: Int(status.code),
                bytes: body.readableBytes,
                duration: .now() - startedAt,
                client: self.peerAddress,
                trace: trace
            )
        )
    }

    private func addCORSHeaders(to headers: inout HTTPHeaders) {
        headers.replaceOrAdd(name: "Access-Control-Allow-Origin", value: self.settings.corsOrigin)
        if self.settings.corsOrigin != "*" {
            headers.replaceOrAdd(name: "Vary", value: "Origin")
        }
    }

    /// An error from the gateway itself (413, 431), then close: the rest of the request is never read.
    private func reject(
        context: ChannelHandlerContext,
        version: HTTPVersion,
        status: HTTPResponseStatus,
        field: String,
        message: String
    ) {
        self.state = .rejected
        var headers = HTTPHeaders()
        let body = context.channel.allocator.buffer(string: GatewayErrorBody.json(field: field, message: message))
        headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        headers.add(name: "Connection", value: "close")
        headers.add(name: "X-Request-Id", value: RequestIDs.generate())
        self.addCORSHeaders(to: &headers)
        context.write(
            self.wrapOutboundOut(.head(HTTPResponseHead(version: version, status: status, headers: headers))),
            promise: nil
        )
        context.write(self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(self.wrapOutboundOut(.end(nil))).whenComplete { _ in
            context.close(promise: nil)
        }
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
