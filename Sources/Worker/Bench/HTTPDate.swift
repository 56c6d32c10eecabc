import FoundationEssentials
import Glibc

/// The `Date` header value (RFC 9110 IMF-fixdate), formatted at most once per second.
///
/// The gateway does not add `Date` or `Server` itself, and TechEmpower's verifier wants both
/// on every response, so the bench routes set them. Spelled out by hand: `strftime` would
/// follow the locale.
struct HTTPDate {
    private var second: time_t = -1
    private var cached = ""

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
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
        var seconds = second
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil else { return "" }
        func twoDigits(_ value: Int32) -> String {
            value < 10 ? "0\(value)" : String(value)
        }
        let day = Self.days[Int(parts.tm_wday) % 7]
        let month = Self.months[Int(parts.tm_mon) % 12]
        return "\(day), \(twoDigits(parts.tm_mday)) \(month) \(parts.tm_year + 1900) "
            + "\(twoDigits(parts.tm_hour)):\(twoDigits(parts.tm_min)):\(twoDigits(parts.tm_sec)) GMT"
    }
}
