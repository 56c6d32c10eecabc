import Foundation
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
    /// Round trips and time of the requests served so far that were not yet reported.
    private var baseline = (roundTrips: 0, nanoseconds: UInt64(0))

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

    /// Opens the connection now, so the first request does not pay for it. Failure is logged, not fatal.
    func warmUp() {
        do {
            _ = try self.open()
        } catch {
            self.logger.warning("database not reachable yet", metadata: ["error": .string(String(describing: error))])
        }
    }

    /// Runs one statement with bound parameters.
    func query(_ sql: String, _ parameters: [String?] = []) throws -> PostgresRows {
        try self.counted {
            let connection = try self.open()
            do {
                return try connection.query(sql, parameters)
            } catch let error as DatabaseError where error.kind == .connectionLost {
                self.drop(error)
                throw error
            }
        }
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

    /// Runs `body` in a transaction on the session's connection.
    func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try self.counted {
            let connection = try self.open()
            do {
                return try connection.transaction { try body(connection) }
            } catch let error as DatabaseError where error.kind == .connectionLost {
                self.drop(error)
                throw error
            }
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
            let connection = try PostgresConnection(conninfo: self.conninfo)
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
    }
}
