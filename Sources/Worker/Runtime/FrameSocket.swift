import CRookerySystem
import Glibc
import NIOCore
import Protocol

/// Blocking frame I/O over the worker's inherited socket.
///
/// The worker serves one request at a time on one thread, so plain blocking `read`/`write`
/// are the simplest correct choice: no event loop, no locks.
///
/// Output can be queued (`enqueue`) and sent later in one `send` (`flush`); the socket flushes
/// by itself before it blocks to read, so queued bytes never wait for the gateway.
final class FrameSocket {
    private let descriptor: Int32
    private var decoder = FrameDecoder<GatewayMessage>()
    private var inbound = ByteBufferAllocator().buffer(capacity: 64 * 1024)
    /// Fewest bytes of free space one `read` gets (it gets all the buffer has).
    private static let minimumReadSize = 4096
    private var outbound = ByteBufferAllocator().buffer(capacity: 16 * 1024)

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// The next frame, or nil at a clean end of stream (the gateway is gone).
    func nextFrame() throws -> Frame<GatewayMessage>? {
        while true {
            if let frame = try self.decoder.decodeFrame(buffer: &self.inbound) {
                return frame
            }
            // Reclaim consumed bytes so the buffer stays the size of one frame, not of history.
            if self.inbound.readableBytes == 0 {
                self.inbound.clear()
            } else if self.inbound.readerIndex > 64 * 1024 {
                self.inbound.discardReadBytes()
            }
            try self.flush()  // about to sleep in read: nothing queued may wait for that
            // Straight into the buffer's free space (usually all of it, as it was just cleared):
            // no bounce buffer, no second copy.
            var count = 0
            self.inbound.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.minimumReadSize) { raw in
                count = Glibc.read(self.descriptor, raw.baseAddress, raw.count)
                return max(count, 0)
            }
            if count > 0 {
                continue
            }
            if count == 0 {
                if self.inbound.readableBytes > 0 {
                    throw ProtocolError.truncatedFrame(bufferedBytes: self.inbound.readableBytes)
                }
                return nil
            }
            if errno == EINTR { continue }
            throw SystemError(operation: "read", errno: errno)
        }
    }

    /// Bytes queued by `enqueue` and not yet sent.
    var queuedBytes: Int { self.outbound.readableBytes }

    /// Queues `buffer` behind any queued bytes; it leaves with the next `flush` or `write`.
    func enqueue(_ buffer: ByteBuffer) {
        var buffer = buffer
        self.outbound.writeBuffer(&buffer)
    }

    /// Queues what `write` appends, written straight behind the queued bytes (no buffer of
    /// its own to allocate and copy); it leaves with the next `flush` or `write`.
    func enqueue(_ write: (inout ByteBuffer) -> Void) {
        write(&self.outbound)
    }

    /// Sends every queued byte. After a failed send the queue is dropped: the socket is
    /// broken, and a later attempt must not repeat the bytes that did go out.
    func flush() throws {
        guard self.outbound.readableBytes > 0 else { return }
        defer { self.outbound.clear() }
        while self.outbound.readableBytes > 0 {
            let written = self.outbound.withUnsafeReadableBytes { raw in
                Glibc.send(self.descriptor, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
            }
            if written > 0 {
                self.outbound.moveReaderIndex(forwardBy: written)
            } else if written < 0, errno == EINTR {
                continue
            } else {
                throw SystemError(operation: "write", errno: errno)
            }
        }
    }

    /// Writes every byte of `buffer` now, after anything queued.
    func write(_ buffer: ByteBuffer) throws {
        self.enqueue(buffer)
        try self.flush()
    }
}

/// A failed system call, with the text of its errno.
struct SystemError: Error, CustomStringConvertible {
    var operation: String
    var errno: Int32

    var description: String {
        "\(self.operation): \(String(cString: strerror(self.errno)))"
    }
}
