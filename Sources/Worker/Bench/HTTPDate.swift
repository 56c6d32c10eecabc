import Glibc
import RookeryCommon

/// The `Date` header value (RFC 9110 IMF-fixdate), formatted at most once per second.
///
/// The gateway does not add `Date` or `Server` itself, and TechEmpower's verifier wants both
/// on every response, so the bench routes set them. The calendar fields come from `CivilTime`,
/// the conversion the API's and the logs' timestamps use; names are spelled out by hand
/// (`strftime` would follow the locale).
struct HTTPDate {
    private var second: time_t = -1
    private var cached = ""

    private static let days = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    mutating func now() -> String {
        let second = time(nil)
        if second != self.second {
            self.second = second
            self.cached = Self.format(second)
        }
        return self.cached
    }

    static func format(_ second: time_t) -> String {
        let seconds = Int64(second)
        let time = CivilTime(unixMilliseconds: seconds &* 1000)
        // 1970-01-01 was a Thursday, the first entry of `days`.
        let weekday = CivilTime.floorDivide(CivilTime.floorDivide(seconds, 86_400).quotient, 7).remainder
        func twoDigits(_ value: Int64) -> String {
            value < 10 ? "0\(value)" : String(value)
        }
        let day = Self.days[Int(weekday)]
        let month = Self.months[Int(time.month - 1)]
        return "\(day), \(twoDigits(time.day)) \(month) \(time.year) "
            + "\(twoDigits(time.hour)):\(twoDigits(time.minute)):\(twoDigits(time.second)) GMT"
    }
}
