import Foundation
import Glibc

/// A parsed HTTP response as the tests see it.
struct TestResponse {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        self.headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    var text: String { String(decoding: self.body, as: UTF8.self) }

    /// The body parsed as a JSON object.
    var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(self.body))) as? [String: Any]
    }
}

enum TestHTTPError: Error {
    case connectFailed(Int32)
    case closed
    case timeout
    case malformed(String)
}

/// A blocking HTTP/1.1 client over one TCP connection, written on raw sockets so tests
/// control every byte: pipelining, malformed request lines, chunked bodies, keep-alive.
final class RawHTTPConnection {
    private let descriptor: Int32
    private var buffer: [UInt8] = []

    init(port: Int, timeoutSeconds: Int = 30) throws {
        let descriptor = try LoopbackSocket.connect(port: port)
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        self.descriptor = descriptor
    }

    deinit {
        close(self.descriptor)
    }

    func send(_ text: String) throws {
        try self.send(Array(text.utf8))
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(self.descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard written > 0 else { throw TestHTTPError.closed }
            offset += written
        }
    }

    /// Sends a request and reads its response.
    func request(
        _ method: String,
        _ path: String,
        headers: [(String, String)] = [],
        body: String? = nil
    ) throws -> TestResponse {
        try self.send(Self.format(method, path, headers: headers, body: body))
        return try self.readResponse(method: method)
    }

    static func format(_ method: String, _ path: String, headers: [(String, String)] = [], body: String? = nil)
        -> String
    {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers {
            text += "\(name): \(value)\r\n"
        }
        if let body {
            if !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
                text += "Content-Type: application/json\r\n"
            }
            text += "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
        } else {
            text += "\r\n"
        }
        return text
    }

    /// Reads one response; `method` tells whether a body follows (HEAD has none).
    func readResponse(method: String = "GET") throws -> TestResponse {
        let headEnd = try self.readUntil(Array("\r\n\r\n".utf8))
        let headText = String(decoding: self.buffer[0..<headEnd], as: UTF8.self)
        self.buffer.removeFirst(headEnd + 4)
        var lines = headText.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else { throw TestHTTPError.malformed(statusLine) }
        var headers: [(String, String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append(
                (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            )
        }
        var response = TestResponse(status: status, headers: headers, body: [])
        if status == 100 {
            return response
        }
        if method == "HEAD" || status == 204 || status == 304 {
            return response
        }
        if let length = response.header("content-length").flatMap(Int.init) {
            try self.fill(length)
            response.body = Array(self.buffer[0..<length])
            self.buffer.removeFirst(length)
        } else if response.header("transfer-encoding")?.lowercased() == "chunked" {
            response.body = try self.readChunked()
        } else {
            response.body = try self.readToEnd()
        }
        return response
    }

    /// Whether the server closed the connection (reads EOF within `seconds`).
    func isClosedByPeer(within seconds: Int) -> Bool {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(self.descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var byte: UInt8 = 0
        let count = recv(self.descriptor, &byte, 1, 0)
        return count == 0 || (count < 0 && errno == ECONNRESET)
    }

    private func readMore() throws {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(self.descriptor, $0.baseAddress, $0.count, 0) }
        if count > 0 {
            self.buffer.append(contentsOf: chunk[0..<count])
        } else if count == 0 {
            throw TestHTTPError.closed
        } else if errno == EAGAIN || errno == EWOULDBLOCK {
            throw TestHTTPError.timeout
        } else {
            throw TestHTTPError.closed
        }
    }

    private func readUntil(_ marker: [UInt8]) throws -> Int {
        var searchFrom = 0
        while true {
            if self.buffer.count >= marker.count {
                for start in searchFrom...(self.buffer.count - marker.count)
                where Array(self.buffer[start..<start + marker.count]) == marker {
                    return start
                }
                searchFrom = max(0, self.buffer.count - marker.count + 1)
            }
            try self.readMore()
        }
    }

    private func fill(_ count: Int) throws {
        while self.buffer.count < count {
            try self.readMore()
        }
    }

    private func readChunked() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let lineEnd = try self.readUntil(Array("\r\n".utf8))
            let sizeText = String(decoding: self.buffer[0..<lineEnd], as: UTF8.self)
            self.buffer.removeFirst(lineEnd + 2)
            guard let size = Int(sizeText.split(separator: ";")[0], radix: 16) else {
                throw TestHTTPError.malformed(sizeText)
            }
            try self.fill(size + 2)
            body.append(contentsOf: self.buffer[0..<size])
            self.buffer.removeFirst(size + 2)
            if size == 0 { return body }
        }
    }

    private func readToEnd() throws -> [UInt8] {
        while true {
            do {
                try self.readMore()
            } catch TestHTTPError.closed {
                defer { self.buffer.removeAll() }
                return self.buffer
            }
        }
    }
}
