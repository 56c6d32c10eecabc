import RookeryCommon

/// Formatting a binary `timestamptz` (`PostgresBinary.timestampMicroseconds`) without going
/// through `Date`: integer arithmetic only, and no allocation for years 1–9999.
extension PostgresTimestamp {
    /// Calls `body` with the UTF-8 of what `format(_:)` gives for this instant (ISO 8601 in
    /// UTC, milliseconds truncated towards the past), valid only during the call. PostgreSQL's
    /// `infinity` and `-infinity` come out as those words.
    static func withISO8601<Result>(
        microsecondsSince2000 microseconds: Int64,
        _ body: (UnsafeRawBufferPointer) throws -> Result
    ) rethrows -> Result {
        let (unixMicroseconds, overflow) = microseconds.addingReportingOverflow(
            PostgresBinary.postgresEpochInUnixMicroseconds
        )
        guard microseconds != .max, microseconds != .min, !overflow else {
            var text = microseconds < 0 ? "-infinity" : "infinity"
            return try text.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
        }
        let milliseconds = CivilTime.floorDivide(unixMicroseconds, 1000).quotient
        let time = CivilTime(unixMilliseconds: milliseconds)
        guard (1...9999).contains(time.year) else {
            var text = self.format(unixMilliseconds: milliseconds)
            return try text.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
        }
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: UTCTimestamp.length) { buffer in
            let count = UTCTimestamp.write(time, into: buffer)
            return try body(UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[..<count])))
        }
    }
}
