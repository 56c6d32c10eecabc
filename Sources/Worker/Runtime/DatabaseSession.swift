import FoundationEssentials
import Logging
import Protocol

/// The worker's one database connection, opened lazily and reopened after the server
/// went away.
///
/// While the server is unreachable, every request fails fast with 503 instead of hanging;
/// reconnect attempts are spaced so a down database is not hammered by every request.
final class DatabaseSession {
    private let conninfo: String
    private let logger: Logger
    private var connection: PostgresConnection?
    private var lastFailedAttempt: ContinuousClock.Instant?
    /// Database errors during the current request.
    private var errors = 0
    /// Where the current request's transaction stands (see `beginRequestTransaction()`).
    private var requestTransaction = RequestTransaction.none

    private enum RequestTransaction {
        /// Statements run on their own (autocommit).
        case none
        /// The next statement opens the request transaction.
        case pending
        /// `BEGIN` ran; `COMMIT` or `ROLLBACK` is still due.
        case open
    }

    /// Called right before anything waits for the server, including connecting.
    var beforeRoundTrip: (() -> Void)? {
        didSet { self.connection?.beforeRoundTrip = self.beforeRoundTrip }
    }

    /// Minimum spacing between two reconnect attempts.
    static let reconnectInterval: Duration = .milliseconds(250)

    init(conninfo: String, logger: Logger) {
        self.conninfo = conninfo
        self.logger = logger
    }

    /// Whether the last known state of the connection is good; cheap, does no I/O.
    var isReachable: Bool {
        self.connection?.isConnected ?? false
    }

    /// Opens the connection now, so the first request does not pay for it. Failure is logged, not
    /// fatal: once per distinct reason, since an idle worker without a connection retries on every
    /// ping from the gateway.
    func warmUp() {
        do {
            _ = try self.open()
            self.lastWarmUpFailure = nil
        } catch {
            let text = String(describing: error)
            guard text != self.lastWarmUpFailure, !text.contains("(retrying)") else { return }
            self.lastWarmUpFailure = text
            if ConnectionBudget.isRefusal(text) {
                self.logger.error(
                    "PostgreSQL refuses more connections (too many clients): this worker answers 503 until one frees up; hosts × workers × connections per worker exceed max_connections (docs/operations.md, Connection budget)",
                    metadata: ["error": .string(text)]
                )
            } else {
                self.logger.warning("database not reachable yet", metadata: ["error": .string(text)])
            }
        }
    }

    /// The last reason `warmUp()` logged, so a repeated failure is not logged again.
    private var lastWarmUpFailure: String?

    /// Runs one statement with bound parameters.
    ///
    /// Inside a request transaction (`beginRequestTransaction()`), the first statement goes out
    /// pipelined behind `BEGIN`, so the transaction costs no extra round trip. A statement that
    /// fails rolls the transaction back, and the next statement starts a new one: a handler
    /// that catches a database error keeps working on a clean transaction.
    func query(_ sql: String, _ parameters: [String?] = []) throws -> PostgresRows {
        try self.counted {
            let connection = try self.open()
            do {
                guard self.requestTransaction == .pending else {
                    return try connection.query(sql, parameters)
                }
                let results = try connection.pipeline([PipelineStatement("BEGIN"), PipelineStatement(sql, parameters)])
                self.requestTransaction = .open
                guard results.count == 2, let rows = results.last else {
                    throw DatabaseError(
                        kind: .other,
                        message: "pipeline gave \(results.count) results for 2 statements"
                    )
                }
                return rows
            } catch let error as DatabaseError {
                self.recover(from: error, on: connection)
                throw error
            }
        }
    }

    /// Runs one read with every result column in binary format and returns the result itself
    /// (`PostgresConnection.result(_:_:binary:)`), for responses rendered straight from it.
    ///
    /// Outside a request transaction only: a pending one would need `BEGIN` in the same
    /// pipeline, which copies its results into rows. Inside one this throws.
    func binaryResult(_ sql: String, _ parameters: [String?] = []) throws -> PostgresResult {
        try self.counted {
            guard self.requestTransaction == .none else {
                throw DatabaseError(kind: .other, message: "binary results are not available in a request transaction")
            }
            let connection = try self.open()
            do {
                return try connection.result(sql, parameters, binary: true)
            } catch let error as DatabaseError {
                self.recover(from: error, on: connection)
                throw error
            }
        }
    }

