/// What gateway and worker conclude from a request's HTTP method, decided in this one place.
///
/// - A **safe** method (GET, HEAD, OPTIONS; RFC 9110 §9.2.1) only reads: the gateway gives it
///   no write key, the worker opens no write-ledger transaction for it, and it is what "a read"
///   means wherever requests are split into reads and writes.
/// - A **retryable** request (GET, HEAD) may be sent to another worker when the first one died
///   before answering, and may wait in a busy worker's socket behind the request it runs.
///   OPTIONS is safe but not retried: a preflight is cheap to repeat for the client, and the
///   rule stays the one the pipelining tests pin.
/// - A safe method **may run behind queued answers**: the worker starts it before flushing the
///   answers it holds, because it does CPU work only until its first database round trip
///   (which flushes them anyway); any other method may first spend tens of milliseconds
///   hashing a password, so the queue goes out before it starts.
/// - A method that is not safe **needs the write ledger**: its outcome is recorded in the same
///   transaction, so a write whose worker died is answered, never run twice.
///
/// Methods are compared exactly (they are case-sensitive, RFC 9110 §9.1).
public struct MethodRules: Sendable, Hashable {
    public let method: String

    public init(_ method: String) {
        self.method = method
    }

    public var isSafe: Bool {
        self.method == "GET" || self.method == "HEAD" || self.method == "OPTIONS"
    }

    public var isRetryable: Bool {
        self.method == "GET" || self.method == "HEAD"
    }

    public var mayRunBehindQueuedAnswers: Bool {
        self.isSafe
    }

    public var needsWriteLedger: Bool {
        !self.isSafe
    }
}
