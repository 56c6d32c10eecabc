import Foundation

/// Keeps `postgres.log` bounded: above `maximumBytes` its contents move to `postgres.log.1`
/// (replacing the previous one) and the file is emptied in place.
///
/// PostgreSQL writes its standard error to the file through a descriptor opened with
/// `O_APPEND` when it started, so the file cannot be renamed away: it is copied and truncated
/// (logrotate's `copytruncate`), and the server's next line lands at the start of the emptied
/// file. Lines written between the copy and the truncation are lost, a window of microseconds.
/// At most twice `maximumBytes` stay on disk.
struct PostgresLogRotation: Sendable {
    let path: String
    var maximumBytes: Int = 64 << 20

    var rotatedPath: String { "\(path).1" }

    /// Rotates when the file is over the limit; returns whether it did.
    @discardableResult
    func rotateIfNeeded() -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, Int(info.st_size) > maximumBytes else { return false }
        let source = open(path, O_RDONLY | O_CLOEXEC)
        guard source >= 0 else { return false }
        defer { close(source) }
        let destination = open(rotatedPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard destination >= 0 else { return false }
        defer { close(destination) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            guard Self.writeAll(destination, buffer, count: count) else { return false }
        }
        return truncate(path, 0) == 0
    }

    private static func writeAll(_ descriptor: CInt, _ buffer: [UInt8], count: Int) -> Bool {
        var written = 0
        while written < count {
            let result = buffer.withUnsafeBytes { bytes -> Int in
                guard let base = bytes.baseAddress else { return -1 }
                return write(descriptor, base + written, count - written)
            }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else { return false }
            written += result
        }
        return true
    }
}
