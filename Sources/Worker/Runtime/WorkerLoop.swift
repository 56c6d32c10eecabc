import FoundationEssentials
import Glibc
import Logging
import NIOCore
import Protocol
import RookeryCommon

/// The worker's whole life: say hello, then read frames and answer requests one at a time
/// until the gateway hangs up or asks it to drain.
final class WorkerLoop {
    private let socket: FrameSocket
    private let application: Application
    private let services: WorkerServices
    private let encoder = FrameEncoder()
    private var logger: Logger
    /// `logger` plus the current request's id. Kept from one request to the next so setting the
    /// id changes it in place, where a fresh copy per request cost three allocations.
    private var requestLogger: Logger

    /// The request being received: its id, head and the body gathered so far.
    private var pending: (id: UInt32, head: RequestHead, body: ByteBuffer)?
    /// Set when the pending request's body outgrew the limit; the rest of it is discarded.
    private var pendingTooLarge = false
    /// When expired write outcomes were last deleted (see `WriteLedger`).
    private var lastLedgerPrune = ContinuousClock.now

    init(socket: FrameSocket, application: Application, services: WorkerServices, logger: Logger) {
        self.socket = socket
        self.application = application
        self.services = services
        self.logger = logger
        self.requestLogger = logger
    }

    /// Runs until the gateway closes the socket or sends drain. Only I/O errors on the socket
    /// end it early; nothing a request contains does.
    ///
    /// Answers are queued rather than sent one by one: when the gateway has pipelined several
    /// requests, the answers of those that need no database leave together in one `send`. A
    /// queued answer never waits on anything slow: the queue is sent before every database
    /// round trip (`DatabaseSession.beforeRoundTrip`), before any request that is not
    /// GET, HEAD or OPTIONS (writes may hash a password first), past `maxQueuedBytes`, and
    /// before the socket blocks to read.
    func run() throws {
        self.services.setBeforeRoundTrip { [socket = self.socket, logger = self.logger] in
            do {
                try socket.flush()
            } catch {
                // The gateway is gone; the next read or write on the socket ends the loop.
                logger.debug("sending queued answers failed", metadata: ["error": .string("\(error)")])
            }
        }
        defer { self.services.setBeforeRoundTrip(nil) }
        var hello = ByteBuffer()
        self.encoder.writeHello(
            WorkerHello(
                pid: getpid(),
                software: "rookery-worker \(RookeryVersion.string)",
                routeCosts: self.application.routeCosts
            ),
            into: &hello
        )
        try self.socket.write(hello)

        while let frame = try self.socket.nextFrame() {
            switch frame.message {
            case .requestHead(let head):
                self.pending = (frame.requestID, head, ByteBuffer())
                self.pendingTooLarge = false
            case .requestBody(var chunk):
                guard var request = self.pending, request.id == frame.requestID else {
                    try self.sendError(
                        code: 400,
                        message: "body frame without a request head",
                        requestID: frame.requestID
                    )
                    continue
                }
                self.pending = nil  // avoid a copy-on-write of the body while appending
                if request.body.readableBytes + chunk.readableBytes > self.services.configuration.maxBodySize {
                    self.pendingTooLarge = true
                } else if !self.pendingTooLarge {
                    request.body.writeBuffer(&chunk)
                }
                self.pending = request
            case .requestEnd:
                guard let request = self.pending, request.id == frame.requestID else {
                    try self.sendError(
                        code: 400,
                        message: "end frame without a request head",
                        requestID: frame.requestID
                    )
                    continue
                }
                self.pending = nil
                try self.serve(request.head, body: request.body, requestID: request.id)
                self.pruneWriteLedgerIfDue()
            case .ping(let nonce):
                if !self.services.primary.isReachable {
                    // An idle worker without a connection gets no request to reconnect on.
                    self.services.primary.warmUp()
                }
                var pong = ByteBuffer()
                self.encoder.writePong(nonce: nonce, databaseReachable: self.services.primary.isReachable, into: &pong)
                try self.socket.write(pong)
            case .drain:
                self.logger.debug("drain requested, exiting")
                try self.socket.flush()  // answers queued before the drain frame still go out
                return
            }
        }
        self.logger.debug("gateway closed the socket, exiting")
    }

    /// Queued answers are sent once they add up to this many bytes.
    static let maxQueuedBytes = 64 * 1024

    private func serve(_ head: RequestHead, body: ByteBuffer, requestID: UInt32) throws {
        if !MethodRules(head.method).mayRunBehindQueuedAnswers {
            try self.socket.flush()
        }
        let response: HTTPResponse
        if self.pendingTooLarge {
            self.pendingTooLarge = false
            response = HTTPResponse(error: APIError(status: 413, field: "body", message: "is too large"))
        } else {
            self.services.resetStatistics()
            let request = HTTPRequest(head: head, body: body)
            self.requestLogger[metadataKey: "request_id"] = .string(request.requestID)
            response = self.application.respond(to: request, logger: self.requestLogger)
        }
        var statistics = self.services.database.statistics
        statistics.route = response.route
        var headers = response.headers
        if self.services.configuration.exposeQueryCount {
            headers.append(HeaderField(name: "X-Database-Round-Trips", value: String(statistics.databaseRoundTrips)))
        }
        let head = ResponseHead(status: UInt16(clamping: response.status), headers: headers)
        self.socket.enqueue { out in
            self.encoder.writeResponseHead(head, requestID: requestID, into: &out)
            if response.body.readableBytes > 0 {
                self.encoder.writeResponseBody(response.body, requestID: requestID, into: &out)
            }
            self.encoder.writeResponseEnd(statistics, requestID: requestID, into: &out)
        }
        if self.socket.queuedBytes >= Self.maxQueuedBytes {
            try self.socket.flush()
        }
    }

    /// Runs between requests, after the answer went out, so no client waits for it.
    private func pruneWriteLedgerIfDue() {
        let now = ContinuousClock.now
        guard now - self.lastLedgerPrune >= WriteLedger.pruneInterval else { return }
        self.lastLedgerPrune = now
        self.application.pruneWriteLedger(logger: self.logger)
    }

    private func sendError(code: UInt16, message: String, requestID: UInt32) throws {
        self.logger.warning("protocol error from gateway", metadata: ["error": .string(message)])
        var out = ByteBuffer()
        self.encoder.writeError(code: code, message: message, requestID: requestID, into: &out)
        try self.socket.write(out)
    }
}

/// The version reported in hello frames and /status.
enum RookeryVersion {
    static let string = "0.1.0"
}
