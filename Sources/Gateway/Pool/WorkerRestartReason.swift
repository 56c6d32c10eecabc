/// Why a worker was replaced: the keys of /status `restarts` and the `reason` label of
/// `worker_restarts_total`, rendered from here so they cannot drift apart.
enum WorkerRestartReason: String, CaseIterable, Hashable, Sendable {
    /// It exited by itself with code 0 while it was serving.
    case exit
    /// It died (a signal or a non-zero exit code) or broke the protocol.
    case crash
    /// A request ran past `--request-timeout`; the worker was killed.
    case timeout
    /// It served `--max-requests` (plus jitter) requests.
    case recycle
    /// A rolling reload (SIGHUP) replaced it.
    case reload

    /// An exit nobody asked for: `exit` for code 0, `crash` for anything else.
    init(unexpectedExit status: ChildProcessStatus) {
        self = status.isSuccess ? .exit : .crash
    }

    /// The label value, as metrics and /status show it.
    var label: String { self.rawValue }
}
