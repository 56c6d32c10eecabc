import FoundationEssentials

/// A validated new article: trimmed title and description, normalized tags.
struct ArticleDraft: Equatable {
    var title: String
    var description: String
    var body: String
    var tags: [String]
}

/// A validated update: `nil` keeps the stored value; `tags == []` clears the tags.
struct ArticleChanges: Equatable {
    var title: String?
    var description: String?
    var body: String?
    var tags: [String]?
}

/// The rules for article input. All problems are reported at once, RealWorld style:
/// `{"errors":{"title":["can't be blank"],"tagList":["..."]}}`.
///
/// Limits: title 1–256 characters, description 1–1024 characters (the suite expects an empty
/// description to be rejected on create), body non-blank and at most 64 KiB of UTF-8, at most
/// 20 distinct tags of 1–64 characters each. "Blank" means empty after trimming whitespace.
/// Title, description and tags are stored trimmed; the body is stored as sent.
enum ArticleValidator {
    static let maxTitleLength = 256
    static let maxDescriptionLength = 1024
    static let maxBodyBytes = 64 * 1024
    static let maxTags = 20
    static let maxTagLength = 64

    static func validate(_ fields: NewArticleRequest.Fields) throws -> ArticleDraft {
        var errors: [String: [String]] = [:]
        let title = self.title(fields.title, errors: &errors)
        let description = self.description(fields.description, errors: &errors)
        let body = self.body(fields.body, errors: &errors)
        let tags = self.tags(fields.tagList ?? [], errors: &errors)
        guard errors.isEmpty, let title, let description, let body, let tags else {
            throw APIError.validation(errors)
        }
        return ArticleDraft(title: title, description: description, body: body, tags: tags)
    }

    static func validate(_ fields: UpdateArticleRequest.Fields) throws -> ArticleChanges {
        var errors: [String: [String]] = [:]
        var changes = ArticleChanges()
        for field in fields.nullFields {
            // A null title/description/body would blank the field; a null tagList is ambiguous.
            errors[field] = [field == "tagList" ? "must be a list of strings" : "can't be blank"]
        }
        if let title = fields.title {
            changes.title = self.title(title, errors: &errors)
        }
        if let description = fields.description {
            changes.description = self.description(description, errors: &errors)
        }
        if let body = fields.body {
            changes.body = self.body(body, errors: &errors)
        }
        if let tagList = fields.tagList {
            changes.tags = self.tags(tagList, errors: &errors)
        }
        guard errors.isEmpty else {
            throw APIError.validation(errors)
        }
        return changes
    }

    static func title(_ value: String?, errors: inout [String: [String]]) -> String? {
        TextRules.trimmedLine(value, field: "title", maxCharacters: self.maxTitleLength, errors: &errors)
    }

    static func description(_ value: String?, errors: inout [String: [String]]) -> String? {
        TextRules.trimmedLine(value, field: "description", maxCharacters: self.maxDescriptionLength, errors: &errors)
    }

    static func body(_ value: String?, errors: inout [String: [String]]) -> String? {
        TextRules.text(value, field: "body", maxBytes: self.maxBodyBytes, errors: &errors)
    }

    /// Trims each tag, drops exact duplicates, checks the limits and sorts the tags by name.
    ///
    /// Every article representation lists its tags in name order (the RealWorld reference
    /// implementation does, and the Postman collection asserts it). "Name order" is the order of
    /// the UTF-8 bytes, the same as PostgreSQL's `COLLATE "C"` that migration 6 sorts stored tag
    /// lists with, so a tag list reads the same whichever side sorted it.
    static func tags(_ values: [String], errors: inout [String: [String]]) -> [String]? {
        var tags: [String] = []
        var seen: Set<String> = []
        var problems: [String] = []
        for value in values {
            let tag = value.trimmingWhitespace()
            if tag.isEmpty {
                problems.append("can't contain a blank tag")
            } else if tag.count > self.maxTagLength {
                problems.append("can't contain a tag longer than \(self.maxTagLength) characters")
            } else if TextRules.containsNUL(tag) {
                problems.append("can't contain a NUL character")
            } else if seen.insert(tag).inserted {
                tags.append(tag)
            }
        }
        if tags.count > self.maxTags {
            problems.append("can't have more than \(self.maxTags) tags")
        }
        guard problems.isEmpty else {
            var unique: [String] = []
            for problem in problems where !unique.contains(problem) {
                unique.append(problem)
            }
            errors["tagList"] = unique
            return nil
        }
        return tags.sorted(by: Self.isInNameOrder)
    }

    /// Whether tag `left` sorts before tag `right`: UTF-8 byte order, as `COLLATE "C"`.
    static func isInNameOrder(_ left: String, _ right: String) -> Bool {
        left.utf8.lexicographicallyPrecedes(right.utf8)
    }
}
