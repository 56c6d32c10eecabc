import NIOCore
import NIOHTTP1

/// What a connection received while one of its requests was being answered, in arrival
/// order, and how many requests that is.
struct PipelinedParts {
    enum Entry {
        case part(HTTPServerRequestPart)
        /// The decoder gave up on the bytes after the parts before it: answered 400/431 in turn.
        case malformed(HTTPParserError)
    }

    private var entries = CircularBuffer<Entry>(initialCapacity: 4)
    /// Request heads waiting, so requests ahead of their answers.
    private(set) var requests = 0

    var isEmpty: Bool { self.entries.isEmpty }

    mutating func append(_ entry: Entry) {
        if case .part(.head) = entry {
            self.requests += 1
        }
        self.entries.append(entry)
    }

    mutating func popFirst() -> Entry? {
        let entry = self.entries.popFirst()
        if case .part(.head) = entry {
            self.requests -= 1
        }
        return entry
    }

    mutating func removeAll() {
        self.entries.removeAll()
        self.requests = 0
    }
}
