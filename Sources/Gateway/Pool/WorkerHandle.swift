import Foundation
import Glibc
import NIOCore
import Protocol

/// The dispatcher's side of one worker process: its socket and the requests it holds.
/// Its lifecycle is decided by `WorkerPoolStateMachine`; `state` mirrors it for dispatch
/// and /status, with idle and busy added.
///
/// Owned by `WorkerPool` and touched only on the pool's event loop.
final class WorkerHandle {
    /// Lifecycle of a worker as /status reports it.
    enum State: String {
        /// Spawned, has not said hello yet.
        case starting
        case idle
        case busy
        /// Asked to finish and exit (recycle, reload, shutdown); takes no new requests.
        case draining
        /// Its socket closed; waiting to be reaped.
        case exited
    }

    /// The request a busy worker is running.
    struct InFlight {
        var request: ProxiedRequest
        var frameID: UInt32
        var startedAt: NIODeadline
        var responseHead: ResponseHead?
        var responseBody: ByteBuffer
        var timeout: Scheduled<Void>?
    }

    /// Unique for the gateway's lifetime, so a late event from a dead worker is never applied
    /// to its replacement.
    let id: UInt64
    let slot: Int
    let generation: Int
    let pid: pid_t
    let spawnedAt: NIODeadline
    /// Wall-clock start time (seconds since 1970), for /status.
    let startedAtWallClock = Date().timeIntervalSince1970
    var state: State = .starting
    var channel: (any Channel)?
    var requestsServed = 0
    /// What the worker's last pong said about its own database connection.
    var databaseConnected = true
    var inFlight: InFlight?
    /// Requests written to the worker's socket behind `inFlight`, in order; none has started
    /// (the worker runs one request at a time), so they can always go back to the queue.
    var pipelined: [InFlight] = []
    /// Request frames were written to its socket this loop tick and wait for the pool's flush.
    var flushPending = false
    var idleSince: NIODeadline
    /// Its replacement is ready: no more requests pipelined behind the current one (a mirror
    /// of the supervisor's flag, which retires it once idle).
    var retireWhenIdle = false
    /// Requests after which this worker is recycled (`--max-requests` plus its jitter, drawn
    /// by the supervisor); nil: never.
    var requestLimit: Int?

    /// Whether another request may be written behind what this worker holds: only behind
    /// reads (GET, HEAD). A write can take long (scrypt on registration, a transaction that
    /// waits for a lock), and whatever sat behind it would wait too, while other workers
    /// might be free.
    var acceptsPipelinedRequests: Bool {
        guard let current = self.inFlight, current.request.isRetryable else { return false }
        return self.pipelined.allSatisfy { $0.request.isRetryable }
    }

    /// How many answers in a row, up to the latest, made no database round trip.
    private(set) var answersWithoutDatabase = 0

    /// Counts the answer's database round trips into `answersWithoutDatabase`.
    func answered(databaseRoundTrips: UInt32) {
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

    init(id: UInt64, slot: Int, generation: Int, pid: pid_t, now: NIODeadline) {
        self.id = id
        self.slot = slot
        self.generation = generation
        self.pid = pid
        self.spawnedAt = now
        self.idleSince = now
    }
}
