import Foundation

/// sd_notify(3) without libsystemd: datagrams to the socket in NOTIFY_SOCKET.
///
/// Does nothing when the gateway is not started by systemd with `Type=notify` or
/// `Type=notify-reload`. An abstract socket is written `@name` in the variable.
final class SystemdNotifier: Sendable {
    private let socketPath: String?

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let path = environment["NOTIFY_SOCKET"] ?? ""
        self.socketPath = path.isEmpty ? nil : path
    }

    var isEnabled: Bool { self.socketPath != nil }

    /// Sends newline-separated `KEY=value` assignments, e.g. `READY=1`.
    func notify(_ message: String) {
        guard let path = self.socketPath else { return }
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(path.utf8)
        if pathBytes.first == UInt8(ascii: "@") {
            pathBytes[0] = 0  // abstract namespace
        }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in pathBytes.enumerated() {
                raw[index] = byte
            }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count + (pathBytes.first == 0 ? 0 : 1))
        let bytes = Array(message.utf8)
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                sendto(descriptor, bytes, bytes.count, Int32(MSG_NOSIGNAL), socketAddress, length)
            }
        }
    }

    /// CLOCK_MONOTONIC in microseconds, as `RELOADING=1` wants it in MONOTONIC_USEC.
    static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
    }

    /// WATCHDOG_USEC when the watchdog is meant for this process, else nil.
    static func watchdogInterval(environment: [String: String] = ProcessInfo.processInfo.environment) -> UInt64? {
        guard let text = environment["WATCHDOG_USEC"], let microseconds = UInt64(text), microseconds > 0 else {
            return nil
        }
        if let pid = environment["WATCHDOG_PID"], pid != String(getpid()) {
            return nil
        }
        return microseconds
    }
}
