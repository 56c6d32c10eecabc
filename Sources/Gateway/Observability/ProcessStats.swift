import Foundation

/// Resident memory and CPU time of a process, read from /proc (Linux).
struct ProcessStats: Sendable, Equatable {
    var residentBytes: Int
    var cpuSeconds: Double

    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// nil when the process is gone or /proc is unreadable.
    static func read(pid: pid_t) -> ProcessStats? {
        guard let statm = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8),
            let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        else { return nil }
        return self.parse(statm: statm, stat: stat)
    }

    /// Pure parsing of the two files: `statm`'s second field is resident pages; `stat`'s
    /// utime and stime (fields 14 and 15, counted after the parenthesised command) are ticks.
    static func parse(statm: String, stat: String) -> ProcessStats? {
        let pages = statm.split(separator: " ")
        guard pages.count > 1, let resident = Int(pages[1]) else { return nil }
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After ")" the fields start at field 3 (state); utime is field 14 → index 11.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return ProcessStats(residentBytes: resident * self.pageSize, cpuSeconds: (user + system) / self.ticksPerSecond)
    }
}
