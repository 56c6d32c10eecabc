import Glibc
import NIOCore
import Protocol
import XCTest

@testable import Worker

/// The worker's socket over a real socketpair: queued answers stay queued until a flush, and
/// go out by themselves before the socket blocks to read.
final class FrameSocketTests: XCTestCase {
    private var descriptors: [Int32] = [-1, -1]

    override func setUpWithError() throws {
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &self.descriptors), 0)
    }

    override func tearDown() {
        for descriptor in self.descriptors where descriptor >= 0 {
            close(descriptor)
        }
    }

    /// Bytes waiting on the gateway's end, without blocking.
    private func pendingOnGatewaySide() -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 4096)
        let count = bytes.withUnsafeMutableBytes {
            recv(self.descriptors[1], $0.baseAddress, $0.count, Int32(MSG_DONTWAIT))
        }
        return count > 0 ? Array(bytes[0..<count]) : []
    }

    private func requestFrames(id: UInt32) -> ByteBuffer {
        var buffer = ByteBuffer()
        let encoder = FrameEncoder()
        encoder.writeRequestHead(
            RequestHead(method: "GET", target: "/json", peerAddress: "127.0.0.1", headers: []),
            requestID: id,
            into: &buffer
        )
        encoder.writeRequestEnd(requestID: id, into: &buffer)
        return buffer
    }

    private func sendFromGateway(_ buffer: ByteBuffer) {
        let sent = buffer.withUnsafeReadableBytes { send(self.descriptors[1], $0.baseAddress, $0.count, 0) }
        XCTAssertEqual(sent, buffer.readableBytes)
    }

    func testQueuedBytesWaitForAFlush() throws {
        let socket = FrameSocket(descriptor: self.descriptors[0])
        socket.enqueue(ByteBuffer(string: "first,"))
        socket.enqueue(ByteBuffer(string: "second"))
        XCTAssertEqual(socket.queuedBytes, 12)
        XCTAssertEqual(self.pendingOnGatewaySide(), [], "nothing leaves before the flush")
        try socket.flush()
        XCTAssertEqual(socket.queuedBytes, 0)
        XCTAssertEqual(String(decoding: self.pendingOnGatewaySide(), as: UTF8.self), "first,second")
    }

    func testWriteSendsQueuedBytesFirst() throws {
        let socket = FrameSocket(descriptor: self.descriptors[0])
        socket.enqueue(ByteBuffer(string: "answer;"))
        try socket.write(ByteBuffer(string: "pong"))
        XCTAssertEqual(String(decoding: self.pendingOnGatewaySide(), as: UTF8.self), "answer;pong")
    }

    func testBufferedFramesAreReadWithoutFlushingButABlockingReadFlushesFirst() throws {
        let socket = FrameSocket(descriptor: self.descriptors[0])
        // Two pipelined requests arrive in one read.
        var two = self.requestFrames(id: 1)
        var second = self.requestFrames(id: 2)
        two.writeBuffer(&second)
        self.sendFromGateway(two)
        XCTAssertEqual(try socket.nextFrame()?.requestID, 1)  // head 1 (reads both requests)
        XCTAssertEqual(try socket.nextFrame()?.requestID, 1)  // end 1
        socket.enqueue(ByteBuffer(string: "answer-1"))
        XCTAssertEqual(try socket.nextFrame()?.requestID, 2, "already buffered: no read, no flush")
        XCTAssertEqual(try socket.nextFrame()?.requestID, 2)
        XCTAssertEqual(self.pendingOnGatewaySide(), [], "answer 1 waits behind request 2")
        socket.enqueue(ByteBuffer(string: "answer-2"))

        // Nothing buffered now: the next call must send both answers before it blocks.
        let gateway = self.descriptors[1]
        let third = self.requestFrames(id: 3)
        let received = DispatchSemaphore(value: 0)
        let answers = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 64)
        defer { answers.deallocate() }
        nonisolated(unsafe) let unsafeAnswers = answers
        nonisolated(unsafe) var count = 0
        let thread = Thread {
            // Blocks until the worker side flushes, then lets it continue.
            while count < 16 {
                let got = recv(gateway, unsafeAnswers.baseAddress! + count, 64 - count, 0)
                guard got > 0 else { break }
                count += got
            }
            let sent = third.withUnsafeReadableBytes { send(gateway, $0.baseAddress, $0.count, 0) }
            precondition(sent == third.readableBytes)
            received.signal()
        }
        thread.start()
        XCTAssertEqual(try socket.nextFrame()?.requestID, 3)
        XCTAssertEqual(received.wait(timeout: .now() + 5), .success)
        XCTAssertEqual(
            String(decoding: UnsafeBufferPointer(rebasing: answers[0..<count]), as: UTF8.self),
            "answer-1answer-2"
        )
    }
}
