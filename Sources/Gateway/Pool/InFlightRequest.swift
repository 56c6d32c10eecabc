import NIOCore
import Protocol

/// A request written to a worker's socket, and the answer it has sent so far.
struct InFlightRequest {
    var request: ProxiedRequest
    /// The id of its frames on the worker's socket.
    var frameID: UInt32
    /// When the worker began it; nil while it waits behind another (pipelined).
    var startedAt: NIODeadline?
    /// It gets 504 and its worker is replaced at this time; set when it starts.
    var deadline: NIODeadline?
    var responseHead: ResponseHead?
    var responseBody = ByteBuffer()
    /// Set when the request was hedged: another copy of it runs on another worker, and the
    /// first answer wins (see `WorkerPoolStateMachine+Hedging`).
    var hedgeID: UInt64?

    init(request: ProxiedRequest, frameID: UInt32) {
        self.request = request
        self.frameID = frameID
    }
}

/// The requests one worker holds: the one it runs and the ones pipelined behind it, with what
/// decides how many more it may take.
struct WorkerRequests {
    /// The request the worker is running.
    var current: InFlightRequest?
    /// Requests written to the worker's socket behind `current`, in order; none has started
    /// (the worker runs one request at a time), so they can always go back to the queue.
    var pipelined: [InFlightRequest] = []
    /// How many answers in a row, up to the latest, made no database round trip.
    private(set) var answersWithoutDatabase = 0

    var isEmpty: Bool { self.current == nil }

    /// How many requests it holds, the running one included.
    var count: Int { (self.current == nil ? 0 : 1) + self.pipelined.count }

    /// Whether another request may be written behind what this worker holds: only behind
    /// reads (GET, HEAD). A write can take long (scrypt on registration, a transaction that
    /// waits for a lock), and whatever sat behind it would wait too, while other workers
    /// might be free.
    var acceptsPipelinedRequests: Bool {
        guard let current = self.current, current.request.isRetryable else { return false }
        return self.pipelined.allSatisfy { $0.request.isRetryable }
    }

    /// Counts the answer's database round trips into `answersWithoutDatabase`.
    mutating func answered(databaseRoundTrips: UInt32) {
        if databaseRoundTrips == 0 {
            self.answersWithoutDatabase = min(self.answersWithoutDatabase + 1, Self.fastStreak)
        } else {
            self.answersWithoutDatabase = 0
        }
    }

    /// After this many answers in a row without a database round trip, a worker is serving
    /// requests that cannot wait on anything (`/json`, `OPTIONS`, static answers).
    static let fastStreak = 16

    /// How many requests this worker may hold (the one it runs included) when the configured
    /// depth is `depth`: twice as many while its recent answers needed no database. Behind
    /// such requests a deeper pipeline costs no waiting and lets the worker answer more of
    /// them per wake-up; behind database requests, requests wait for the database and are
    /// better off in the gateway's queue, where any worker that frees up can take them.
    func pipelineLimit(depth: Int) -> Int {
        guard depth > 1, self.answersWithoutDatabase >= Self.fastStreak else { return depth }
        return depth * 2
    }

    /// Takes every request it holds, the running one first.
    mutating func removeAll() -> (current: InFlightRequest?, pipelined: [InFlightRequest]) {
        defer {
            self.current = nil
            self.pipelined = []
        }
        return (self.current, self.pipelined)
    }
}
