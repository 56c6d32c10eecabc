import Glibc

/// The result of running a short command to completion.
struct CommandOutput: Equatable, Sendable {
    let status: ChildProcessStatus
    /// Everything the command wrote to standard output (at most `byteLimit` bytes).
    let standardOutput: String
}

extension ProcessControl {
    /// Runs a short helper command (such as `pg_config --bindir`) and captures its standard
    /// output. Returns nil if it does not finish within `timeout` (it is then killed).
    func runCapturingOutput(
        _ request: SpawnRequest,
        timeout: Duration = .seconds(10),
        byteLimit: Int = 64 * 1024
    ) throws -> CommandOutput? {
        var ends: [CInt] = [-1, -1]
        // A socket pair rather than pipe(): Swift does not import pipe2, and SOCK_CLOEXEC keeps
        // the ends out of children that other threads spawn meanwhile.
        let type = CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, type, 0, &ends) == 0 else {
            throw ProcessSpawnError(executablePath: request.executablePath, errorNumber: errno, context: "socketpair")
        }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        defer { close(readEnd) }
        var request = request
        request.fileDescriptorMappings.append(FileDescriptorMapping(source: writeEnd, target: 1))
        let pid: pid_t
        do {
            pid = try spawn(request)
            close(writeEnd)
        } catch {
            close(writeEnd)
            throw error
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        let output = Self.readAll(from: readEnd, until: deadline, byteLimit: byteLimit)
        let remaining = max(clock.now.duration(to: deadline), .zero)
        guard let status = waitForExit(pid: pid, timeout: remaining) else {
            try? sendSignal(SIGKILL, to: pid)
            _ = waitForExit(pid: pid, timeout: .seconds(1))
            return nil
        }
        return CommandOutput(status: status, standardOutput: String(decoding: output, as: UTF8.self))
    }

    /// Reads until end of file, the deadline, or the byte limit.
    private static func readAll(
        from descriptor: CInt,
        until deadline: ContinuousClock.Instant,
        byteLimit: Int
    ) -> [UInt8] {
        let clock = ContinuousClock()
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while output.count < byteLimit {
            let left = clock.now.duration(to: deadline)
            guard left > .zero else { break }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let milliseconds = CInt(clamping: left.components.seconds * 1000 + 1)
            let ready = poll(&poller, 1, milliseconds)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { break }
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            output.append(contentsOf: chunk.prefix(count))
        }
        return Array(output.prefix(byteLimit))
    }
}
