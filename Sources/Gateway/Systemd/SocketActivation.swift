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
        let descriptors = (0..<count).map { Self.firstDescriptor + CInt($0) }
        for descriptor in descriptors {
            // Workers must not inherit the listeners.
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        if let names, names.contains("http") || names.contains("admin") {
            for (index, descriptor) in descriptors.enumerated() where index < names.count {
                if names[index] == "http" { activation.http = descriptor }
                if names[index] == "admin" { activation.admin = descriptor }
            }
        } else {
            // Unnamed, or all named after the socket unit: by position, HTTP first, then admin.
            activation.http = descriptors.first
            activation.admin = descriptors.count > 1 ? descriptors[1] : nil
        }
        return activation
    }

    /// Variables that describe the gateway's own activation and must not reach workers.
    static let variables = [
        "LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID",
    ]
}
