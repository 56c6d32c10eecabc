import Foundation

/// What `/proc` says about a process that is not necessarily our child (e.g. a PostgreSQL
/// left running by a previous gateway).
struct ProcessInspection: Equatable, Sendable {
    /// False when the process does not exist or is a zombie.
    var isRunning: Bool
    /// `/proc/<pid>/comm`, nil if unreadable.
    var command: String?
    /// Target of `/proc/<pid>/cwd`, nil if unreadable (another user's process, when not root).
    var workingDirectory: String?
}

/// Reads process facts from `/proc` (Linux).
struct ProcessInspector: Sendable {
    /// Root of the proc file system; tests can point it at a fixture directory.
    var procRoot: String = "/proc"

    func inspect(pid: pid_t) -> ProcessInspection {
        guard pid > 0 else { return ProcessInspection(isRunning: false) }
        let base = "\(procRoot)/\(pid)"
        guard let stat = try? String(contentsOfFile: "\(base)/stat", encoding: .utf8) else {
            return ProcessInspection(isRunning: false)
        }
        let command = (try? String(contentsOfFile: "\(base)/comm", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let directory = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(base)/cwd")
        return ProcessInspection(
            isRunning: Self.state(fromStat: stat).map { $0 != "Z" && $0 != "X" } ?? true,
            command: command,
            workingDirectory: directory
        )
    }

    /// The state letter of `/proc/<pid>/stat`: the field after the parenthesised command,
    /// which may itself contain spaces and parentheses.
    static func state(fromStat stat: String) -> Character? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        return stat[stat.index(after: close)...].first { $0 != " " }
    }
}

extension ProcessInspection {
    init(isRunning: Bool) {
        self.init(isRunning: isRunning, command: nil, workingDirectory: nil)
    }
}
