/// The `queries` parameter of `/queries` and `/updates`, read the way the TechEmpower
/// rules ask: missing, empty or not an integer is 1, and the value is clamped to 1...500.
enum QueryCount {
    static let range = 1...500

    static func parse(_ text: String?) -> Int {
        guard let text, !text.isEmpty else { return range.lowerBound }
        if let value = Int(text) {
            return min(max(value, range.lowerBound), range.upperBound)
        }
        // An integer too long for Int is still an integer: clamp it by its sign.
        let digits = text.utf8.drop { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") }
        let signs = text.utf8.count - digits.count
        guard signs <= 1, !digits.isEmpty, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else {
            return range.lowerBound
        }
        return text.hasPrefix("-") ? range.lowerBound : range.upperBound
    }
}
