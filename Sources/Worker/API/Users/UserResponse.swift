import Protocol

/// The `{"user":{...}}` body every users endpoint answers with.
struct UserResponse {
    var email: String
    var token: String
    var username: String
    var bio: String?
    var image: String?

    /// Reads `username, email, bio, image` starting at column `first`.
    init(row: PostgresRow, first: Int = 0, token: String) throws {
        self.username = try row.string(first)
        self.email = try row.string(first + 1)
        self.bio = try row.optionalString(first + 2)
        self.image = try row.optionalString(first + 3)
        self.token = token
    }

    func response(status: Int = 200) -> HTTPResponse {
        var json = JSONWriter()
        json.beginObject()
        json.key("user")
        json.beginObject()
        json.key("email")
        json.string(self.email)
        json.key("token")
        json.string(self.token)
        json.key("username")
        json.string(self.username)
        json.key("bio")
        json.optionalString(self.bio)
        json.key("image")
        json.optionalString(self.image)
        json.endObject()
        json.endObject()
        var response = HTTPResponse.json(status: status, bytes: json.bytes)
        // It carries a token: no cache may keep it (the gateway adds this only for requests
        // that carry credentials; registration and login do not).
        response.headers.append(HeaderField(name: "Cache-Control", value: "no-store"))
        return response
    }
}
