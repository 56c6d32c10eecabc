/// How long the supervisor waits before restarting the embedded PostgreSQL.
///
/// The first restart after a crash runs at once: crash recovery is usually quick, and every
/// second of waiting is a second of 503s. A server that keeps failing (a full disk, a broken
/// configuration) is retried with doubling waits up to `maximum`, so it neither floods the log
/// nor burns a core; once a server has run for `stableAfter`, its next crash counts as the first.
struct EmbeddedPostgresBackoff: Sendable, Equatable {
    var initial: Duration = .milliseconds(500)
    var maximum: Duration = .seconds(30)
    var stableAfter: Duration = .seconds(60)

    /// The wait before the next start attempt, after `consecutiveFailures` exits and failed
    /// starts in a row (1 for the first crash).
    func delay(consecutiveFailures: Int) -> Duration {
        guard consecutiveFailures > 1 else { return .zero }
        var delay = initial
        for _ in 2..<consecutiveFailures {
            delay *= 2
            if delay >= maximum { return maximum }
        }
        return min(delay, maximum)
    }

    /// The failure count after the server exited, having run for `uptime`.
    func failuresAfterExit(previous: Int, uptime: Duration) -> Int {
        uptime >= stableAfter ? 1 : previous + 1
    }
}
