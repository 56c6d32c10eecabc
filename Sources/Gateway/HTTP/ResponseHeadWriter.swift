import NIOCore
import NIOHTTP1

/// Writes an HTTP/1 response head (status line, fields, blank line) straight into a buffer,
/// without building `HTTPHeaders` or going through NIO's response encoder.
///
/// Fields that would break the framing are never written: a name that is not an RFC 9110
/// token, or a value with CR, LF or NUL, is dropped (`droppedFields` counts them), so nothing a
/// worker sends can split a response.
struct ResponseHeadWriter {
    private(set) var buffer: ByteBuffer
    private(set) var droppedFields = 0

    /// Starts the head with its status line. `status` must be a final status (200...599) or
    /// 100 Continue; callers map anything else to 502 before getting here.
    init(allocator: ByteBufferAllocator, version: HTTPVersion, status: HTTPResponseStatus, capacity: Int = 512) {
        self.buffer = allocator.buffer(capacity: capacity)
        if version == .http1_1, case .ok = status {
            self.buffer.writeStaticString("HTTP/1.1 200 OK\r\n")  // most answers: no formatting
            return
        }
        if version == .http1_1 {
            self.buffer.writeStaticString("HTTP/1.1 ")
        } else {
            self.buffer.writeStaticString("HTTP/")
            self.buffer.writeString(String(version.major))
            self.buffer.writeInteger(UInt8(ascii: "."))
            self.buffer.writeString(String(version.minor))
            self.buffer.writeInteger(UInt8(ascii: " "))
        }
        self.buffer.writeString(String(status.code))
        self.buffer.writeInteger(UInt8(ascii: " "))
        let reason = status.reasonPhrase
        if Self.isValidValue(reason) {
            self.buffer.writeString(reason)
        }
        self.buffer.writeStaticString("\r\n")
    }

    /// Appends `name: value`, or drops the field if either would break the framing.
    mutating func add(name: String, value: String) {
        guard Self.isToken(name), Self.isValidValue(value) else {
            self.droppedFields += 1
            return
        }
        self.buffer.writeString(name)
        self.buffer.writeStaticString(": ")
        self.buffer.writeString(value)
        self.buffer.writeStaticString("\r\n")
    }

    /// Appends a field the gateway names itself: the name is a token by construction, so only
    /// the value is checked (it may come from configuration or the client's request id).
    mutating func add(ownName name: StaticString, value: String) {
        guard Self.isValidValue(value) else {
            self.droppedFields += 1
            return
        }
        self.buffer.writeStaticString(name)
        self.buffer.writeStaticString(": ")
        self.buffer.writeString(value)
        self.buffer.writeStaticString("\r\n")
    }

    /// Appends `Content-Length: n`.
    mutating func addContentLength(_ length: Int) {
        self.buffer.writeStaticString("Content-Length: ")
        self.buffer.writeString(String(length))
        self.buffer.writeStaticString("\r\n")
    }

    /// Ends the head with the blank line and returns it (consuming the writer, so the buffer
    /// stays uniquely referenced for appending the body).
    consuming func finish() -> ByteBuffer {
        self.buffer.writeStaticString("\r\n")
        return self.buffer
    }

    /// RFC 9110 `token`: one or more of ALPHA, DIGIT and ``!#$%&'*+-.^_`|~``.
    static func isToken(_ name: String) -> Bool {
        guard !name.isEmpty else { return false }
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                continue
            case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
                UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
                continue
            default:
                return false
            }
        }
        return true
    }

    /// A field value without the bytes that end a line or a C string (CR, LF, NUL).
    static func isValidValue(_ value: String) -> Bool {
        for byte in value.utf8 where byte == 13 || byte == 10 || byte == 0 {
            return false
        }
        return true
    }
}
