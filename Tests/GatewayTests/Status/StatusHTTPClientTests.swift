import CNIOLinux  // sockaddr_in can resolve to its copy of the header (MemberImportVisibility)
import Foundation
import Glibc
import NIOCore
import XCTest

@testable import Gateway

/// The client against real loopback sockets: a refused connection, a listener that never
/// answers (the timeout), and a one-shot server.
final class StatusHTTPClientTests: XCTestCase {
    func testRefusedConnectionIsAClearError() throws {
        let listener = try LoopbackListener()
        let port = listener.port
        listener.close()  // the port is now closed
        XCTAssertThrowsError(try StatusHTTPClient(port: port, timeoutSeconds: 2).get("/status")) { error in
            XCTAssertEqual(
                error as? StatusClientError,
                .connectFailed(address: "127.0.0.1:\(port)", code: ECONNREFUSED)
            )
            XCTAssertTrue("\(error)".contains("127.0.0.1:\(port)"), "\(error)")
            XCTAssertTrue("\(error)".contains("ADMIN_PORT"), "\(error)")
        }
    }

    func testSilentListenerTimesOut() throws {
        let listener = try LoopbackListener()  // accepts in the kernel's backlog, never answers
        defer { listener.close() }
        let start = Date()
        XCTAssertThrowsError(try StatusHTTPClient(port: listener.port, timeoutSeconds: 0.3).get("/status")) { error in
            XCTAssertEqual(error as? StatusClientError, .timedOut(address: "127.0.0.1:\(listener.port)", seconds: 0.3))
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 3)
    }

    func testReadsAResponse() throws {
        let listener = try LoopbackListener()
        defer { listener.close() }
        let server = Thread {
            listener.answerOnce(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n{\"workers\":[{}]}"
            )
        }
        server.start()
        let response = try StatusHTTPClient(port: listener.port, timeoutSeconds: 5).get("/status")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.text, #"{"workers":[{}]}"#)
        XCTAssertTrue(listener.receivedRequest.hasPrefix("GET /status HTTP/1.1\r\n"), listener.receivedRequest)
        XCTAssertTrue(listener.receivedRequest.contains("\r\nConnection: close\r\n"), listener.receivedRequest)
    }
}

/// A TCP listener on 127.0.0.1 with an ephemeral port.
private final class LoopbackListener: @unchecked Sendable {
    let descriptor: Int32
    let port: Int
    private let lock = NSLock()
    private var request = ""

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        // NIO's SocketAddress builds the sockaddr_in: touching its fields here would depend on
        // which module the compiler attributes the C type to (MemberImportVisibility).
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 0)
        let bound = address.withSockAddr { bind(descriptor, $0, socklen_t($1)) }
        guard descriptor >= 0, bound == 0, listen(descriptor, 8) == 0 else {
            throw POSIXError(.EADDRINUSE)
        }
        // A sockaddr_in's port is its bytes 2 and 3, in network order.
        var boundAddress = [UInt8](repeating: 0, count: 16)
        var length = socklen_t(boundAddress.count)
        _ = boundAddress.withUnsafeMutableBytes {
            getsockname(descriptor, $0.baseAddress?.assumingMemoryBound(to: sockaddr.self), &length)
        }
        self.descriptor = descriptor
        self.port = Int(boundAddress[2]) << 8 | Int(boundAddress[3])
    }

    var receivedRequest: String {
        self.lock.lock()
        defer { self.lock.unlock() }
        return self.request
    }

    /// Accepts one connection, reads the request head, writes `response` and closes.
    func answerOnce(_ response: String) {
        let connection = accept(self.descriptor, nil, nil)
        guard connection >= 0 else { return }
        defer { Glibc.close(connection) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !String(decoding: received, as: UTF8.self).contains("\r\n\r\n") {
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            received += buffer[0..<count]
        }
        self.lock.lock()
        self.request = String(decoding: received, as: UTF8.self)
        self.lock.unlock()
        let bytes = Array(response.utf8)
        _ = send(connection, bytes, bytes.count, Int32(MSG_NOSIGNAL))
    }

    func close() {
        Glibc.close(self.descriptor)
    }
}
