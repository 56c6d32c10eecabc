import FoundationEssentials

/// Checks shared by article and comment fields. Each returns the value to store, or `nil`
/// after adding the field's message to `errors`.
enum TextRules {
    static let blank = "can't be blank"
    static let invalidCharacter = "can't contain a NUL character"

    /// A one-line field (title, description): required, trimmed, at most `maxCharacters` characters.
    static func trimmedLine(
        _ value: String?,
        field: String,
        maxCharacters: Int,
        errors: inout [String: [String]]
    ) -> String? {
        let trimmed = value?.trimmingWhitespace() ?? ""
        if trimmed.isEmpty {
            errors[field] = [self.blank]
            return nil
        }
        if trimmed.count > maxCharacters {
            errors[field] = ["is too long (maximum is \(maxCharacters) characters)"]
            return nil
        }
        if self.containsNUL(trimmed) {
            errors[field] = [self.invalidCharacter]
            return nil
        }
        return trimmed
    }

    /// Free text (article or comment body): required, not blank, at most `maxBytes` of UTF-8, stored as sent.
    static func text(_ value: String?, field: String, maxBytes: Int, errors: inout [String: [String]]) -> String? {
        guard let value, !value.trimmingWhitespace().isEmpty else {
            errors[field] = [self.blank]
            return nil
        }
        if value.utf8.count > maxBytes {
            errors[field] = ["is too long (maximum is \(maxBytes) bytes)"]
            return nil
        }
        if self.containsNUL(value) {
            errors[field] = [self.invalidCharacter]
            return nil
        }
        return value
    }

    /// PostgreSQL text cannot hold U+0000, and the driver refuses such parameters.
    static func containsNUL(_ value: String) -> Bool {
        value.utf8.contains(0)
    }
}
