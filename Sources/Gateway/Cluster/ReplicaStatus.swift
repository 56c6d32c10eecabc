/// The read replica as the gateway last saw it (`ReplicaMonitor`), for readiness, /status and
/// /metrics.
struct ReplicaStatus: Sendable, Equatable {
    enum State: String, Sendable {
        /// Connected, replaying, within `--max-replica-lag`.
        case streaming
        /// Connected but further behind than `--max-replica-lag`: reads go to the primary.
        case lagging
        /// Not reachable, or not a standby (a promoted replica no longer replays).
        case down
    }

    var state: State
    /// Seconds the replica's replay is behind the primary; nil when unknown.
    var lagSeconds: Double?
    /// Why the replica is down, for /status and the log (never sent to clients).
    var problem: String?

    var isReachable: Bool {
        self.state != .down
    }
}
