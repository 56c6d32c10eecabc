import NIOCore
import NIOHTTP1
import Protocol
import RookeryCommon

/// The bytes of one answer to a client: a worker's response or the gateway's own error, with
/// the headers the gateway adds to every response (request id, security headers, framing).
///
/// Pure: everything it needs about the request comes in a `ClientResponse.Request`.
struct ClientResponse {
    /// What the answer depends on about the request it answers.
    struct Request {
        var version: HTTPVersion
        /// HEAD: same head, no body.
        var isHEAD: Bool
        /// No caching of anything answering an authenticated request, nor of the user
        /// endpoints (their responses carry tokens).
        var isSensitive: Bool
        /// False adds `Connection: close`; the caller closes after writing.
        var keepAlive: Bool
        var requestID: String

        init(version: HTTPVersion, isHEAD: Bool, isSensitive: Bool, keepAlive: Bool, requestID: String) {
            self.version = version
            self.isHEAD = isHEAD
            self.isSensitive = isSensitive
            self.keepAlive = keepAlive
            self.requestID = requestID
        }

        /// From a decoded request head: sensitive when it carries credentials. Which answers
        /// carry secrets of their own (a freshly signed token) only the worker knows: it marks
        /// them `Cache-Control: no-store` itself, so the gateway knows no API route.
        init(head: HTTPRequestHead, keepAlive: Bool, requestID: String) {
            self.init(
                version: head.version,
                isHEAD: head.method == .HEAD,
                isSensitive: head.headers.contains(name: "authorization"),
                keepAlive: keepAlive,
                requestID: requestID
            )
        }
    }

    /// Bodies up to this size are copied behind the head, so the answer is one buffer.
    static let coalescedBodyLimit = 16 * 1024

    /// The head (status line, fields, blank line), followed by the body when it is small.
    var bytes: ByteBuffer
    /// A body too large to copy behind the head, written after `bytes`.
    var largeBody: ByteBuffer?
    var status: Int
    /// False when the answer says `Connection: close`: the connection closes once it is out.
    var keepsConnection: Bool
    /// The body's length as the access log reports it (also for HEAD, which sends none).
    var bodyLength: Int

    /// Renders `response`. A worker's status outside 200...599 becomes 502 (it cannot be a
    /// final answer); worker fields that would break the framing are dropped.
    init(_ response: GatewayResponse, to request: Request, settings: ProxySettings, allocator: ByteBufferAllocator) {
        switch response {
        case .worker(let head, let body) where (200...599).contains(head.status):
            self.init(
                status: HTTPResponseStatus(statusCode: Int(head.status)),
                workerFields: head.headers,
                body: body,
                request: request,
                settings: settings,
                allocator: allocator
            )
        case .worker:
            self.init(.gatewayError(.badWorkerResponse), to: request, settings: settings, allocator: allocator)
        case .gatewayError(let error):
            var fields = [HeaderField(name: "Content-Type", value: "application/json; charset=utf-8")]
            if let retryAfter = error.retryAfterSeconds {
                fields.append(HeaderField(name: "Retry-After", value: String(retryAfter)))
            }
            self.init(
                status: HTTPResponseStatus(statusCode: error.status),
                workerFields: fields,
                body: allocator.buffer(bytes: RealWorldErrorBody.encode(field: error.field, message: error.message)),
                request: request,
                settings: settings,
                allocator: allocator
            )
        }
    }

    private init(
        status: HTTPResponseStatus,
        workerFields: [HeaderField],
        body: ByteBuffer,
        request: Request,
        settings: ProxySettings,
        allocator: ByteBufferAllocator
    ) {
        let bodyAllowed = status.code >= 200 && status.code != 204 && status.code != 304
        let sentBody = bodyAllowed && !request.isHEAD && body.readableBytes > 0 ? body : nil
        let coalesce = (sentBody?.readableBytes ?? 0) <= Self.coalescedBodyLimit
        var writer = ResponseHeadWriter(
            allocator: allocator,
            version: request.version,
            status: status,
            capacity: 384 + (coalesce ? sentBody?.readableBytes ?? 0 : 0)
        )
        var hasContentType = false
        for field in workerFields where !Self.isReplaced(field.name, request: request, settings: settings) {
            if !hasContentType, field.name.caseInsensitiveEquals("content-type") {
                hasContentType = true
            }
            writer.add(name: field.name, value: field.value)
        }
        if !hasContentType {
            writer.add(ownName: "Content-Type", value: "application/json; charset=utf-8")
        }
        // CORS is added here, in one process, to every answer: a browser front end must be able
        // to read the workers' answers and the gateway's own errors (503 + Retry-After) alike.
        writer.add(ownName: "Access-Control-Allow-Origin", value: settings.corsOrigin)
        if settings.corsOrigin != "*" {
            writer.add(ownName: "Vary", value: "Origin")
        }
        writer.add(ownName: "X-Content-Type-Options", value: "nosniff")
        if request.isSensitive {
            writer.add(ownName: "Cache-Control", value: "no-store")
        }
        if let hsts = settings.strictTransportSecurity {
            writer.add(ownName: "Strict-Transport-Security", value: hsts)
        }
        writer.add(ownName: "X-Request-Id", value: request.requestID)
        if !request.keepAlive {
            writer.add(ownName: "Connection", value: "close")
        } else if request.version.minor == 0 {
            writer.add(ownName: "Connection", value: "keep-alive")
        }
        if bodyAllowed {
            writer.addContentLength(body.readableBytes)
        }
        self.bytes = writer.finish()
        self.status = Int(status.code)
        self.keepsConnection = request.keepAlive
        self.bodyLength = body.readableBytes
        if let sentBody, coalesce {
            self.bytes.writeImmutableBuffer(sentBody)
        } else {
            self.largeBody = sentBody
        }
    }

    /// Worker fields the gateway sets itself: framing and hop-by-hop fields, and those it
    /// replaces on every response. Checked for every field of every answer, so the name's
    /// length picks the one or two names it can be before any comparison.
    static func isReplaced(_ name: String, request: Request, settings: ProxySettings) -> Bool {
        switch name.utf8.count {
        case 10:
            return name.caseInsensitiveEquals("connection") || name.caseInsensitiveEquals("keep-alive")
        case 12:
            return name.caseInsensitiveEquals("x-request-id")
        case 13:
            return request.isSensitive && name.caseInsensitiveEquals("cache-control")
        case 14:
            return name.caseInsensitiveEquals("content-length")
        case 17:
            return name.caseInsensitiveEquals("transfer-encoding")
        case 22:
            return name.caseInsensitiveEquals("x-content-type-options")
        case 25:
            return settings.strictTransportSecurity != nil && name.caseInsensitiveEquals("strict-transport-security")
        case 27:
            return name.caseInsensitiveEquals("access-control-allow-origin")
        default:
            return false
        }
    }
}
