/// An instant in UTC split into calendar fields (proleptic Gregorian; year 0 is 1 BC), by
/// integer arithmetic only (Howard Hinnant's algorithms): no formatter, no locale, no time zone.
public struct CivilTime: Sendable, Hashable {
    public var year: Int64
    public var month: Int64
    public var day: Int64
    public var hour: Int64
    public var minute: Int64
    public var second: Int64
    public var millisecond: Int64

    public init(unixMilliseconds total: Int64) {
        let (days, millisecondOfDay) = Self.floorDivide(total, 86_400_000)
        (self.year, self.month, self.day) = Self.civil(fromDays: days)
        self.hour = millisecondOfDay / 3_600_000
        self.minute = millisecondOfDay / 60_000 % 60
        self.second = millisecondOfDay / 1000 % 60
        self.millisecond = millisecondOfDay % 1000
    }

    /// Year, month and day of the day `days` after 1970-01-01.
    public static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = floorDivide(shifted, 146_097).quotient
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// Division rounding towards negative infinity, with a non-negative remainder.
    public static func floorDivide(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let remainder = value % divisor
        return remainder < 0 ? (value / divisor - 1, remainder + divisor) : (value / divisor, remainder)
    }
}
