/// The object keys of an article and of its `author`, rendered once. Both article writers
/// (`ArticleJSON` from records, `ArticleListJSON` from binary rows) and `AuthorProfile` use
/// them, so the names exist in one place.
enum ArticleJSONKey {
    static let slug = JSONWriter.Key("slug")
    static let title = JSONWriter.Key("title")
    static let description = JSONWriter.Key("description")
    static let body = JSONWriter.Key("body")
    static let tagList = JSONWriter.Key("tagList")
    static let createdAt = JSONWriter.Key("createdAt")
    static let updatedAt = JSONWriter.Key("updatedAt")
    static let favorited = JSONWriter.Key("favorited")
    static let favoritesCount = JSONWriter.Key("favoritesCount")
    static let author = JSONWriter.Key("author")
    static let username = JSONWriter.Key("username")
    static let bio = JSONWriter.Key("bio")
    static let image = JSONWriter.Key("image")
    static let following = JSONWriter.Key("following")
}
