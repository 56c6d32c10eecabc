import NIOConcurrencyHelpers

/// What the gateway knows about its own health beyond the pool: whether it drains, and the
/// replica's last observed state. Shared by both listeners and the signal handler.
final class GatewayHealth: Sendable {
    private let draining = NIOLockedValueBox(false)
    private let replica = NIOLockedValueBox<ReplicaStatus?>(nil)

    /// From now on readiness answers 503, while the listener still accepts and serves.
    func startDraining() {
        self.draining.withLockedValue { $0 = true }
    }

    var isDraining: Bool {
        self.draining.withLockedValue { $0 }
    }

    /// The replica's state; nil when no replica is configured.
    var replicaStatus: ReplicaStatus? {
        get { self.replica.withLockedValue { $0 } }
        set { self.replica.withLockedValue { $0 = newValue } }
    }

    func readiness(_ snapshot: PoolSnapshot) -> Readiness {
        Readiness.evaluate(snapshot, draining: self.isDraining, replicaReachable: self.replicaStatus?.isReachable)
    }
}
