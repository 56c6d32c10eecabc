/// Why a byte sequence is not a valid frame. Every case is recoverable by the caller:
/// the connection that produced it is closed, the process goes on.
public enum ProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The header's version byte is not one this build speaks.
    case unsupportedVersion(UInt8)
    /// The header's type byte names no message for this direction.
    case unknownFrameType(UInt8)
    /// The header declares a payload longer than the limit.
    case payloadTooLarge(declared: UInt32, limit: Int)
    /// Flags bits that version 1 does not define were set.
    case unexpectedFlags(UInt16)
    /// The payload ended before a field was complete.
    case truncatedPayload(frameType: UInt8)
    /// The payload had bytes left after its last field.
    case trailingBytes(frameType: UInt8, count: Int)
    /// A head declared more header fields than the limit.
    case tooManyHeaders(count: Int, limit: Int)
    /// A string field was not valid UTF-8.
    case invalidUTF8(frameType: UInt8)
    /// The stream ended in the middle of a frame.
    case truncatedFrame(bufferedBytes: Int)

    public var description: String {
        switch self {
        case .unsupportedVersion(let version):
            return "unsupported protocol version \(version)"
        case .unknownFrameType(let type):
            return "unknown frame type 0x\(String(type, radix: 16))"
        case .payloadTooLarge(let declared, let limit):
            return "payload of \(declared) bytes exceeds the limit of \(limit)"
        case .unexpectedFlags(let flags):
            return "undefined flags 0x\(String(flags, radix: 16))"
        case .truncatedPayload(let type):
            return "truncated payload in frame type 0x\(String(type, radix: 16))"
        case .trailingBytes(let type, let count):
            return "\(count) trailing bytes in frame type 0x\(String(type, radix: 16))"
        case .tooManyHeaders(let count, let limit):
            return "\(count) header fields exceed the limit of \(limit)"
        case .invalidUTF8(let type):
            return "invalid UTF-8 in frame type 0x\(String(type, radix: 16))"
        case .truncatedFrame(let buffered):
            return "stream ended inside a frame (\(buffered) bytes buffered)"
        }
    }
}
