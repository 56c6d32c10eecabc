public import NIOCore

/// Reads the fields of one payload and reports a typed error on any shortfall.
///
/// Payload decoding goes through this type so that every message applies the same checks:
/// lengths are read before bytes, strings must be UTF-8, header counts are capped before any
/// array is allocated, and leftover bytes are an error.
public struct PayloadReader {
    @usableFromInline var buffer: ByteBuffer
    @usableFromInline let frameType: UInt8
    @usableFromInline let limits: FrameLimits

    public init(buffer: ByteBuffer, frameType: UInt8, limits: FrameLimits) {
        self.buffer = buffer
        self.frameType = frameType
        self.limits = limits
    }

    public mutating func readInteger<T: FixedWidthInteger>(as: T.Type = T.self) throws(ProtocolError) -> T {
        guard let value = self.buffer.readInteger(as: T.self) else {
            throw .truncatedPayload(frameType: self.frameType)
        }
        return value
    }

    /// A string prefixed by its UInt16 byte length.
    public mutating func readString() throws(ProtocolError) -> String {
        let length = Int(try self.readInteger(as: UInt16.self))
        guard length <= self.buffer.readableBytes else {
            throw .truncatedPayload(frameType: self.frameType)
        }
        defer { self.buffer.moveReaderIndex(forwardBy: length) }
        // Read in place: a slice of the buffer would cost a retain and a release per string.
        let string = self.buffer.withUnsafeReadableBytes { raw -> String? in
            let utf8 = UnsafeBufferPointer(rebasing: raw.assumingMemoryBound(to: UInt8.self)[..<length])
            // Header names and values are nearly always ASCII, which is valid UTF-8 as it is:
            // `String(decoding:)` then copies it without a check. `String(validating:)` is not
            // specialized for this module and looked up generic metadata on every call.
            if utf8.allSatisfy({ $0 < 0x80 }) {
                return String(decoding: utf8, as: UTF8.self)
            }
            return String(validating: utf8, as: UTF8.self)
        }
        guard let string else {
            throw .invalidUTF8(frameType: self.frameType)
        }
        return string
    }

    /// A UInt16 count followed by that many name/value string pairs.
    public mutating func readHeaders() throws(ProtocolError) -> [HeaderField] {
        let count = Int(try self.readInteger(as: UInt16.self))
        guard count <= self.limits.maxHeaderCount else {
            throw .tooManyHeaders(count: count, limit: self.limits.maxHeaderCount)
        }
        // Each field needs at least four length bytes, so a lying count fails before allocating.
        guard count * 4 <= self.buffer.readableBytes else {
            throw .truncatedPayload(frameType: self.frameType)
        }
        var headers: [HeaderField] = []
        headers.reserveCapacity(count)
        for _ in 0..<count {
            let name = try self.readString()
            let value = try self.readString()
            headers.append(HeaderField(name: name, value: value))
        }
        return headers
    }

    /// The hello's table of routes that are not of the standard cost class: a UInt16 count,
    /// then per route its class byte, method and template. Absent (nothing left) reads as
    /// none, so an older worker's hello still decodes and fails the version check by name.
    public mutating func readRouteCosts() throws(ProtocolError) -> [RouteCost] {
        guard self.buffer.readableBytes > 0 else { return [] }
        let count = Int(try self.readInteger(as: UInt16.self))
        guard count <= self.limits.maxHeaderCount else {
            throw .tooManyHeaders(count: count, limit: self.limits.maxHeaderCount)
        }
        guard count * 5 <= self.buffer.readableBytes else {
            throw .truncatedPayload(frameType: self.frameType)
        }
        var routes: [RouteCost] = []
        routes.reserveCapacity(count)
        for _ in 0..<count {
            let rawClass: UInt8 = try self.readInteger()
            let method = try self.readString()
            let template = try self.readString()
            // A class this gateway does not know is treated as standard: never worse than before.
            let costClass = CostClass(rawValue: rawClass) ?? .standard
            routes.append(RouteCost(method: method, template: template, costClass: costClass))
        }
        return routes
    }

    /// Everything that is left, for body payloads.
    public mutating func readRest() -> ByteBuffer {
        self.buffer.readSlice(length: self.buffer.readableBytes) ?? ByteBuffer()
    }

    /// Fails if any byte is left over.
    public func finish() throws(ProtocolError) {
        guard self.buffer.readableBytes == 0 else {
            throw .trailingBytes(frameType: self.frameType, count: self.buffer.readableBytes)
        }
    }
}

extension ByteBuffer {
    /// Writes a string prefixed by its UInt16 byte length, cut at 65 535 bytes on a
    /// character boundary so the frame always decodes.
    @discardableResult
    public mutating func writeLengthPrefixedString(_ string: String) -> Int {
        let utf8 = string.utf8
        if utf8.count <= Int(UInt16.max) {
            // The common case: `writeString` copies the string's contiguous UTF-8 in one go,
            // where a `prefix` slice would go through the generic sequence path.
            return self.writeInteger(UInt16(utf8.count)) + self.writeString(string)
        }
        var length = Int(UInt16.max)
        let bytes = Array(utf8.prefix(length + 1))
        // Back off while the first excluded byte continues a multi-byte character.
        while length > 0, bytes[length] & 0xC0 == 0x80 {
            length -= 1
        }
        let written = self.writeInteger(UInt16(length))
        return written + self.writeBytes(utf8.prefix(length))
    }

    /// Writes a UInt16 count and the header fields.
    @discardableResult
    public mutating func writeHeaders(_ headers: [HeaderField]) -> Int {
        let count = min(headers.count, Int(UInt16.max))
        var written = self.writeInteger(UInt16(count))
        for field in headers.prefix(count) {
            written += self.writeLengthPrefixedString(field.name)
            written += self.writeLengthPrefixedString(field.value)
        }
        return written
    }
}
