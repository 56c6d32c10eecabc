import Glibc

/// What `/status` and `/metrics` say about the embedded PostgreSQL.
struct EmbeddedPostgresStatus: Sendable, Equatable {
    /// The postmaster's pid while it runs.
    var pid: pid_t?
    var running: Bool
    /// Successful restarts after an unexpected exit, since the gateway started.
    var restarts: Int = 0
    /// Exits and failed starts since the server last ran long enough to count as healthy.
    var consecutiveFailures: Int = 0
    /// How the last unexpected exit ended ("killed by signal 9 (SIGKILL)").
    var lastExit: String?
    /// Why the last restart attempt failed, first line only.
    var lastStartError: String?
}
