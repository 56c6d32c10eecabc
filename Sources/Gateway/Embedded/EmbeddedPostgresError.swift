import Glibc

/// Why the embedded PostgreSQL could not be started or stopped.
enum EmbeddedPostgresError: Error, Equatable, CustomStringConvertible {
    case binariesNotFound
    /// Only server binaries older than `PostgresVersion.minimumMajor`.
    case binariesTooOld(installed: [String])
    /// The cluster's `PG_VERSION` names a major version whose binaries are not installed.
    case binariesForClusterMissing(clusterVersion: String, installed: [String])
    /// Another gateway holds the data directory's lock.
    case dataDirectoryInUse(path: String, holderPid: pid_t?)
    case dataDirectoryNotWritable(path: String, reason: String)
    case socketPathTooLong(path: String)
    case postgresUserMissing
    case setprivMissing
    /// `initdb` failed; carries the end of its log.
    case initdbFailed(status: String, logFile: String, logTail: [String])
    case exitedDuringStartup(status: String, logFile: String, logTail: [String])
    case startupTimedOut(seconds: Int, logFile: String, logTail: [String])
    /// A server left by a previous run would not shut down.
    case staleServerStillRunning(pid: pid_t, clusterDirectory: String)

    var description: String {
        switch self {
        case .binariesNotFound:
            return "PostgreSQL server binaries not found; install PostgreSQL \(PostgresVersion.minimumMajor) or newer "
                + "(apt-get install postgresql) or set DATABASE_URL"
        case .binariesTooOld(let installed):
            return "PostgreSQL \(installed.joined(separator: ", ")) is too old: Rookery needs "
                + "\(PostgresVersion.minimumMajor) or newer (the PGDG packages at apt.postgresql.org have it), "
                + "or set DATABASE_URL"
        case .binariesForClusterMissing(let clusterVersion, let installed):
            let found = installed.isEmpty ? "none" : installed.joined(separator: ", ")
            return "the embedded cluster was created by PostgreSQL \(clusterVersion), whose server binaries are not "
                + "installed (found: \(found)); install postgresql-\(clusterVersion) again to run it, or upgrade the "
                + "cluster with pg_upgrade (docs/operations.md, \"Upgrading PostgreSQL\")"
        case .dataDirectoryInUse(let path, let holderPid):
            let holder = holderPid.map { " (pid \($0))" } ?? ""
            return "data directory \(path) is in use by another gateway\(holder); stop that one first, "
                + "or give this one another --data-dir"
        case .dataDirectoryNotWritable(let path, let reason):
            return "data directory \(path) is not writable: \(reason)"
        case .socketPathTooLong(let path):
            return "PostgreSQL socket path \(path) is longer than \(EmbeddedPostgresLayout.maximumSocketPathLength) "
                + "bytes, the limit for UNIX sockets; choose a shorter --data-dir"
        case .postgresUserMissing:
            return "running as root, but there is no 'postgres' system user to run PostgreSQL as "
                + "(PostgreSQL refuses root); create one (useradd --system postgres) or set DATABASE_URL"
        case .setprivMissing:
            return "running as root, but \(PostgresRunAs.setprivPath) (util-linux) is missing, "
                + "so PostgreSQL cannot be started as the 'postgres' user"
        case .initdbFailed(let status, let logFile, let logTail):
            return "initdb \(status)" + Self.render(logFile, logTail)
        case .exitedDuringStartup(let status, let logFile, let logTail):
            return "PostgreSQL \(status) during startup" + Self.render(logFile, logTail)
        case .startupTimedOut(let seconds, let logFile, let logTail):
            return "PostgreSQL did not accept connections within \(seconds) s" + Self.render(logFile, logTail)
        case .staleServerStillRunning(let pid, let clusterDirectory):
            return "a PostgreSQL server from a previous run (pid \(pid)) still uses \(clusterDirectory) "
                + "and did not shut down"
        }
    }

    /// The first line is the message; the log's last lines follow, indented.
    private static func render(_ logFile: String, _ logTail: [String]) -> String {
        guard !logTail.isEmpty else { return " (nothing in \(logFile))" }
        return "; last lines of \(logFile):\n" + logTail.map { "    \($0)" }.joined(separator: "\n")
    }
}
