import Foundation
import Logging

/// The gateway's own PostgreSQL, used when no `DATABASE_URL` is given.
///
/// `start()` runs `initdb` on first use, clears what a crashed run left behind, starts
/// `postgres` on a UNIX socket in the data directory and waits until it accepts
/// connections. It does not create the `rookery` database: migrations do. The calls block
/// (seconds), so make them from a supervisor thread, not an event loop. A supervisor should
/// call `reapIfExited()` when it sees SIGCHLD and must not reap this pid itself
/// (`waitpid(-1)` would steal its status).
final class EmbeddedPostgres: @unchecked Sendable {
    /// Database and role names in the returned conninfo.
    static let databaseName = "rookery"
    static let userName = "postgres"

    let layout: EmbeddedPostgresLayout
    let logger: Logger
    let processControl: any ProcessControl
    let environment: [String: String]
    /// Guards `serverPid`; also serializes `start`/`stop` (they are not meant to overlap).
    private let lock = NSLock()
    private var serverPid: pid_t?
    /// Held from the first `start()` until `stop()`: this gateway owns the data directory.
    private var directoryLock: DataDirectoryLock?

    /// - Parameters:
    ///   - dataDirectory: absolute, or relative to the current directory.
    ///   - environment: read for `PATH` and `ROOKERY_EMBEDDED_FAST=1` (fsync off, tests only).
    init(
        dataDirectory: String,
        logger: Logger,
        processControl: any ProcessControl = SystemProcessControl(),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.layout = EmbeddedPostgresLayout(dataDirectory: dataDirectory)
        self.logger = logger
        self.processControl = processControl
        self.environment = environment
    }

    convenience init(dataDirectory: URL, logger: Logger) {
        self.init(dataDirectory: dataDirectory.path, logger: logger)
    }

    /// The running server's pid (the postmaster itself, also under `setpriv`).
    var pid: pid_t? {
        lock.withLock { serverPid }
    }

    /// The libpq conninfo workers use: `host='<socket dir>' port='5432' dbname='rookery'
    /// user='postgres'`.
    var conninfo: String {
        PostgresConnInfo.unixSocket(
            directory: layout.socketDirectory,
            database: Self.databaseName,
            user: Self.userName,
            port: EmbeddedPostgresLayout.port
        )
    }

    /// Starts the server (or returns at once if it already runs) and returns `conninfo`.
    /// The first call takes the data directory's lock; it throws `dataDirectoryInUse`,
    /// touching nothing, when another gateway owns the directory.
    func start() throws -> String {
        try lock.withLock {
            if let pid = serverPid, processControl.reap(pid: pid) == nil {
                return conninfo
            }
            serverPid = nil
            if directoryLock == nil {
                directoryLock = try DataDirectoryLock.acquire(dataDirectory: layout.dataDirectory)
            }
            serverPid = try launch()
            return conninfo
        }
    }

    /// Fast shutdown (SIGINT), then SIGQUIT, then SIGKILL, each after its own wait, then
    /// gives up the data directory. Safe to call when not running, and more than once.
    func stop(timeout: Duration = .seconds(15)) {
        lock.withLock {
            defer {
                directoryLock?.release()
                directoryLock = nil
            }
            guard let pid = serverPid else { return }
            serverPid = nil
            let stages: [(CInt, Duration)] = [(SIGINT, timeout), (SIGQUIT, .seconds(5)), (SIGKILL, .seconds(5))]
            for (signal, wait) in stages {
                do {
                    try processControl.sendSignal(signal, to: pid)
                } catch {
                    logger.debug("\(error)")
                }
                if let status = processControl.waitForExit(pid: pid, timeout: wait) {
                    logger.info("embedded PostgreSQL (pid \(pid)) stopped: \(status)")
                    return
                }
                logger.warning("embedded PostgreSQL (pid \(pid)) ignored \(SignalName.name(of: signal))")
            }
            logger.error("embedded PostgreSQL (pid \(pid)) did not exit even after SIGKILL")
        }
    }

    /// The server's exit status if it has exited (it is then forgotten); nil while it runs
    /// or when it was never started.
    func reapIfExited() -> ChildProcessStatus? {
        lock.withLock {
            guard let pid = serverPid, let status = processControl.reap(pid: pid) else { return nil }
            serverPid = nil
            logger.error("embedded PostgreSQL (pid \(pid)) \(status); see \(layout.logFile)")
            return status
        }
    }
}
