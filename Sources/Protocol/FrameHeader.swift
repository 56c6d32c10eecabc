public import NIOCore

/// The fixed 12-byte header in front of every frame.
///
/// All integers are big-endian:
///
/// | offset | size | field          |
/// |--------|------|----------------|
/// | 0      | 1    | version        |
/// | 1      | 1    | type           |
/// | 2      | 2    | flags          |
/// | 4      | 4    | request id     |
/// | 8      | 4    | payload length |
public struct FrameHeader: Sendable, Hashable {
    /// Size of the encoded header in bytes.
    public static let size = 12

    /// The protocol version this build speaks. Bumped on any incompatible change.
    public static let currentVersion: UInt8 = 1

    public var version: UInt8
    public var type: UInt8
    public var flags: UInt16
    public var requestID: UInt32
    public var payloadLength: UInt32

    public init(
        version: UInt8 = FrameHeader.currentVersion,
        type: UInt8,
        flags: UInt16 = 0,
        requestID: UInt32,
        payloadLength: UInt32
    ) {
        self.version = version
        self.type = type
        self.flags = flags
        self.requestID = requestID
        self.payloadLength = payloadLength
    }
}

extension ByteBuffer {
    /// Reads a frame header without validating it; nil when fewer than 12 bytes are readable.
    @inlinable
    public func peekFrameHeader() -> FrameHeader? {
        guard
            let (version, type, flags, requestID, length) = self.getMultipleIntegers(
                at: self.readerIndex,
                as: (UInt8, UInt8, UInt16, UInt32, UInt32).self
            )
        else {
            return nil
        }
        return FrameHeader(version: version, type: type, flags: flags, requestID: requestID, payloadLength: length)
    }

    /// Writes a frame header.
    @inlinable
    @discardableResult
    public mutating func writeFrameHeader(_ header: FrameHeader) -> Int {
        self.writeMultipleIntegers(
            header.version,
            header.type,
            header.flags,
            header.requestID,
            header.payloadLength
        )
    }
}
