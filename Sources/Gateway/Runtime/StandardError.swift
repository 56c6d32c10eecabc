import Glibc
import NIOConcurrencyHelpers

/// Writes log bytes to standard error, one caller at a time.
///
/// Log lines come from several event-loop threads, and the access log writes many lines at
/// once; serialising the `write(2)` calls keeps every line whole even when standard error is a
/// pipe (journald), where writes larger than `PIPE_BUF` could otherwise interleave.
enum StandardError {
    private static let lock = NIOLock()

    /// Writes every byte, retrying short writes and `EINTR`; gives up silently on other errors
    /// (there is nowhere left to report them).
    static func write(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        self.lock.withLock {
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
}
