import Foundation
import Glibc

/// A raw TCP client that sends part of a request and then stalls, for slowloris probes: it
/// never blocks on a send to a peer that has gone, and it measures when the peer closes.
final class StallingConnection {
    private let descriptor: Int32
    let openedAt = Date()

    init(port: Int) throws {
        let descriptor = try LoopbackSocket.connect(port: port)
        self.descriptor = descriptor
    }

    deinit {
        close(self.descriptor)
    }

    /// Sends `text`; false when the peer is gone (reset or closed).
    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(self.descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    /// Waits up to `timeout` seconds for the peer to close. Returns the seconds since the
    /// connection opened and every byte received before the close, or nil while still open.
    func waitForClose(timeout: TimeInterval) -> (seconds: TimeInterval, received: [UInt8])? {
        let deadline = Date().addingTimeInterval(timeout)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { return nil }
            var poller = pollfd(fd: self.descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(remaining * 1000) + 1)
            guard ready > 0 else {
                if ready < 0, errno == EINTR { continue }
                return nil
            }
            let count = buffer.withUnsafeMutableBytes { recv(self.descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received.append(contentsOf: buffer[0..<count])
            } else if count == 0 || errno == ECONNRESET || errno == EPIPE {
                return (Date().timeIntervalSince(self.openedAt), received)
            } else if errno != EINTR && errno != EAGAIN {
                return (Date().timeIntervalSince(self.openedAt), received)
            }
        }
    }

    /// Whether the peer has closed already (does not wait).
    var isClosed: Bool {
        self.waitForClose(timeout: 0.001) != nil
    }

    /// The status code of the first response line among `bytes`, if any.
    static func status(in bytes: [UInt8]) -> Int? {
        let text = String(decoding: bytes.prefix(64), as: UTF8.self)
        let parts = text.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1.") else { return nil }
        return Int(parts[1])
    }
}
