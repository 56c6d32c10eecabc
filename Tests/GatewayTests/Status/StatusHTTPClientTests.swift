import CNIOLinux  // sockaddr_in can resolve to its copy of the header (MemberImportVisibility)
import Foundation
import Glibc
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
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard descriptor >= 0, bound == 0, listen(descriptor, 8) == 0 else {
            throw POSIXError(.EADDRINUSE)
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.descriptor = descriptor
        self.port = Int(UInt16(bigEndian: address.sin_port))
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
