import Foundation

/// Listening sockets passed by systemd (LISTEN_PID, LISTEN_FDS, LISTEN_FDNAMES), as in
/// sd_listen_fds(3): descriptors start at 3. Names `http` and `admin` pick the sockets;
/// without names the first is HTTP and the second admin.
struct SocketActivation: Sendable {
    var http: CInt?
    var admin: CInt?

    static let firstDescriptor: CInt = 3

    /// Reads the variables; returns nil when the sockets are not meant for this process.
    static func fromEnvironment(_ environment: [String: String], pid: pid_t = getpid()) throws -> SocketActivation? {
        guard let pidText = environment["LISTEN_PID"], let countText = environment["LISTEN_FDS"] else {
            return nil
        }
        guard pidText == String(pid) else { return nil }
        guard let count = Int(countText), count > 0, count <= 16 else {
            throw GatewayConfigurationError("LISTEN_FDS must be a number from 1 to 16, got \"\(countText)\"")
        }
        let names = environment["LISTEN_FDNAMES"].map {
            $0.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        }
        var activation = SocketActivation()
        for index in 0..<count {
            let descriptor = Self.firstDescriptor + CInt(index)
            // Workers must not inherit the listeners.
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            let name = names.flatMap { index < $0.count ? $0[index] : nil }
            switch name {
            case "http": activation.http = descriptor
            case "admin": activation.admin = descriptor
            default:
                // Unnamed (or named after the unit): by position, HTTP first, then admin.
                if index == 0, activation.http == nil {
                    activation.http = descriptor
                } else if index == 1, activation.admin == nil {
                    activation.admin = descriptor
                }
            }
        }
        return activation
    }

    /// Variables that describe the gateway's own activation and must not reach workers.
    static let variables = [
        "LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID",
    ]
}
