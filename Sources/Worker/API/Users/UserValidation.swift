import FoundationEssentials

/// The rules for user fields, each returning the RealWorld error message or `nil` when valid.
///
/// Lengths are counted in Unicode scalars, which bounds the bytes a value can take (a string of
/// 64 grapheme clusters can be arbitrarily long).
enum UserValidation {
    static let blank = "can't be blank"
    static let usernameMaxLength = 64
    static let emailMaxLength = 254
    static let passwordLengths = 8...128
    static let bioMaxLength = 4096
    static let imageMaxLength = 2048

    /// 1–64 ASCII letters, digits, `_`, `-`, `.`. ASCII only: usernames appear in URLs
    /// (`/api/profiles/:username`) and must not have look-alike spellings.
    static func username(_ value: String) -> String? {
        if isBlank(value) {
            return blank
        }
        if value.unicodeScalars.count > usernameMaxLength {
            return "is too long (maximum is \(usernameMaxLength) characters)"
        }
        let allowed = value.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."):
                return true
            default:
                return false
            }
        }
        return allowed ? nil : "can only contain letters, digits, '_', '-' and '.'"
    }

    /// A sanity check, not RFC 5322: one `@`, a non-empty local part, a domain with a dot
    /// between non-empty labels, and no whitespace or control characters anywhere.
    static func email(_ value: String) -> String? {
        if isBlank(value) {
            return blank
        }
        if value.unicodeScalars.count > emailMaxLength {
            return "is too long (maximum is \(emailMaxLength) characters)"
        }
        let invalid = "is invalid"
        guard
            !value.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F })
        else {
            return invalid
        }
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { return invalid }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }) else { return invalid }
        return nil
    }

    /// 8–128 characters of anything (NIST 800-63B: length, no composition rules).
    static func password(_ value: String) -> String? {
        if value.isEmpty {
            return blank
        }
        let length = value.unicodeScalars.count
        if length < passwordLengths.lowerBound {
            return "is too short (minimum is \(passwordLengths.lowerBound) characters)"
        }
        if length > passwordLengths.upperBound {
            return "is too long (maximum is \(passwordLengths.upperBound) characters)"
        }
        return nil
    }

    static func bio(_ value: String) -> String? {
        value.unicodeScalars.count > bioMaxLength ? "is too long (maximum is \(bioMaxLength) characters)" : nil
    }

    /// Empty is fine (it clears the image); otherwise an absolute http or https URL with a host.
    static func image(_ value: String) -> String? {
        if value.isEmpty {
            return nil
        }
        if value.unicodeScalars.count > imageMaxLength {
            return "is too long (maximum is \(imageMaxLength) characters)"
        }
        guard let components = URLComponents(string: value),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else {
            return "must be an http or https URL"
        }
        return nil
    }

    private static func isBlank(_ value: String) -> Bool {
        value.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
    }
}

/// Collects field errors so one 422 names every problem in the request.
struct ValidationErrors {
    private(set) var errors: [String: [String]] = [:]

    mutating func check(_ field: String, _ message: String?) {
        guard let message else { return }
        self.errors[field, default: []].append(message)
    }

    func throwIfAny() throws {
        if !self.errors.isEmpty {
            throw APIError.validation(self.errors)
        }
    }
}

extension ValidationErrors {
    /// A field that may be left out of an update but not cleared: `null` is blank.
    mutating func check(_ field: String, _ update: FieldUpdate<String>, required rule: (String) -> String?) {
        switch update {
        case .keep:
            break
        case .null:
            self.check(field, UserValidation.blank)
        case .set(let value):
            self.check(field, rule(value))
        }
    }
}
