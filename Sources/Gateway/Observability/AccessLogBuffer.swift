import NIOCore
import RookeryCommon

/// The access-log lines of one event loop, written with one `write(2)` per loop tick instead
/// of one per request (like nginx's `access_log … buffer=`).
///
/// A line is appended when its response has been written; the first line of a tick schedules
/// a flush that runs after the loop has handled the rest of that tick's I/O, so a line
/// reaches standard error within the same tick. A large burst is written at once.
/// Touched only on its own event loop.
final class AccessLogBuffer: @unchecked Sendable {
    private let eventLoop: any EventLoop
    private var bytes: [UInt8] = []
    private var flushScheduled = false

    /// Bytes after which the buffer is written without waiting for the end of the tick.
    static let flushThreshold = 32 * 1024

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
        self.bytes.reserveCapacity(Self.flushThreshold + 1024)
    }

    /// Adds one line (with `write`) and arranges for it to be written this tick.
    func append(_ write: (inout [UInt8]) -> Void) {
        self.eventLoop.assertInEventLoop()
        write(&self.bytes)
        if self.bytes.count >= Self.flushThreshold {
            self.flush()
        } else if !self.flushScheduled {
            self.flushScheduled = true
            self.eventLoop.execute {
                self.flushScheduled = false
                self.flush()
            }
        }
    }

    private func flush() {
        guard !self.bytes.isEmpty else { return }
        self.bytes.withUnsafeBytes { StandardError.write($0) }
        self.bytes.removeAll(keepingCapacity: true)
    }
}
