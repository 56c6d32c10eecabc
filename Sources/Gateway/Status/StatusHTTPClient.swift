import Foundation
import Glibc

/// A tiny blocking HTTP/1.1 client for the admin listener: one `GET` on a fresh loopback TCP
/// connection, `Connection: close`, everything bounded by one deadline.
///
/// `gateway status` is a short-lived CLI, so plain sockets and poll(2) are enough; starting
/// an event loop group for one request would cost more than the request. Non-blocking
/// sockets with poll give the deadline for connect, send and receive alike.
struct StatusHTTPClient: Sendable {
    var host = "127.0.0.1"
    var port: Int
    var timeoutSeconds: Double = 5
    /// /status is a few KiB per hundred workers; anything this large is not our gateway.
    var maximumResponseSize = 16 << 20

    var address: String { "\(self.host):\(self.port)" }

    func get(_ path: String) throws(StatusClientError) -> StatusHTTPResponse {
        let deadline = Self.now() + self.timeoutSeconds
        let descriptor = try self.connect(deadline: deadline)
        defer { close(descriptor) }
        let request =
            "GET \(path) HTTP/1.1\r\nHost: \(self.address)\r\nAccept: application/json\r\n"
            + "User-Agent: gateway-status/\(GatewayVersion.string)\r\nConnection: close\r\n\r\n"
        try self.send(Array(request.utf8), on: descriptor, deadline: deadline)
        return try self.receive(on: descriptor, deadline: deadline)
    }

    private func connect(deadline: Double) throws(StatusClientError) -> Int32 {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(truncatingIfNeeded: self.port).bigEndian)
        guard inet_pton(AF_INET, self.host, &address.sin_addr) == 1 else {
            throw .connectFailed(address: self.address, code: EINVAL)
        }
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .connectFailed(address: self.address, code: errno) }
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if result != 0 {
            let code = errno
            guard code == EINPROGRESS || code == EINTR else {
                close(descriptor)
                throw .connectFailed(address: self.address, code: code)
            }
            do {
                try self.wait(for: Int16(POLLOUT), on: descriptor, deadline: deadline)
            } catch {
                close(descriptor)
                throw error
            }
            var pending: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &pending, &length)
            if pending != 0 {
                close(descriptor)
                throw .connectFailed(address: self.address, code: pending)
            }
        }
        return descriptor
    }

    private func send(_ bytes: [UInt8], on descriptor: Int32, deadline: Double) throws(StatusClientError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if written > 0 {
                offset += written
            } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                try self.wait(for: Int16(POLLOUT), on: descriptor, deadline: deadline)
            } else {
                throw .connectionFailed(address: self.address, code: written < 0 ? errno : EPIPE)
            }
        }
    }

    private func receive(on descriptor: Int32, deadline: Double) throws(StatusClientError) -> StatusHTTPResponse {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received.append(contentsOf: chunk[0..<count])
                guard received.count <= self.maximumResponseSize else {
                    throw .tooLarge(limit: self.maximumResponseSize)
                }
                if case .complete(let response) = try StatusHTTPResponse.parse(received, atEnd: false) {
                    return response
                }
            } else if count == 0 {
                switch try StatusHTTPResponse.parse(received, atEnd: true) {
                case .complete(let response):
                    return response
                case .incomplete:
                    throw .malformed(
                        received.isEmpty ? "connection closed without a response" : "connection closed mid-response"
                    )
                }
            } else if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                try self.wait(for: Int16(POLLIN), on: descriptor, deadline: deadline)
            } else {
                throw .connectionFailed(address: self.address, code: errno)
            }
        }
    }

    /// poll(2) until the socket is ready or the deadline passes.
    private func wait(for events: Int16, on descriptor: Int32, deadline: Double) throws(StatusClientError) {
        while true {
            let remaining = deadline - Self.now()
            guard remaining > 0 else { throw .timedOut(address: self.address, seconds: self.timeoutSeconds) }
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&entry, 1, Int32(min(remaining * 1000, Double(Int32.max)).rounded(.up)))
            if ready > 0 { return }
            if ready < 0 && errno != EINTR { throw .connectionFailed(address: self.address, code: errno) }
        }
    }

    /// Monotonic seconds, so a clock change cannot stretch or cut the timeout.
    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
