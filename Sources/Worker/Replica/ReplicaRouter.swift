import Logging
import Protocol

/// Chooses, for each read, whether the worker's replica connection or its primary connection
/// answers it, and falls back so that no request fails because of the replica.
///
/// The replica is used only while it is a standby (`pg_is_in_recovery()`) whose replay is at most
/// `maxLag` seconds behind; a read that carries the user's last write position
/// (`InternalHeaders.readPosition`) uses it only once `pg_last_wal_replay_lsn()` has passed that
/// position (GitLab's database load balancing). The standby's state is checked at most once per
/// `checkInterval` (one round trip on the replica), plus once more when a read needs a newer
/// position than the last one seen.
///
/// Fallbacks: a read that hits a database error on the replica, or answers 401 or 404 there
/// (the row may simply not have arrived yet, e.g. a user registered through another host), runs
/// again on the primary. A read the primary cannot answer because it is unreachable runs on a
/// replica that is still a standby: degraded, possibly stale, but an answer.
final class ReplicaRouter {
    enum Target: String {
        case replica
        case primary
    }

    /// What the last check of the standby found.
    struct StandbyState: Equatable {
        var inRecovery: Bool
        var replayed: WALPosition?
        var lagSeconds: Double
    }

    let replica: DatabaseSession
    let maxLag: Double
    private let logger: Logger
    private(set) var standby: StandbyState?
    private var nextCheck: ContinuousClock.Instant?

    /// How long a standby state stays trusted before it is checked again.
    static let checkInterval: Duration = .seconds(1)
    /// How long an unreachable replica is left alone before it is tried again.
    static let retryInterval: Duration = .seconds(2)
    /// Statuses a replica may give only because it has not replayed a row yet.
    static let retriedOnPrimary: Set<Int> = [401, 404]

    static let checkSQL = """
        SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,
               CASE WHEN pg_last_wal_receive_lsn() IS NULL OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
                    THEN 0
                    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
               END::float8
        """

    init(replica: DatabaseSession, maxLag: Double, logger: Logger) {
        self.replica = replica
        self.maxLag = maxLag
        self.logger = logger
    }

    /// Where a read that must see `minimum` (nil: any recent state will do) should go.
    func target(minimum: WALPosition?) -> Target {
        let now = ContinuousClock.now
        if self.nextCheck.map({ now >= $0 }) ?? true {
            self.check(now: now)
        }
        guard let state = self.standby, Self.mayServe(state, minimum: nil, maxLag: self.maxLag) else { return .primary }
        guard let minimum, !Self.mayServe(state, minimum: minimum, maxLag: self.maxLag) else { return .replica }
        // The last check is older than the user's write: look again, once.
        self.check(now: now)
        guard let fresh = self.standby, Self.mayServe(fresh, minimum: minimum, maxLag: self.maxLag) else {
            return .primary
        }
        return .replica
    }

    /// Whether a standby in `state` may answer a read that must see `minimum`.
    static func mayServe(_ state: StandbyState, minimum: WALPosition?, maxLag: Double) -> Bool {
        guard state.inRecovery, state.lagSeconds <= maxLag else { return false }
        guard let minimum else { return true }
        guard let replayed = state.replayed else { return false }
        return replayed >= minimum
    }

    /// Whether the primary failed for want of a connection and the replica can stand in.
    var canStandInForPrimary: Bool {
        self.standby?.inRecovery == true
    }

    /// Forgets the standby state after an error on the replica, so it is checked again later.
    func replicaFailed() {
        self.standby = nil
        self.nextCheck = ContinuousClock.now + Self.retryInterval
    }

    private func check(now: ContinuousClock.Instant) {
        do {
            let rows = try self.replica.query(Self.checkSQL)
            guard let row = rows.row(at: 0) else {
                throw DatabaseError(kind: .other, message: "standby check returned no row")
            }
            let state = StandbyState(
                inRecovery: try row.bool(0),
                replayed: try row.optionalString(1).flatMap(WALPosition.init),
                lagSeconds: try row.double(2)
            )
            if state.inRecovery != self.standby?.inRecovery {
                self.logger.info(
                    state.inRecovery
                        ? "replica is a standby, serving reads" : "replica is not a standby, reads use the primary"
                )
            }
            self.standby = state
            self.nextCheck = now + Self.checkInterval
        } catch {
            if self.standby != nil || self.nextCheck == nil {
                self.logger.warning(
                    "replica unavailable, reads use the primary",
                    metadata: ["error": .string(String(describing: error))]
                )
            }
            self.standby = nil
            self.nextCheck = now + Self.retryInterval
        }
    }
}
