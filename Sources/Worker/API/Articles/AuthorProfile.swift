/// The `author` object embedded in articles and comments: a profile as the viewer sees it.
struct AuthorProfile: Equatable {
    var username: String
    var bio: String?
    var image: String?
    var following: Bool

    /// Writes `{"username","bio","image","following"}` as the current value.
    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("username")
        json.string(self.username)
        json.key("bio")
        json.optionalString(self.bio)
        json.key("image")
        json.optionalString(self.image)
        json.key("following")
        json.bool(self.following)
        json.endObject()
    }
}
