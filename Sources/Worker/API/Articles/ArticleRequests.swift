/// `POST /api/articles` body: `{"article":{"title","description","body","tagList"}}`.
///
/// Every field is optional here so that a missing one is reported by `ArticleValidator` with
/// the RealWorld wording (`can't be blank`) alongside the other problems, not one at a time.
struct NewArticleRequest: Decodable {
    var article: Fields

    struct Fields: Decodable {
        var title: String?
        var description: String?
        var body: String?
        /// `null` and absent both mean "no tags" on create.
        var tagList: [String]?
    }
}

/// `PUT /api/articles/:slug` body. Absent fields keep their value; unlike `Optional`'s
/// synthesized decoding, an explicit `null` is remembered so the validator can reject it
/// (NOTES.md: `"tagList": null` is a 422, `[]` clears the tags).
struct UpdateArticleRequest: Decodable {
    var article: Fields

    struct Fields: Decodable {
        var title: String?
        var description: String?
        var body: String?
        var tagList: [String]?
        /// Keys that were present with a JSON `null`.
        var nullFields: Set<String> = []

        enum CodingKeys: String, CodingKey, CaseIterable {
            case title, description, body, tagList
        }

        init(title: String? = nil, description: String? = nil, body: String? = nil, tagList: [String]? = nil) {
            self.title = title
            self.description = description
            self.body = body
            self.tagList = tagList
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.title = try container.decodeIfPresent(String.self, forKey: .title)
            self.description = try container.decodeIfPresent(String.self, forKey: .description)
            self.body = try container.decodeIfPresent(String.self, forKey: .body)
            self.tagList = try container.decodeIfPresent([String].self, forKey: .tagList)
            for key in CodingKeys.allCases where container.contains(key) {
                if try container.decodeNil(forKey: key) {
                    self.nullFields.insert(key.stringValue)
                }
            }
        }
    }
}
