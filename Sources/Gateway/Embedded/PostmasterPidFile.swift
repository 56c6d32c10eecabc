import Foundation

/// PostgreSQL's lock files (`postmaster.pid`, `.s.PGSQL.5432.lock`) and what to do with a
/// leftover one after a crash.
enum PostmasterPidFile {
    /// The pid on the first line, or nil when the file is empty or garbled (a crash while
    /// the server was writing it).
    static func pid(fromContents contents: String) -> pid_t? {
        guard let firstLine = contents.split(separator: "\n", omittingEmptySubsequences: false).first,
            let pid = pid_t(firstLine.trimmingCharacters(in: .whitespaces)),
            pid > 0
        else {
            return nil
        }
        return pid
    }

    /// What to do about a lock file that exists before we start the server.
    enum Decision: Equatable, Sendable {
        /// The recorded process is gone: PostgreSQL removes such a stale file itself.
        case leave
        /// A postmaster for this very cluster still runs (a previous gateway crashed without
        /// stopping it): shut it down.
        case shutDownServer(pid_t)
        /// The pid is alive but belongs to something else (pids are reused, especially in
        /// containers): PostgreSQL would refuse to start, so the file must go.
        case remove
    }

    /// Decides from the file's contents and what `/proc` says about its pid.
    static func decide(
        contents: String,
        clusterDirectory: String,
        inspect: (pid_t) -> ProcessInspection
    ) -> Decision {
        guard let pid = pid(fromContents: contents) else {
            return .remove
        }
        let process = inspect(pid)
        guard process.isRunning else {
            return .leave
        }
        guard let command = process.command, let directory = process.workingDirectory else {
            // Cannot see whose it is (another user's process): let PostgreSQL judge.
            return .leave
        }
        // The postmaster chdirs into its data directory, which identifies the cluster.
        let isPostgres = command == "postgres" || command == "postmaster"
        return isPostgres && directory == clusterDirectory ? .shutDownServer(pid) : .remove
    }
}
