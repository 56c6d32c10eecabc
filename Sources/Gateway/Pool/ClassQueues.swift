import NIOCore
import Protocol

/// The requests waiting for a worker, one bounded FIFO per cost class, so a flood of one class
/// fills only its own queue.
struct ClassQueues {
    private var queues: [RequestQueue<ProxiedRequest>]

    /// `limits[class]`: how many of that class may wait; a class not named gets `standardLimit`.
    init(standardLimit: Int, limits: [CostClass: Int] = [:]) {
        self.queues = CostClass.allCases.map { RequestQueue(limit: limits[$0] ?? standardLimit) }
    }

    /// Requests waiting, all classes.
    var count: Int { self.queues.reduce(0) { $0 + $1.count } }
    var isEmpty: Bool { self.queues.allSatisfy(\.isEmpty) }

    func count(of costClass: CostClass) -> Int { self.queues[Int(costClass.rawValue)].count }
    func limit(of costClass: CostClass) -> Int { self.queues[Int(costClass.rawValue)].limit }
    func first(of costClass: CostClass) -> ProxiedRequest? { self.queues[Int(costClass.rawValue)].first }

    /// The request that has waited longest, any class (for /status).
    var first: ProxiedRequest? {
        self.queues.compactMap(\.first).min { $0.receivedAt < $1.receivedAt }
    }

    /// Appends to its class's queue unless that is full; returns whether it was accepted.
    mutating func enqueue(_ request: ProxiedRequest) -> Bool {
        self.queues[Int(request.costClass.rawValue)].enqueue(request)
    }

    /// Puts a request back at the front of its class's queue (a retry, or one that was
    /// pipelined on a worker that is gone), even past the limit: it was admitted before.
    mutating func requeueAtFront(_ request: ProxiedRequest) {
        self.queues[Int(request.costClass.rawValue)].requeueAtFront(request)
    }

    mutating func dequeue(of costClass: CostClass) -> ProxiedRequest? {
        self.queues[Int(costClass.rawValue)].dequeue()
    }

    /// Empties every queue, returning what was waiting.
    mutating func removeAll() -> [ProxiedRequest] {
        self.queues.indices.flatMap { self.queues[$0].removeAll() }
    }
}
