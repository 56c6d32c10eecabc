import Glibc
import Synchronization

/// Writes log bytes to standard error, one caller at a time, in both processes.
///
/// Log lines come from several threads, and the gateway's access log writes many lines at
/// once; serialising the `write(2)` calls keeps every line whole even when standard error is a
/// pipe (journald), where writes larger than `PIPE_BUF` could otherwise interleave. Workers
/// share the gateway's standard error, and one `write(2)` per line keeps their lines whole too.
public enum StandardError {
    private static let lock = Mutex(())

    /// Writes every byte, retrying short writes and `EINTR`; gives up silently on other errors
    /// (there is nowhere left to report them).
    public static func write(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        self.lock.withLock { _ in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(2, base + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0, errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }

    /// Writes `bytes` (a whole line or lines).
    public static func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { self.write($0) }
    }

    /// Writes `text` (a whole line or lines).
    public static func write(_ text: String) {
        var text = text
        text.withUTF8 { self.write(UnsafeRawBufferPointer($0)) }
    }
}
