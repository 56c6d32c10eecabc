/// Decoders for values in PostgreSQL's binary result format (`send` functions), read straight
/// from libpq's buffers.
///
/// Binary values carry no text to parse: integers are big-endian, a boolean is one byte, a
/// `timestamptz` is microseconds since 2000-01-01 UTC. Every decoder checks the length it is
/// given and returns `nil` (or throws, for arrays) on anything else, so a column whose type
/// changed fails the request instead of being misread.
enum PostgresBinary {
    /// Type OIDs from `pg_type.dat`; they are fixed for built-in types.
    enum TypeOID {
        static let bool: UInt32 = 16
        static let int8: UInt32 = 20
        static let int2: UInt32 = 21
        static let int4: UInt32 = 23
        static let text: UInt32 = 25
        static let varchar: UInt32 = 1043
        static let timestamptz: UInt32 = 1184
        static let textArray: UInt32 = 1009
        static let varcharArray: UInt32 = 1015
    }

    /// PostgreSQL's epoch, 2000-01-01 00:00:00 UTC, in microseconds since the Unix epoch: add it
    /// to a binary `timestamptz` to get Unix time.
    static let postgresEpochInUnixMicroseconds: Int64 = 946_684_800_000_000

    /// An `int2`, `int4` or `int8`, told apart by their length (2, 4 or 8 bytes).
    static func integer(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        switch bytes.count {
        case 2: return Int64(Int16(bitPattern: UInt16(self.bigEndian(bytes))))
        case 4: return Int64(Int32(bitPattern: UInt32(self.bigEndian(bytes))))
        case 8: return Int64(bitPattern: self.bigEndian(bytes))
        default: return nil
        }
    }

    /// A `bool`: one byte, 0 or 1.
    static func bool(_ bytes: UnsafeRawBufferPointer) -> Bool? {
        guard bytes.count == 1 else {
            return nil
        }
        switch bytes[0] {
        case 0: return false
        case 1: return true
        default: return nil
        }
    }

    /// A `timestamptz` (or `timestamp`) as microseconds since 2000-01-01 00:00:00 UTC.
    /// `infinity` and `-infinity` are `Int64.max` and `Int64.min`.
    static func timestampMicroseconds(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        bytes.count == 8 ? Int64(bitPattern: self.bigEndian(bytes)) : nil
    }

    /// Reads an unsigned big-endian integer of up to 8 bytes, byte by byte (no alignment needed).
    static func bigEndian(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var value: UInt64 = 0
        for byte in bytes {
            value = value << 8 | UInt64(byte)
        }
        return value
    }
}
