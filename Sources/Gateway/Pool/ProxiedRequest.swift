import Foundation
import NIOCore
import Protocol
import RookeryCommon

/// A complete client request on its way to a worker, with the way back to its connection.
///
/// The pool copies it several times per request (queue, in-flight slot, pipelined list), so
/// what a request carries by reference (head, body, ids, the way back) lives in one shared
/// box: a copy costs one retain, not one per field. Setting one of those copies the box
/// first when it is shared, so the value semantics are unchanged.
struct ProxiedRequest: Sendable {
    private final class Storage: @unchecked Sendable {
        var head: RequestHead
        var body: ByteBuffer
        var requestID: String
        var writeKey: String?
        var deliver: @Sendable (GatewayResponse, ResponseTrace) -> Void

        init(
            head: RequestHead,
            body: ByteBuffer,
            requestID: String,
            writeKey: String?,
            deliver: @escaping @Sendable (GatewayResponse, ResponseTrace) -> Void
        ) {
            self.head = head
            self.body = body
            self.requestID = requestID
            self.writeKey = writeKey
            self.deliver = deliver
        }

        func copy() -> Storage {
            Storage(
                head: self.head,
                body: self.body,
                requestID: self.requestID,
                writeKey: self.writeKey,
                deliver: self.deliver
            )
        }
    }

    /// Only mutated through `uniqueStorage()`, so a shared box is never changed in place.
    private var storage: Storage

    var head: RequestHead {
        get { self.storage.head }
        set { self.uniqueStorage().head = newValue }
    }
    var body: ByteBuffer {
        get { self.storage.body }
        set { self.uniqueStorage().body = newValue }
    }
    /// The X-Request-Id the client sees, for logs.
    var requestID: String {
        get { self.storage.requestID }
        set { self.uniqueStorage().requestID = newValue }
    }
    /// The write ledger key of a request that may write (see `InternalHeaders`).
    var writeKey: String? {
        get { self.storage.writeKey }
        set { self.uniqueStorage().writeKey = newValue }
    }
    /// Set once the request became the question "what became of this write?" after its
    /// worker died (see `askForOutcome()`).
    private(set) var isAskingForOutcome = false
    /// When the gateway received the last byte of the request, for queue-wait figures.
    var receivedAt: NIODeadline
    /// When the pool handed the request to a worker (the last one, after a retry).
    var dispatchedAt: NIODeadline?
    /// How many workers have already died while running this request.
    var attempts: Int = 0
    /// What it costs a worker, from the route table the workers sent (set by the pool).
    var costClass = CostClass.standard
    /// Called exactly once, on any thread, with the outcome and where the time went.
    var deliver: @Sendable (GatewayResponse, ResponseTrace) -> Void {
        get { self.storage.deliver }
        set { self.uniqueStorage().deliver = newValue }
    }

    init(
        head: RequestHead,
        body: ByteBuffer,
        requestID: String,
        writeKey: String? = nil,
        receivedAt: NIODeadline,
        deliver: @escaping @Sendable (GatewayResponse, ResponseTrace) -> Void
    ) {
        self.storage = Storage(head: head, body: body, requestID: requestID, writeKey: writeKey, deliver: deliver)
        self.receivedAt = receivedAt
    }

    /// The box, copied first if another value shares it.
    private mutating func uniqueStorage() -> Storage {
        if !isKnownUniquelyReferenced(&self.storage) {
            self.storage = self.storage.copy()
        }
        return self.storage
    }

    /// Whether another worker may run the request when the first died before answering (see
    /// `MethodRules`).
    var isRetryable: Bool {
        MethodRules(self.head.method).isRetryable
    }

