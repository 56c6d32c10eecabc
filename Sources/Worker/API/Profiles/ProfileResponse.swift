/// The `{"profile":{...}}` body of the profiles endpoints: the same profile object articles
/// and comments embed as `author`.
struct ProfileResponse {
    var profile: AuthorProfile

    init(username: String, bio: String?, image: String?, following: Bool) {
        self.profile = AuthorProfile(username: username, bio: bio, image: image, following: following)
    }

    func response() -> HTTPResponse {
        var json = JSONWriter(capacity: 128)
        json.beginObject()
        json.key("profile")
        self.profile.write(to: &json)
        json.endObject()
        return .json(bytes: json.bytes)
    }
}
