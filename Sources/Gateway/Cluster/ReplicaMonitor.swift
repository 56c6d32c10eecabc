import CLibPQ
import Logging
import NIOCore
import NIOPosix

/// Checks the read replica once a second, off the event loops, for /readyz, /status and
/// /metrics: whether it answers as a standby, and how far its replay lags. Workers make their own
/// routing decisions on their own connections (`ReplicaRouter` in the worker); this is what the
/// operator and the load balancer see. With several hosts in the read URL it reports the first
/// that answers.
final class ReplicaMonitor: Sendable {
    private let connection: StandbyConnection
    private let maxLag: Double
    private let health: GatewayHealth
    private let metrics: ReadMetrics
    private let logger: Logger
    private let threadPool = NIOThreadPool(numberOfThreads: 1)

    init(conninfo: String, maxLag: Double, health: GatewayHealth, metrics: ReadMetrics, logger: Logger) {
        self.connection = StandbyConnection(conninfo: conninfo)
        self.maxLag = maxLag
        self.health = health
        self.metrics = metrics
        self.logger = logger
    }

    func start(on loop: any EventLoop) {
        self.threadPool.start()
        self.check(on: loop)
        loop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in self.check(on: loop) }
    }

    func stop() {
        try? self.threadPool.syncShutdownGracefully()
    }

    private func check(on loop: any EventLoop) {
        let connection = self.connection
        let maxLag = self.maxLag
        self.threadPool.runIfActive(eventLoop: loop) {
            connection.status(maxLag: maxLag)
        }.whenSuccess { status in
            let previous = self.health.replicaStatus
            self.health.replicaStatus = status
            self.metrics.record(status)
            guard previous?.state != status.state else { return }
            let metadata: Logger.Metadata = [
                "state": .string(status.state.rawValue),
                "lag_s": .string(status.lagSeconds.map { String($0) } ?? "unknown"),
                "problem": .string(status.problem ?? ""),
            ]
            if status.state == .streaming {
                self.logger.info("read replica streaming", metadata: metadata)
            } else {
                self.logger.warning("read replica not used for reads", metadata: metadata)
            }
        }
    }
}

/// The monitor's own libpq connection to the replica; used only from the monitor's one thread.
private final class StandbyConnection: @unchecked Sendable {
    private let conninfo: String
    private var connection: OpaquePointer?

    init(conninfo: String) {
        self.conninfo = conninfo
    }

    deinit {
        if let connection { PQfinish(connection) }
    }

    static let checkSQL = """
        SELECT pg_is_in_recovery(),
               CASE WHEN pg_last_wal_receive_lsn() IS NULL OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
                    THEN 0
                    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
               END::float8
        """

    func status(maxLag: Double) -> ReplicaStatus {
        guard let connection = self.connected() else {
            return ReplicaStatus(state: .down, lagSeconds: nil, problem: "not reachable")
        }
        guard let result = PQexec(connection, Self.checkSQL) else {
            return self.failed("no result")
        }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_TUPLES_OK, PQntuples(result) == 1,
            let recovery = PQgetvalue(result, 0, 0), let lagText = PQgetvalue(result, 0, 1)
        else {
            return self.failed("check query failed")
        }
        guard String(cString: recovery) == "t" else {
            return ReplicaStatus(state: .down, lagSeconds: nil, problem: "not a standby (promoted?)")
        }
        let lag = Double(String(cString: lagText)) ?? 0
        return ReplicaStatus(state: lag <= maxLag ? .streaming : .lagging, lagSeconds: lag, problem: nil)
    }

    private func connected() -> OpaquePointer? {
        if let connection = self.connection, PQstatus(connection) == CONNECTION_OK {
            return connection
        }
        if let connection = self.connection {
            PQfinish(connection)
        }
        let connection = PQconnectdb(self.conninfo)
        guard let connection, PQstatus(connection) == CONNECTION_OK else {
            if let connection { PQfinish(connection) }
            self.connection = nil
            return nil
        }
        self.connection = connection
        return connection
    }

    private func failed(_ problem: String) -> ReplicaStatus {
        if let connection = self.connection {
            PQfinish(connection)
            self.connection = nil
        }
        return ReplicaStatus(state: .down, lagSeconds: nil, problem: problem)
    }
}
