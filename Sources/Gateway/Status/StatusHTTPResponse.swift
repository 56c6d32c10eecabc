/// A complete HTTP/1.1 response as `StatusHTTPClient` reads it: status, headers and a body
/// framed by Content-Length, chunked encoding, or the end of the connection.
struct StatusHTTPResponse: Equatable, Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    static func == (left: StatusHTTPResponse, right: StatusHTTPResponse) -> Bool {
        left.status == right.status && left.body == right.body
            && left.headers.map(\.name) == right.headers.map(\.name)
            && left.headers.map(\.value) == right.headers.map(\.value)
    }

    func header(_ name: String) -> String? {
        self.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var text: String { String(decoding: self.body, as: UTF8.self) }

    /// What `parse` found.
    enum Parse: Equatable, Sendable {
        /// More bytes are needed (or, at end of input, the response was cut short).
        case incomplete
        case complete(StatusHTTPResponse)
    }

    /// Parses `bytes` received so far. `atEnd`: the peer closed the connection, which ends a
    /// body that has neither Content-Length nor chunked encoding.
    static func parse(_ bytes: [UInt8], atEnd: Bool) throws(StatusClientError) -> Parse {
        guard let headEnd = Self.find([13, 10, 13, 10], in: bytes, from: 0) else {
            return .incomplete
        }
        let headLines = String(decoding: bytes[0..<headEnd], as: UTF8.self)
            .split(separator: "\r\n", omittingEmptySubsequences: false)
        guard let statusLine = headLines.first else { throw .malformed("empty response") }
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]), (100...599).contains(status)
        else {
            throw .malformed("bad status line \"\(statusLine.prefix(80))\"")
        }
        var headers: [(name: String, value: String)] = []
        for line in headLines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw .malformed("bad header line") }
            headers.append(
                (
                    String(line[..<colon]),
                    String(line[line.index(after: colon)...]).trimmingSpaces()
                )
            )
        }
        var response = StatusHTTPResponse(status: status, headers: headers, body: [])
        let bodyStart = headEnd + 4
        if response.header("Transfer-Encoding")?.lowercased().contains("chunked") == true {
            guard let body = try Self.dechunk(bytes, from: bodyStart) else {
                if atEnd { throw .malformed("connection closed inside a chunked body") }
                return .incomplete
            }
            response.body = body
        } else if let lengthText = response.header("Content-Length") {
            guard let length = Int(lengthText), length >= 0 else { throw .malformed("bad Content-Length") }
            guard bytes.count - bodyStart >= length else {
                if atEnd { throw .malformed("connection closed after \(bytes.count - bodyStart) of \(length) bytes") }
                return .incomplete
            }
            response.body = Array(bytes[bodyStart..<(bodyStart + length)])
        } else {
            guard atEnd else { return .incomplete }
            response.body = Array(bytes[bodyStart...])
        }
        return .complete(response)
    }

    /// The decoded chunked body, or nil while the last chunk has not arrived.
    private static func dechunk(_ bytes: [UInt8], from start: Int) throws(StatusClientError) -> [UInt8]? {
        var body: [UInt8] = []
        var offset = start
        while true {
            guard let lineEnd = Self.find([13, 10], in: bytes, from: offset) else { return nil }
            let sizeText =
                String(decoding: bytes[offset..<lineEnd], as: UTF8.self)
                .split(separator: ";", maxSplits: 1).first.map(String.init)?.trimmingSpaces() ?? ""
            guard let size = Int(sizeText, radix: 16), size >= 0 else { throw .malformed("bad chunk size") }
            let dataStart = lineEnd + 2
            if size == 0 { return body }  // trailers, if any, are not needed
            guard bytes.count >= dataStart + size + 2 else { return nil }
            body.append(contentsOf: bytes[dataStart..<(dataStart + size)])
            offset = dataStart + size + 2
        }
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        for index in start...(bytes.count - needle.count) where bytes[index] == needle[0] {
            if Array(bytes[index..<(index + needle.count)]) == needle { return index }
        }
        return nil
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return String(text)
    }
}
