import Foundation
import NIOCore
import NIOHTTP1

/// The admin listener (127.0.0.1 only): /healthz, /readyz, /status and /metrics, answered by
/// the gateway itself so they work while every worker is busy.
final class AdminHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let pool: WorkerPool
    private let health: GatewayHealth
    private let metrics: GatewayMetrics
    private var requestHead: HTTPRequestHead?

    init(pool: WorkerPool, health: GatewayHealth = GatewayHealth(), metrics: GatewayMetrics) {
        self.pool = pool
        self.health = health
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.requestHead = head
        case .body:
            break
        case .end:
            guard let head = self.requestHead else { return }
            self.requestHead = nil
            self.route(head, context: context)
        }
    }

    private func route(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        guard head.method == .GET || head.method == .HEAD else {
            self.write(
                status: .methodNotAllowed,
                json: #"{"error":"method not allowed"}"#,
                head: head,
                context: context
            )
            return
        }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        switch path {
        case "/healthz":
            self.write(status: .ok, json: #"{"status":"ok"}"#, head: head, context: context)
        case "/readyz":
            let health = self.health
            self.pool.snapshot().hop(to: context.eventLoop).whenSuccess { snapshot in
                let (handler, context) = loopBound.value
                let readiness = health.readiness(snapshot)
                let json = AdminJSON.readiness(readiness)
                handler.write(
                    status: HTTPResponseStatus(statusCode: readiness.statusCode),
                    json: json,
                    head: head,
                    context: context
                )
            }
        case "/status":
            let health = self.health
            self.pool.snapshot().hop(to: context.eventLoop).whenSuccess { snapshot in
                let (handler, context) = loopBound.value
                let json = AdminJSON.status(snapshot, replica: health.replicaStatus)
                handler.write(status: .ok, json: json, head: head, context: context)
            }
        case "/metrics":
            let metrics = self.metrics
            self.pool.snapshot().hop(to: context.eventLoop).whenSuccess { snapshot in
                let (handler, context) = loopBound.value
                let bytes = metrics.render(snapshot)
                handler.write(
                    status: .ok,
                    body: context.channel.allocator.buffer(bytes: bytes),
                    contentType: "text/plain; version=0.0.4; charset=utf-8",
                    head: head,
                    context: context
                )
            }
        default:
            self.write(status: .notFound, json: #"{"error":"not found"}"#, head: head, context: context)
        }
    }

    private func write(status: HTTPResponseStatus, json: String, head: HTTPRequestHead, context: ChannelHandlerContext)
    {
        let body = context.channel.allocator.buffer(string: json)
        self.write(
            status: status,
            body: body,
            contentType: "application/json; charset=utf-8",
            head: head,
            context: context
        )
    }

    private func write(
        status: HTTPResponseStatus,
        body: ByteBuffer,
        contentType: String,
        head: HTTPRequestHead,
        context: ChannelHandlerContext
    ) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        headers.add(name: "Cache-Control", value: "no-store")
        if !head.isKeepAlive {
            headers.add(name: "Connection", value: "close")
        }
        context.write(
            self.wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
            promise: nil
        )
        if head.method != .HEAD {
            context.write(self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        let done = context.writeAndFlush(self.wrapOutboundOut(.end(nil)))
        if !head.isKeepAlive {
            done.whenComplete { _ in context.close(promise: nil) }
        }
    }
}
