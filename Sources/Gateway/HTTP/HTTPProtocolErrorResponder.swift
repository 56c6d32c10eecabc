import NIOCore
import NIOHTTP1

/// Answers malformed HTTP before the connection closes, like NIO's
/// `HTTPServerProtocolErrorHandler`, but with the right status and a JSON body: 431 when the
/// request line and headers are too large, 400 for anything else the parser rejects.
final class HTTPProtocolErrorResponder: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private var hasUnterminatedResponse = false
    private let corsOrigin: String

    init(corsOrigin: String) {
        self.corsOrigin = corsOrigin
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        // The decoder closes the channel right after this returns; a response can only be
        // sent if none has started.
        if !self.hasUnterminatedResponse {
            let (status, field, message) = Self.describe(parserError)
            let body = context.channel.allocator.buffer(string: GatewayErrorBody.json(field: field, message: message))
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            headers.add(name: "Content-Length", value: String(body.readableBytes))
            headers.add(name: "Connection", value: "close")
            headers.add(name: "Access-Control-Allow-Origin", value: self.corsOrigin)
            headers.add(name: "X-Content-Type-Options", value: "nosniff")
            headers.add(name: "X-Request-Id", value: RequestIDs.generate())
            let head = HTTPResponseHead(version: .http1_1, status: status, headers: headers)
            context.write(self.wrapOutboundOut(.head(head)), promise: nil)
            context.write(self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
        }
        context.fireErrorCaught(error)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch self.unwrapOutboundIn(data) {
        case .head(let head) where head.status.code < 200:
            break  // 100 Continue does not start the final response
        case .head:
            self.hasUnterminatedResponse = true
        case .body:
            break
        case .end:
            self.hasUnterminatedResponse = false
        }
        context.write(data, promise: promise)
    }

    static func describe(_ error: HTTPParserError) -> (HTTPResponseStatus, String, String) {
        switch error {
        case .headerOverflow:
            return (.requestHeaderFieldsTooLarge, "headers", "are too large")
        default:
            return (.badRequest, "request", "is not valid HTTP/1.1")
        }
    }
}