    /// Runs `statements` in one pipeline (one round trip); see `PostgresConnection.pipeline(_:)`.
    /// Inside a request transaction they join it, like `query`.
    func pipeline(_ statements: [PipelineStatement]) throws -> [PostgresRows] {
        try self.counted {
            let connection = try self.open()
            do {
                guard self.requestTransaction == .pending else {
                    return try connection.pipeline(statements)
                }
                let results = try connection.pipeline([PipelineStatement("BEGIN")] + statements)
                self.requestTransaction = .open
                return Array(results.dropFirst())
            } catch let error as DatabaseError {
                self.recover(from: error, on: connection)
                throw error
            }
        }
    }

    /// After a failed statement: forget a lost connection, or roll back the request
    /// transaction the failure aborted so the next statement can start a new one.
    private func recover(from error: DatabaseError, on connection: PostgresConnection) {
        if error.kind == .connectionLost {
            self.drop(error)
            return
        }
        guard self.requestTransaction != .none else { return }
        if connection.isInTransaction {
            try? connection.executeScript("ROLLBACK")
        }
        self.requestTransaction = .pending
    }

    /// Counts database errors of the current request, for the gateway's metrics.
    private func counted<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            self.errors += 1
            throw error
        }
    }

    /// Makes the statements of the current request one transaction, opened lazily by the first
    /// statement and ended by `commitRequestTransaction(storing:)` or
    /// `rollBackRequestTransaction()`.
    func beginRequestTransaction() {
        self.requestTransaction = .pending
    }

    /// Runs `final` and `COMMIT` in one round trip, ending the request transaction, and returns
    /// the rows of `after` when given (it runs after the `COMMIT` in the same round trip). Does
    /// nothing when no statement ran. On failure the transaction is rolled back.
    @discardableResult
    func commitRequestTransaction(storing final: PipelineStatement, then after: PipelineStatement? = nil) throws
        -> PostgresRows?
    {
        defer { self.requestTransaction = .none }
        guard self.requestTransaction == .open else { return nil }
        return try self.counted {
            let connection = try self.open()
            do {
                let statements = [final, PipelineStatement("COMMIT")] + (after.map { [$0] } ?? [])
                let results = try connection.pipeline(statements)
                return after == nil ? nil : results.last
            } catch let error as DatabaseError {
                if error.kind == .connectionLost {
                    self.drop(error)
                } else if connection.isInTransaction {
                    try? connection.executeScript("ROLLBACK")
                }
                throw error
            }
        }
    }

    /// Ends the request transaction, undoing its statements. A failing `ROLLBACK` is ignored:
    /// the session is then gone, and the server discards the transaction with it.
    func rollBackRequestTransaction() {
        defer { self.requestTransaction = .none }
        guard self.requestTransaction == .open, let connection = self.connection, connection.isInTransaction else {
            return
        }
        do {
            try connection.executeScript("ROLLBACK")
        } catch let error as DatabaseError where error.kind == .connectionLost {
            self.drop(error)
        } catch {
            self.logger.warning("rollback failed", metadata: ["error": .string(String(describing: error))])
        }
    }

    func resetStatistics() {
        self.errors = 0
        guard let connection = self.connection else { return }
        connection.resetStatistics()
    }

    /// Round trips and database time since the last `resetStatistics()`.
    var statistics: RequestStatistics {
        guard let connection = self.connection else {
            return RequestStatistics(databaseErrors: UInt32(clamping: self.errors))
        }
        return RequestStatistics(
            databaseRoundTrips: UInt32(clamping: connection.roundTrips),
            databaseMicroseconds: connection.busyNanoseconds / 1000,
            databaseErrors: UInt32(clamping: self.errors)
        )
    }

    func open() throws -> PostgresConnection {
        if let connection = self.connection, connection.isConnected {
            return connection
        }
        let now = ContinuousClock.now
        if let last = self.lastFailedAttempt, now - last < Self.reconnectInterval {
            throw DatabaseError(
                kind: .connectionFailed,
                sqlState: nil,
                message: "database unreachable (retrying)",
                constraint: nil
            )
        }
        do {
            self.beforeRoundTrip?()
            let connection = try PostgresConnection(conninfo: self.conninfo)
            connection.beforeRoundTrip = self.beforeRoundTrip
            self.connection = connection
            self.lastFailedAttempt = nil
            self.logger.debug("database connected")
            return connection
        } catch {
            self.connection = nil
            self.lastFailedAttempt = now
            throw error
        }
    }

    func drop(_ error: DatabaseError) {
        self.logger.warning("database connection lost", metadata: ["error": .string(error.description)])
        self.connection = nil
        if self.requestTransaction == .open {
            self.requestTransaction = .pending
        }
    }
}
