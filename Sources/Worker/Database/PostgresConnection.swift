import CLibPQ

/// A blocking libpq session: one per worker process, used from one thread.
///
/// Every statement goes through a prepared-statement cache keyed by SQL text, so a
/// request's queries cost one round trip each after their first use in the process.
/// Parameters are always bound (text format), never spliced into SQL.
///
/// The session is set to UTC and `DateStyle ISO` at connect and after every reconnect;
/// `PostgresTimestamp` relies on that output format.
final class PostgresConnection {
    let connection: OpaquePointer
    /// SQL text → server-side statement name. Cleared whenever the session is replaced.
    private var statementNames: [String: String] = [:]
    private var nextStatementNumber = 1

    /// Calls to `PQprepare`, `PQexecPrepared` and `PQexec` since `resetStatistics()`.
    private(set) var roundTrips = 0
    /// Wall time spent blocked in those calls since `resetStatistics()`.
    private(set) var busyNanoseconds: UInt64 = 0
    /// Called right before every call that waits for the server (the worker sends the
    /// answers it is holding back; see `WorkerLoop`).
    var beforeRoundTrip: (() -> Void)?

    /// Connects with a libpq connection string (`key=value` pairs or a `postgresql://` URL).
    init(conninfo: String) throws {
        guard let pointer = PQconnectdb(conninfo) else {
            throw DatabaseError(kind: .connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(pointer) == CONNECTION_OK else {
            let message = Self.errorMessage(pointer)
            PQfinish(pointer)
            throw DatabaseError(kind: .connectionFailed, message: message)
        }
        connection = pointer
        try applySessionSettings()
    }

    deinit {
        PQfinish(connection)
    }

    var isConnected: Bool { PQstatus(connection) == CONNECTION_OK }

    /// True inside `BEGIN` … `COMMIT`, including a transaction aborted by an error.
    var isInTransaction: Bool {
        switch PQtransactionStatus(connection) {
        case PQTRANS_INTRANS, PQTRANS_INERROR, PQTRANS_ACTIVE:
            return true
        default:
            return false
        }
    }

    /// True when a statement failed inside the open transaction: the server now refuses
    /// everything but `ROLLBACK`, and a `COMMIT` would silently roll back.
    var isTransactionFailed: Bool { PQtransactionStatus(connection) == PQTRANS_INERROR }

    /// Runs one statement with bound parameters and returns its rows.
    func query(_ sql: String, _ parameters: [String?] = []) throws -> PostgresRows {
        try self.result(sql, parameters, binary: false).rows()
    }

    /// Runs one statement with bound parameters and returns the result itself, every column in
    /// binary format when `binary` is set (libpq asks for one format for all columns); read it
    /// with `PostgresResult.withValue` and `PostgresBinary`.
    func result(_ sql: String, _ parameters: [String?] = [], binary: Bool) throws -> PostgresResult {
        let buffer = try PostgresParameterBuffer(parameters)
        let name = try preparedStatementName(for: sql)
        let connection = self.connection
        let format: Int32 = binary ? 1 : 0
        let pointer = timed {
            buffer.withPointers { values in
                PQexecPrepared(connection, name, Int32(buffer.count), values, nil, nil, format)
            }
        }
        return try check(pointer, sql: sql)
    }

    /// Runs one statement whose rows, if any, are not needed.
    func execute(_ sql: String, _ parameters: [String?] = []) throws {
        _ = try query(sql, parameters)
    }

    /// Runs SQL that may hold several statements (migrations, `BEGIN`), with the simple
    /// query protocol and no parameters. Stops at the first failing statement.
    func executeScript(_ sql: String) throws {
        guard !sql.utf8.contains(0) else {
            throw DatabaseError(kind: .other, message: "SQL script contains a NUL byte")
        }
        let connection = self.connection
        let pointer = timed { PQexec(connection, sql) }
        _ = try check(pointer, sql: nil)
    }

    /// Replaces the session with a new one (`PQreset`) and re-applies the session settings.
    func reconnect() throws {
        beforeRoundTrip?()
        statementNames.removeAll()
        PQreset(connection)
        guard isConnected else {
            throw DatabaseError(kind: .connectionFailed, message: Self.errorMessage(connection))
        }
        try applySessionSettings()
    }

    /// Runs `SELECT 1`; if the session turns out to be dead, reconnects once and tries again.
    func ping() -> Bool {
        if isConnected, (try? executeScript("SELECT 1")) != nil {
            return true
        }
        guard !isConnected, (try? reconnect()) != nil else {
            return false
        }
        return (try? executeScript("SELECT 1")) != nil
    }

    func resetStatistics() {
        roundTrips = 0
        busyNanoseconds = 0
    }

    // MARK: - Internals

    /// `client_min_messages` hides NOTICEs such as "relation already exists, skipping",
    /// which libpq's default notice processor would print to stderr.
    private func applySessionSettings() throws {
        try executeScript(
            "SET TIME ZONE 'UTC'; SET DateStyle TO ISO; SET client_encoding TO 'UTF8'; "
                + "SET client_min_messages TO WARNING"
        )
    }

    func preparedStatementName(for sql: String) throws -> String {
        if let name = statementNames[sql] {
            return name
        }
        guard !sql.utf8.contains(0) else {
            throw DatabaseError(kind: .other, message: "SQL contains a NUL byte")
        }
        let name = "rk\(nextStatementNumber)"
        nextStatementNumber += 1
        let connection = self.connection
        let pointer = timed { PQprepare(connection, name, sql, 0, nil) }
        _ = try check(pointer, sql: nil)
        statementNames[sql] = name
        return name
    }

    /// Takes ownership of a result and turns a failure into a thrown `DatabaseError`.
    func check(_ pointer: OpaquePointer?, sql: String?) throws -> PostgresResult {
        guard let pointer else {
            throw failure(DatabaseError(kind: .other, message: Self.errorMessage(connection)), sql: sql)
        }
        let result = PostgresResult(pointer)
        guard result.isSuccess else {
            throw failure(result.error, sql: sql)
        }
        return result
    }

    /// Reclassifies an error once the session is gone, and drops cached statements the
    /// server no longer accepts: 26000 (the name is unknown, e.g. after `DISCARD ALL`) and
    /// 0A000 ("cached plan must not change result type" after a schema change).
    private func failure(_ error: DatabaseError, sql: String?) -> DatabaseError {
        guard isConnected else {
            statementNames.removeAll()
            return DatabaseError(kind: .connectionLost, sqlState: error.sqlState, message: error.message)
        }
        if let sql, error.sqlState == "26000" || error.sqlState == "0A000" {
            statementNames[sql] = nil
        }
        return error
    }

    func timed<Result>(_ body: () -> Result) -> Result {
        beforeRoundTrip?()
        let start = ContinuousClock.now
        defer {
            let elapsed = start.duration(to: .now).components
            roundTrips += 1
            if elapsed.seconds >= 0, elapsed.attoseconds >= 0 {
                let nanoseconds = UInt64(elapsed.attoseconds / 1_000_000_000)
                busyNanoseconds &+= UInt64(elapsed.seconds) &* 1_000_000_000 &+ nanoseconds
            }
        }
        return body()
    }

    private static func errorMessage(_ connection: OpaquePointer) -> String {
        let message = PQerrorMessage(connection).map { String(cString: $0) } ?? ""
        return message.isEmpty ? "unknown libpq error" : message.trimmingLibPQWhitespace()
    }
}

/// Confined to the thread that created it: libpq connections are not safe to share.
@available(*, unavailable)
extension PostgresConnection: Sendable {}