    /// Turns a write whose worker died before answering into a question for another worker:
    /// the same head with the write key swapped for `Rookery-Outcome-Of` and no body, so the
    /// write is never run twice. Returns false when the request has no write key.
    mutating func askForOutcome() -> Bool {
        guard let key = self.writeKey, !self.isAskingForOutcome else { return false }
        var head = self.head
        head.headers.removeAll { $0.name.caseInsensitiveEquals(InternalHeaders.writeKey) }
        head.headers.removeAll { $0.name.caseInsensitiveEquals("content-length") }
        head.headers.append(HeaderField(name: InternalHeaders.outcomeOf, value: key))
        self.head = head
        self.body = ByteBuffer()
        self.isAskingForOutcome = true
        return true
    }

    /// Whether a worker's answer to `askForOutcome()` says the write did not commit.
    static func reportsNotCommitted(_ head: ResponseHead) -> Bool {
        head.headers.first(named: InternalHeaders.outcome) == InternalHeaders.outcomeNotCommitted
    }

    /// Answers the request, measuring queue wait and worker time.
    func respond(_ response: GatewayResponse, workerPID: pid_t? = nil, statistics: RequestStatistics? = nil) {
        let now = NIODeadline.now()
        let dispatched = self.dispatchedAt ?? now
        let trace = ResponseTrace(
            route: statistics?.route ?? "gateway",
            workerPID: workerPID,
            queueWait: dispatched - self.receivedAt,
            workerTime: self.dispatchedAt.map { now - $0 } ?? .zero,
            statistics: statistics
        )
        self.deliver(response, trace)
    }
}

/// Where a request's time went, for the access log, the slow-request log and metrics.
struct ResponseTrace: Sendable {
    /// Route template from the worker, or `gateway` when the gateway answered by itself.
    var route: String
    var workerPID: pid_t?
    var queueWait: TimeAmount
    var workerTime: TimeAmount
    var statistics: RequestStatistics?
}

/// What the gateway sends back for a request: the worker's response, or its own error.
enum GatewayResponse: Sendable {
    case worker(ResponseHead, ByteBuffer)
    case gatewayError(GatewayError)
}

/// Errors the gateway answers by itself, without a worker.
struct GatewayError: Error, Sendable {
    var status: Int
    var field: String
    var message: String
    var retryAfterSeconds: Int?

    static let queueFull = GatewayError(
        status: 503,
        field: "server",
        message: "is busy, retry later",
        retryAfterSeconds: 1
    )
    /// Every worker the class may hold is busy and its queue is full; other classes still run.
    static func classBusy(_ costClass: CostClass) -> GatewayError {
        GatewayError(
            status: 503,
            field: "server",
            message: "is busy with \(costClass.label.replacingOccurrences(of: "_", with: " ")), retry later",
            retryAfterSeconds: 1
        )
    }

    static let shuttingDown = GatewayError(
        status: 503,
        field: "server",
        message: "is shutting down",
        retryAfterSeconds: 1
    )
    static let timeout = GatewayError(status: 504, field: "server", message: "did not answer in time")
    static let workerDied = GatewayError(status: 502, field: "worker", message: "failed while handling the request")
    static let badWorkerResponse = GatewayError(status: 502, field: "worker", message: "sent an invalid response")
    static let bodyTooLarge = GatewayError(status: 413, field: "body", message: "is too large")
    static let headersTooLarge = GatewayError(status: 431, field: "headers", message: "are too large")
    static let requestTimeout = GatewayError(status: 408, field: "request", message: "was not received in time")
    static let malformedRequest = GatewayError(status: 400, field: "request", message: "is not valid HTTP/1.1")
    static let methodNotImplemented = GatewayError(status: 501, field: "method", message: "is not implemented")

    static func tooManyHeaders(limit: Int) -> GatewayError {
        GatewayError(status: 431, field: "headers", message: "are too many (at most \(limit))")
    }

    static func rateLimited(retryAfter seconds: Double) -> GatewayError {
        GatewayError(
            status: 429,
            field: "rate",
            message: "limit exceeded, retry later",
            retryAfterSeconds: max(1, Int(seconds.rounded(.up)))
        )
    }
}
