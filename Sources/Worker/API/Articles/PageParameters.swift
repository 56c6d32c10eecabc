/// `limit` and `offset` of the article lists.
///
/// The official suite only uses small valid values. Out-of-range integers are clamped rather
/// than rejected: front ends compute offsets from page numbers, and a clamped page (limit 0 →
/// 1, limit 500 → 100, offset -20 → 0) is more useful to them than an error. A value that is not
/// an integer at all (`limit=ten`, `limit=1.5`) is a client bug and gets a 422. An empty value
/// (`limit=`) counts as absent.
struct PageParameters: Equatable {
    var limit: Int
    var offset: Int

    static let defaultLimit = 20
    static let limitRange = 1...100
    static let offsetRange = 0...1_000_000

    init(limit: Int = Self.defaultLimit, offset: Int = 0) {
        self.limit = limit
        self.offset = offset
    }

    /// Reads `limit` and `offset` from the query string.
    static func parse(_ query: QueryParameters) throws -> PageParameters {
        var errors: [String: [String]] = [:]
        var page = PageParameters()
        if let text = query["limit"], !text.isEmpty {
            if let value = self.integer(text) {
                page.limit = value.clamped(to: self.limitRange)
            } else {
                errors["limit"] = ["must be an integer"]
            }
        }
        if let text = query["offset"], !text.isEmpty {
            if let value = self.integer(text) {
                page.offset = value.clamped(to: self.offsetRange)
            } else {
                errors["offset"] = ["must be an integer"]
            }
        }
        guard errors.isEmpty else {
            throw APIError.validation(errors)
        }
        return page
    }

    /// An optional sign followed by ASCII digits; values beyond `Int` saturate (they are clamped anyway).
    static func integer(_ text: String) -> Int? {
        var digits = Substring(text)
        var negative = false
        if let sign = digits.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        if let value = Int(digits) {
            return negative ? -value : value
        }
        return negative ? Int.min : Int.max
    }
}

extension Comparable {
    fileprivate func clamped(to range: ClosedRange<Self>) -> Self {
        min(max(self, range.lowerBound), range.upperBound)
    }
}
