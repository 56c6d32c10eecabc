import NIOConcurrencyHelpers
import NIOCore
import Protocol

/// Read-your-writes for this host: each user's last committed write position (WAL LSN), kept
/// for `retention`, shared by every worker because the gateway keeps it.
///
/// A worker reports the position on its answer to a committed write
/// (`InternalHeaders.committedPosition`); a later read by the same user carries it
/// (`InternalHeaders.readPosition`) and a replica answers it only once replayed that far.
/// `retention` exceeds `--max-replica-lag`: once it passed, a replica either caught up or lags
/// too far to be used at all.
///
/// Bounded: past `capacity` users, entries are evicted, and the highest evicted position stays
/// as a floor for every user until it expires too, so eviction costs primary reads, never a
/// stale read.
final class WritePositions: Sendable {
    private struct Entry {
        var position: WALPosition
        var expires: NIODeadline
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var floor: Entry?
    }

    let retention: TimeAmount
    let capacity: Int
    private let state = NIOLockedValueBox(State())

    init(retention: TimeAmount, capacity: Int = 100_000) {
        self.retention = retention
        self.capacity = max(1, capacity)
    }

    func record(user: String, position: WALPosition, now: NIODeadline = .now()) {
        let expires = now + self.retention
        self.state.withLockedValue { state in
            if let existing = state.entries[user], existing.position > position {
                state.entries[user] = Entry(position: existing.position, expires: expires)
                return
            }
            if state.entries[user] == nil, state.entries.count >= self.capacity {
                Self.makeRoom(&state, now: now, keep: self.capacity - 1)
            }
            state.entries[user] = Entry(position: position, expires: expires)
        }
    }

    /// The position a read by `user` must see, or nil when any replica state will do.
    func required(user: String?, now: NIODeadline = .now()) -> WALPosition? {
        self.state.withLockedValue { state in
            var required: WALPosition?
            if let floor = state.floor {
                if floor.expires > now { required = floor.position } else { state.floor = nil }
            }
            guard let user, let entry = state.entries[user] else { return required }
            guard entry.expires > now else {
                state.entries[user] = nil
                return required
            }
            return max(entry.position, required ?? entry.position)
        }
    }

    var count: Int {
        self.state.withLockedValue { $0.entries.count }
    }

    /// Drops expired entries, then, if still over `keep`, arbitrary ones into the floor.
    private static func makeRoom(_ state: inout State, now: NIODeadline, keep: Int) {
        state.entries = state.entries.filter { $0.value.expires > now }
        while state.entries.count > keep, let (user, entry) = state.entries.first {
            state.entries[user] = nil
            let floor = state.floor
            state.floor = Entry(
                position: max(entry.position, floor?.position ?? entry.position),
                expires: max(entry.expires, floor?.expires ?? entry.expires)
            )
        }
    }
}
