/// A one-dimensional array in PostgreSQL's binary format (`array_send`), read in place.
///
/// The layout: dimension count, a has-NULLs flag, the element type OID, then per dimension its
/// length and lower bound, then every element as a 4-byte length (-1 for NULL) and its bytes.
/// `init` validates the header and every element length against the buffer once, so iterating
/// never reads out of bounds. An empty array has zero dimensions.
struct PostgresBinaryArray {
    /// The element type OID the array declares.
    let elementType: UInt32
    /// How many elements the array holds.
    let count: Int
    /// The buffer past the header, starting at the first element's length word.
    private let elements: UnsafeRawBufferPointer

    /// Validates `bytes`; throws a `DatabaseError` of kind `.other` for a multi-dimensional
    /// array or a malformed buffer.
    init(_ bytes: UnsafeRawBufferPointer) throws {
        var reader = Reader(bytes: bytes)
        let dimensions = try reader.int32()
        _ = try reader.int32()  // has-NULLs flag: each element says so itself
        self.elementType = UInt32(bitPattern: try reader.int32())
        switch dimensions {
        case 0:
            self.count = 0
        case 1:
            let length = try reader.int32()
            _ = try reader.int32()  // lower bound
            guard length >= 0 else {
                throw Self.error("negative length")
            }
            self.count = Int(length)
        default:
            throw Self.error(dimensions > 1 ? "multi-dimensional arrays are not supported" : "negative dimensions")
        }
        self.elements = UnsafeRawBufferPointer(rebasing: bytes[reader.position...])
        // Walk the elements once so `forEach` can trust every length.
        for _ in 0..<self.count {
            let length = try reader.int32()
            guard length >= -1 else {
                throw Self.error("negative element length")
            }
            if length > 0 {
                try reader.skip(Int(length))
            }
        }
        guard reader.isAtEnd else {
            throw Self.error("trailing bytes")
        }
    }

    /// Calls `body` with each element's bytes in order; `nil` is a NULL element. The bytes are
    /// valid only during the call.
    func forEach(_ body: (UnsafeRawBufferPointer?) throws -> Void) rethrows {
        var position = 0
        for _ in 0..<self.count {
            let word = UnsafeRawBufferPointer(rebasing: self.elements[position..<position + 4])
            let length = Int(Int32(bitPattern: UInt32(PostgresBinary.bigEndian(word))))
            position += 4
            if length < 0 {
                try body(nil)
                continue
            }
            try body(UnsafeRawBufferPointer(rebasing: self.elements[position..<position + length]))
            position += length
        }
    }

    private static func error(_ reason: String) -> DatabaseError {
        DatabaseError(kind: .other, message: "malformed binary array: \(reason)")
    }

    /// A bounds-checked cursor over the header and the element length words.
    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var position = 0

        var isAtEnd: Bool { self.position == self.bytes.count }

        mutating func int32() throws -> Int32 {
            try self.skip(4)
            let word = UnsafeRawBufferPointer(rebasing: self.bytes[self.position - 4..<self.position])
            return Int32(bitPattern: UInt32(PostgresBinary.bigEndian(word)))
        }

        mutating func skip(_ count: Int) throws {
            guard count <= self.bytes.count - self.position else {
                throw PostgresBinaryArray.error("truncated")
            }
            self.position += count
        }
    }
}
