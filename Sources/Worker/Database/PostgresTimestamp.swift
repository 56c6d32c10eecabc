import FoundationEssentials
import RookeryCommon

/// Converts between `Date` and PostgreSQL timestamp text without `DateFormatter`, so the
/// result depends on neither the process locale nor the time zone.
///
/// Parsing expects what the server prints with `DateStyle ISO` (set by `PostgresConnection`
/// at connect): `2026-11-29 03:04:05.123+00`, `2026-11-29 03:04:05+05:30`, a bare `date`
/// (`2026-11-29`, taken as UTC midnight), or a `timestamp` without zone (taken as UTC).
/// A `T` separator, a `Z` zone and a trailing ` BC` are accepted as well.
enum PostgresTimestamp {
    /// ISO 8601 in UTC with milliseconds (`2026-11-29T03:04:05.123Z`). Dates outside the
    /// representable range become `infinity` / `-infinity`, which PostgreSQL accepts.
    static func format(_ date: Date) -> String {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded(.down)
        guard milliseconds.isFinite, abs(milliseconds) < 1e17 else {
            return milliseconds < 0 ? "-infinity" : "infinity"
        }
        return self.format(unixMilliseconds: Int64(milliseconds))
    }

    /// `format(_:)` for a whole number of milliseconds since 1970-01-01 00:00:00 UTC.
    static func format(unixMilliseconds total: Int64) -> String {
        let time = CivilTime(unixMilliseconds: total)
        if (1...9999).contains(time.year) {
            return String(unsafeUninitializedCapacity: UTCTimestamp.length) { UTCTimestamp.write(time, into: $0) }
        }
        // Year 0 is 1 BC in PostgreSQL's calendar, as in ISO 8601's proleptic one.
        let isBC = time.year <= 0
        let text =
            pad(isBC ? 1 - time.year : time.year, 4) + "-" + pad(time.month, 2) + "-" + pad(time.day, 2) + "T"
            + pad(time.hour, 2) + ":" + pad(time.minute, 2) + ":" + pad(time.second, 2) + "."
            + pad(time.millisecond, 3) + "Z"
        return isBC ? text + " BC" : text
    }

    /// Parses timestamp text, returning `nil` when it is not in the expected shape
    /// (including `infinity`, which has no `Date`).
    static func parse(_ text: String) -> Date? {
        var scanner = Scanner(bytes: Array(text.utf8))
        guard
            let year = scanner.number(minDigits: 1, maxDigits: 9),
            scanner.skip("-"),
            let month = scanner.number(minDigits: 2, maxDigits: 2),
            scanner.skip("-"),
            let day = scanner.number(minDigits: 2, maxDigits: 2),
            (1...12).contains(month)
        else {
            return nil
        }
        var seconds: Int64 = 0
        var microseconds: Int64 = 0
        if scanner.skip(" ") || scanner.skip("T") {
            guard
                let hour = scanner.number(minDigits: 2, maxDigits: 2),
                scanner.skip(":"),
                let minute = scanner.number(minDigits: 2, maxDigits: 2),
                scanner.skip(":"),
                let second = scanner.number(minDigits: 2, maxDigits: 2),
                hour < 24, minute < 60, second <= 60
            else {
                return nil
            }
            seconds = hour * 3600 + minute * 60 + second
            if scanner.skip(".") {
                guard let (fraction, digits) = scanner.fraction(maxDigits: 9) else {
                    return nil
                }
                microseconds = fraction * pow10(max(0, 6 - digits)) / pow10(max(0, digits - 6))
            }
            guard let offset = parseZone(&scanner) else {
                return nil
            }
            seconds -= offset
        }
        var civilYear = year
        if scanner.skip(" BC") {
            civilYear = 1 - year
        }
        guard scanner.isAtEnd, (1...daysInMonth(month, leap: isLeap(civilYear))).contains(day) else {
            return nil
        }
        let totalSeconds = days(fromCivil: civilYear, month, day) * 86_400 + seconds
        return Date(timeIntervalSince1970: Double(totalSeconds) + Double(microseconds) / 1_000_000)
    }

    /// Returns the zone offset in seconds east of UTC; no zone at all means UTC.
    private static func parseZone(_ scanner: inout Scanner) -> Int64? {
        if scanner.skip("Z") {
            return 0
        }
        let sign: Int64
        if scanner.skip("+") {
            sign = 1
        } else if scanner.skip("-") {
            sign = -1
        } else {
            return 0
        }
        guard let hours = scanner.number(minDigits: 2, maxDigits: 2) else {
            return nil
        }
        var offset = hours * 3600
        for multiplier: Int64 in [60, 1] {
            let hadColon = scanner.skip(":")
            guard let part = scanner.number(minDigits: 2, maxDigits: 2) else {
                if hadColon {
                    return nil
                }
                break
            }
            offset += part * multiplier
        }
        return sign * offset
    }

    private struct Scanner {
        let bytes: [UInt8]
        var position = 0

        var isAtEnd: Bool { position == bytes.count }

        mutating func skip(_ literal: String) -> Bool {
            let expected = Array(literal.utf8)
            guard bytes.count - position >= expected.count,
                bytes[position..<position + expected.count].elementsEqual(expected)
            else {
                return false
            }
            position += expected.count
            return true
        }

        mutating func number(minDigits: Int, maxDigits: Int) -> Int64? {
            guard let (value, digits) = fraction(maxDigits: maxDigits), digits >= minDigits else {
                return nil
            }
            return value
        }

        /// Reads up to `maxDigits` decimal digits, returning the value and how many were read.
        mutating func fraction(maxDigits: Int) -> (Int64, Int)? {
            var value: Int64 = 0
            var digits = 0
            while position < bytes.count, digits < maxDigits,
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position])
            {
                value = value * 10 + Int64(bytes[position] - UInt8(ascii: "0"))
                digits += 1
                position += 1
            }
            return digits > 0 ? (value, digits) : nil
        }
    }

    // MARK: - Proleptic Gregorian calendar arithmetic (Howard Hinnant's algorithms)

    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = CivilTime.floorDivide(y, 400).quotient
        let yearOfEra = y - era * 400
        let shiftedMonth = (month + 9) % 12
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func isLeap(_ year: Int64) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    private static func daysInMonth(_ month: Int64, leap: Bool) -> Int64 {
        switch month {
        case 2: return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func pow10(_ exponent: Int) -> Int64 {
        (0..<exponent).reduce(1) { value, _ in value * 10 }
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
