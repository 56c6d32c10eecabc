/// The `{"profile":{...}}` body of the profiles endpoints.
struct ProfileResponse {
    var username: String
    var bio: String?
    var image: String?
    var following: Bool

    func response() -> HTTPResponse {
        var json = JSONWriter(capacity: 128)
        json.beginObject()
        json.key("profile")
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
        json.endObject()
        return .json(bytes: json.bytes)
    }
}
