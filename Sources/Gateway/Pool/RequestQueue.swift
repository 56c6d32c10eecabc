import NIOCore

/// The bounded FIFO where requests wait when every worker is busy.
///
/// Pure and I/O free so its rules are unit-tested: at most `limit` waiting, a retried
/// request goes to the front (it already waited once), FIFO otherwise.
struct RequestQueue<Element> {
    private var storage = CircularBuffer<Element>()
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    var count: Int { self.storage.count }
    var isEmpty: Bool { self.storage.isEmpty }
    var first: Element? { self.storage.first }

    /// Appends unless the queue is full; returns whether the element was accepted.
    mutating func enqueue(_ element: Element) -> Bool {
        guard self.storage.count < self.limit else { return false }
        self.storage.append(element)
        return true
    }

    /// Puts a retried request at the front, even past the limit: it was admitted before.
    mutating func requeueAtFront(_ element: Element) {
        self.storage.prepend(element)
    }

    mutating func dequeue() -> Element? {
        self.storage.popFirst()
    }

    /// Empties the queue, returning what was waiting.
    mutating func removeAll() -> [Element] {
        defer { self.storage.removeAll() }
        return Array(self.storage)
    }
}
