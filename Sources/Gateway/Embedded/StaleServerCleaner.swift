import Foundation
import Logging

/// Deals with what a crashed gateway leaves behind: a server still running on our cluster,
/// or lock files whose pid now belongs to an unrelated process.
struct StaleServerCleaner {
    let layout: EmbeddedPostgresLayout
    let processControl: any ProcessControl
    let inspector: ProcessInspector
    let logger: Logger

    /// How long a leftover server gets for a fast shutdown before SIGQUIT.
    var shutdownTimeout: Duration = .seconds(10)

    func clean() throws {
        // The cluster's lock first: stopping a leftover server also releases the socket lock.
        for lockFile in [layout.postmasterPidFile, layout.socketLockFile] {
            try handle(lockFile)
        }
    }

    private func handle(_ lockFile: String) throws {
        guard let contents = try? String(contentsOfFile: lockFile, encoding: .utf8) else { return }
        let decision = PostmasterPidFile.decide(contents: contents, clusterDirectory: layout.clusterDirectory) {
            inspector.inspect(pid: $0)
        }
        switch decision {
        case .leave:
            logger.info("found \(lockFile) from a previous run; its process is gone, PostgreSQL will replace it")
        case .remove:
            logger.warning("removing stale \(lockFile): its pid is not a PostgreSQL server for this cluster")
            if unlink(lockFile) != 0 && errno != ENOENT {
                logger.warning("cannot remove \(lockFile): \(SystemErrorText.describe(errno))")
            }
        case .shutDownServer(let pid):
            logger.warning("PostgreSQL from a previous run (pid \(pid)) still runs on this cluster; shutting it down")
            try shutDown(pid)
        }
    }

    /// SIGINT (fast shutdown), then SIGQUIT. Not our child, so we watch /proc, not waitpid.
    private func shutDown(_ pid: pid_t) throws {
        for (signal, timeout) in [(SIGINT, shutdownTimeout), (SIGQUIT, Duration.seconds(5))] {
            do {
                try processControl.sendSignal(signal, to: pid)
            } catch let error as ProcessSignalError where error.processIsGone {
                return
            }
            if waitUntilGone(pid, timeout: timeout) {
                logger.info("previous PostgreSQL (pid \(pid)) has stopped")
                return
            }
        }
        throw EmbeddedPostgresError.staleServerStillRunning(pid: pid, clusterDirectory: layout.clusterDirectory)
    }

    private func waitUntilGone(_ pid: pid_t, timeout: Duration) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while inspector.inspect(pid: pid).isRunning {
            guard clock.now < deadline else { return false }
            processControl.sleep(for: .milliseconds(20))
        }
        return true
    }
}
