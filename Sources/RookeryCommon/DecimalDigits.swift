/// Integers written as decimal ASCII straight into a byte buffer, zero-padded to a width:
/// timestamps and the access log's numbers, without a `String` per number.
public enum DecimalDigits {
    /// Appends a non-negative `value` (negative values write as 0), left-padded with zeros to
    /// `width` digits.
    public static func append(_ value: Int, width: Int = 1, to bytes: inout [UInt8]) {
        let value = max(value, 0)
        var scale = 1
        var digits = 1
        while value / scale >= 10 {
            scale *= 10
            digits += 1
        }
        for _ in digits..<max(width, digits) {
            bytes.append(UInt8(ascii: "0"))
        }
        var rest = value
        while scale > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest / scale))
            rest %= scale
            scale /= 10
        }
    }
}
