import Glibc

/// UTC timestamps with milliseconds, `2026-11-29T03:04:05.123Z`: the one format of the API's
/// `createdAt`/`updatedAt` and of every log line of both processes.
public enum UTCTimestamp {
    /// Bytes in a timestamp of a year in 1–9999.
    public static let length = 24

    /// Writes `YYYY-MM-DDTHH:MM:SS.mmmZ` at the start of `buffer`, which must hold `length`
    /// bytes; returns `length`. One fixed-size buffer, no strings: the API runs this twice per
    /// article in every list. Only years 1–9999 have this shape (the caller checks).
    public static func write(_ time: CivilTime, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        precondition(buffer.count >= Self.length, "the timestamp buffer holds 24 bytes")
        var index = 0
        func put(_ value: Int64, _ width: Int) {
            var remaining = value
            for position in stride(from: index + width - 1, through: index, by: -1) {
                buffer[position] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: remaining % 10)
                remaining /= 10
            }
            index += width
        }
        func put(_ character: Unicode.Scalar) {
            buffer[index] = UInt8(ascii: character)
            index += 1
        }
        put(time.year, 4)
        put("-")
        put(time.month, 2)
        put("-")
        put(time.day, 2)
        put("T")
        put(time.hour, 2)
        put(":")
        put(time.minute, 2)
        put(":")
        put(time.second, 2)
        put(".")
        put(time.millisecond, 3)
        put("Z")
        return index
    }

    /// Milliseconds since 1970-01-01 00:00:00 UTC, from the real-time clock.
    public static func nowUnixMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    /// Appends the current time.
    public static func appendNow(to bytes: inout [UInt8]) {
        let time = CivilTime(unixMilliseconds: self.nowUnixMilliseconds())
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.length) { buffer in
            let count = self.write(time, into: buffer)
            bytes.append(contentsOf: UnsafeMutableBufferPointer(rebasing: buffer[..<count]))
        }
    }

    /// The current time as text.
    public static func now() -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.length)
        self.appendNow(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
