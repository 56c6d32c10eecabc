/// The `author` object embedded in articles and comments: a profile as the viewer sees it.
struct AuthorProfile: Equatable {
    var username: String
    var bio: String?
    var image: String?
    var following: Bool

    /// Writes `{"username","bio","image","following"}` as the current value.
    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key(ArticleJSONKey.username)
        json.string(self.username)
        json.key(ArticleJSONKey.bio)
        json.optionalString(self.bio)
        json.key(ArticleJSONKey.image)
        json.optionalString(self.image)
        json.key(ArticleJSONKey.following)
        json.bool(self.following)
        json.endObject()
    }
}
