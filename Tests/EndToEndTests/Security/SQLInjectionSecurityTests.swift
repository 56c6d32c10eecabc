import Foundation
import XCTest

/// SQL injection payloads in every string field, path segment and query parameter get an
/// ordinary answer (the value is data, never SQL): 4xx or a normal/empty result, never a 5xx,
/// never a slow answer, and every table keeps exactly the rows the legitimate part of the
/// requests accounts for.
final class SQLInjectionSecurityTests: SharedGatewayTestCase {
    /// Far below the 5 s of the `pg_sleep` payload, far above any honest answer.
    private static let slowAnswer: TimeInterval = 4

    /// One request: never a 5xx, never slow, and one of `expected`.
    @discardableResult
    private func probe(
        _ client: APIClient,
        _ method: String,
        _ path: String,
        token: String? = nil,
        json: [String: Any]? = nil,
        expect expected: Set<Int>,
        _ label: String,
        file: StaticString = #filePath,
        line: UInt = #line
    ) throws -> TestResponse {
        let started = Date()
        let body = try json.map(SecurityProbe.json)
        let response = try client.patientRequest(method, path, token: token, body: body)
        let elapsed = Date().timeIntervalSince(started)
        let context = "\(label): \(method) \(path.prefix(200)) → \(response.status) \(response.text.prefix(200))"
        XCTAssertLessThan(response.status, 500, context, file: file, line: line)
        XCTAssertTrue(
            expected.contains(response.status),
            "expected \(expected.sorted()); \(context)",
            file: file,
            line: line
        )
        XCTAssertLessThan(elapsed, Self.slowAnswer, "slow answer: \(context)", file: file, line: line)
        return response
    }

    func testPayloadsInQueryParametersMatchNothingAndChangeNothing() throws {
        let gateway = try self.gateway()
        let client = APIClient(gateway)
        let author = try client.patientRegister("sqliq")
        try client.createArticle(by: author, tags: ["real"])
        try client.follow(author.username, by: try client.patientRegister("sqliqfan"))
        let before = try SecurityProbe.rowCounts(gateway)

        let values = InjectionPayloads.url.map(SecurityProbe.percentEncoded) + InjectionPayloads.rawURL
        for value in values {
            // A working injection would widen the filter to every article. The only legitimate
            // matches are articles tagged with exactly the payload (other tests store such tags);
            // no username can contain these characters, so author and favorited match nothing.
            let decoded = value.removingPercentEncoding
            for name in ["tag", "author", "favorited"] {
                let response = try self.probe(client, "GET", "/api/articles?\(name)=\(value)", expect: [200], name)
                let articles = response.list("articles") ?? []
                XCTAssertEqual(response.json?["articlesCount"] as? Int, articles.count, "\(name)=\(value.prefix(80))")
                if name != "tag" {
                    XCTAssertEqual(articles.count, 0, "\(name)=\(value.prefix(80))")
                }
                for article in articles {
                    let tags = article["tagList"] as? [String] ?? []
                    XCTAssertTrue(decoded.map(tags.contains) ?? false, "\(name)=\(value.prefix(80)) matched \(tags)")
                }
            }
            for name in ["limit", "offset"] {
                for path in ["/api/articles", "/api/articles/feed"] {
                    let response = try self.probe(
                        client,
                        "GET",
                        "\(path)?\(name)=\(value)",
                        token: author.token,
                        expect: [422],
                        name
                    )
                    XCTAssertEqual(response.text, #"{"errors":{"\#(name)":["must be an integer"]}}"#)
                }
            }
            let combined = try self.probe(
                client,
                "GET",
                "/api/articles?tag=real&author=\(value)&favorited=\(value)&limit=5&offset=0",
                token: author.token,
                expect: [200],
                "all filters"
            )
            XCTAssertEqual(combined.json?["articlesCount"] as? Int, 0)
        }
        XCTAssertEqual(try SecurityProbe.rowCounts(gateway), before, "GETs changed rows")
    }

    func testPayloadsInPathSegmentsAre404AndChangeNothing() throws {
        let gateway = try self.gateway()
        let client = APIClient(gateway)
        let user = try client.patientRegister("sqlip")
        let slug = try client.createArticleSlug(by: user)
        let comment = try client.send(
            "POST",
            "/api/articles/\(slug)/comments",
            token: user.token,
            json: ["comment": ["body": "a comment"]]
        )
        let commentID = try XCTUnwrap(comment.object("comment")?["id"] as? Int, comment.text)
        let before = try SecurityProbe.rowCounts(gateway)

        let segments = InjectionPayloads.url.map(SecurityProbe.percentEncoded) + InjectionPayloads.rawURL
        let article: [String: Any] = ["article": ["title": "t", "description": "d", "body": "b"]]
        let token = user.token
        for segment in segments {
            try self.probe(client, "GET", "/api/profiles/\(segment)", expect: [404], "profile")
            try self.probe(client, "GET", "/api/profiles/\(segment)", token: token, expect: [404], "profile (auth)")
            try self.probe(client, "POST", "/api/profiles/\(segment)/follow", token: token, expect: [404], "follow")
            try self.probe(client, "DELETE", "/api/profiles/\(segment)/follow", token: token, expect: [404], "unfollow")
            try self.probe(client, "GET", "/api/articles/\(segment)", expect: [404], "article")
            try self.probe(client, "PUT", "/api/articles/\(segment)", token: token, json: article, expect: [404], "put")
            try self.probe(client, "DELETE", "/api/articles/\(segment)", token: token, expect: [404], "delete")
            try self.probe(client, "POST", "/api/articles/\(segment)/favorite", token: token, expect: [404], "fav")
            try self.probe(client, "DELETE", "/api/articles/\(segment)/favorite", token: token, expect: [404], "unfav")
            try self.probe(client, "GET", "/api/articles/\(segment)/comments", expect: [404], "comments")
            try self.probe(
                client,
                "POST",
                "/api/articles/\(segment)/comments",
                token: token,
                json: ["comment": ["body": "hi"]],
                expect: [404],
                "comment"
            )
            let wrongID = try self.probe(
                client,
                "DELETE",
                "/api/articles/\(slug)/comments/\(segment)",
                token: token,
                expect: [404],
                "comment id"
            )
            XCTAssertEqual(wrongID.text, #"{"errors":{"comment":["not found"]}}"#, segment)
            try self.probe(
                client,
                "DELETE",
                "/api/articles/\(segment)/comments/\(commentID)",
                token: token,
                expect: [404],
                "comment's article"
            )
        }
        XCTAssertEqual(try SecurityProbe.rowCounts(gateway), before, "path payloads changed rows")
        XCTAssertEqual(try client.request("GET", "/api/articles/\(slug)/comments").list("comments")?.count, 1)
    }

    func testPayloadsInUserFieldsAreRefusedOrStoredVerbatim() throws {
        let gateway = try self.gateway()
        let client = APIClient(gateway)
        let user = try client.patientRegister("sqliu")
        let before = try SecurityProbe.rowCounts(gateway)
        var registered = 0

        for payload in InjectionPayloads.fields {
            let name = Unique.name("u")
            // Every payload has a character usernames do not allow; e-mails need an `@`.
            let badName = try self.probe(
                client,
                "POST",
                "/api/users",
                json: ["user": ["username": payload, "email": "\(name)@example.com", "password": "password123"]],
                expect: [422],
                "username"
            )
            XCTAssertNotNil((badName.json?["errors"] as? [String: Any])?["username"], badName.text)
            try self.probe(
                client,
                "POST",
                "/api/users",
                json: ["user": ["username": name, "email": payload, "password": "password123"]],
                expect: [422],
                "email"
            )
            // The password is only ever hashed; a valid one must log in byte for byte.
            let withPassword = try self.probe(
                client,
                "POST",
                "/api/users",
                json: ["user": ["username": name, "email": "\(name)@example.com", "password": payload]],
                expect: [201, 422],
                "password"
            )
            if withPassword.status == 201 {
                registered += 1
                let login = try self.probe(
                    client,
                    "POST",
                    "/api/users/login",
                    json: ["user": ["email": "\(name)@example.com", "password": payload]],
                    expect: [200],
                    "login with the payload password"
                )
                XCTAssertEqual(login.object("user")?["username"] as? String, name)
            }
            for credentials in [
                ["email": payload, "password": "password123"], ["email": user.email, "password": payload],
            ] {
                let login = try self.probe(
                    client,
                    "POST",
                    "/api/users/login",
                    json: ["user": credentials],
                    expect: [401, 422],
                    "login"
                )
                XCTAssertNil(login.object("user"), "an injected login succeeded: \(login.text)")
            }

            // Profile fields of an existing user: bio is stored as sent, the others are refused.
            let bio = try self.probe(
                client,
                "PUT",
                "/api/user",
                token: user.token,
                json: ["user": ["bio": payload]],
                expect: [200, 422],
                "bio"
            )
            if bio.status == 200 {
                XCTAssertEqual(bio.object("user")?["bio"] as? String, payload)
                let current = try client.request("GET", "/api/user", token: user.token)
                XCTAssertEqual(current.object("user")?["bio"] as? String, payload, "read back")
            }
            let image = "https://example.com/" + payload
            let imageUpdate = try self.probe(
                client,
                "PUT",
                "/api/user",
                token: user.token,
                json: ["user": ["image": image]],
                expect: [200, 422],
                "image"
            )
            if imageUpdate.status == 200 {
                XCTAssertEqual(imageUpdate.object("user")?["image"] as? String, image)
            }
            for field in ["username", "email"] {
                try self.probe(
                    client,
                    "PUT",
                    "/api/user",
                    token: user.token,
                    json: ["user": [field: payload]],
                    expect: [422],
                    field
                )
            }
        }

        // E-mails that pass validation reach the database on register, login and update.
        for email in InjectionPayloads.emails(unique: Unique.name("e")) {
            let name = Unique.name("em")
            let created = try self.probe(
                client,
                "POST",
                "/api/users",
                json: ["user": ["username": name, "email": email, "password": "password123"]],
                expect: [201],
                "valid hostile e-mail"
            )
            registered += 1
            XCTAssertEqual(created.object("user")?["email"] as? String, email, "stored as sent")
            let login = try self.probe(
                client,
                "POST",
                "/api/users/login",
                json: ["user": ["email": email, "password": "password123"]],
                expect: [200],
                "login with it"
            )
            XCTAssertEqual(login.object("user")?["username"] as? String, name)
            let wrong = try self.probe(
                client,
                "POST",
                "/api/users/login",
                json: ["user": ["email": email, "password": "wrong-password"]],
                expect: [401],
                "wrong password"
            )
            XCTAssertEqual(wrong.text, #"{"errors":{"credentials":["invalid"]}}"#)
        }

        var expected = before
        expected["users", default: 0] += registered
        XCTAssertEqual(try SecurityProbe.rowCounts(gateway), expected)
        XCTAssertEqual(
            try gateway.psql("SELECT count(*) FROM users WHERE password_hash NOT LIKE 'scrypt$%'"),
            "0",
            "every row still holds a scrypt hash"
        )
    }

    func testPayloadsInArticleAndCommentFieldsAreRefusedOrStoredVerbatim() throws {
        let gateway = try self.gateway()
        let client = APIClient(gateway)
        let author = try client.patientRegister("sqlia")
        // "plain" exists before the count, so only payload tags are new.
        let host = try client.createArticleSlug(by: author, tags: ["plain"])
        let before = try SecurityProbe.rowCounts(gateway)
        var articles = 0
        var tags = 0
        var comments = 0

        for payload in InjectionPayloads.fields {
            let trimmed = payload.trimmingCharacters(in: .whitespaces)
            for field in ["title", "description", "body", "tagList"] {
                var fields: [String: Any] = [
                    "title": Unique.name("Title"), "description": "d", "body": "b", "tagList": ["plain"],
                ]
                fields[field] = field == "tagList" ? [payload] : payload
                let created = try self.probe(
                    client,
                    "POST",
                    "/api/articles",
                    token: author.token,
                    json: ["article": fields],
                    expect: [201, 422],
                    field
                )
                guard created.status == 201, let slug = created.object("article")?["slug"] as? String else {
                    continue
                }
                articles += 1
                if field == "tagList" {
                    tags += 1
                }
                let read = try client.request("GET", "/api/articles/\(SecurityProbe.percentEncoded(slug))")
                for article in [created.object("article"), read.object("article")] {
                    switch field {
                    case "tagList":
                        XCTAssertEqual(article?["tagList"] as? [String], [trimmed], field)
                    case "body":
                        XCTAssertEqual(article?["body"] as? String, payload, field)
                    default:
                        XCTAssertEqual(article?[field] as? String, trimmed, field)
                    }
                }
                // Updating with the payload changes the article, never the row counts.
                let update = try self.probe(
                    client,
                    "PUT",
                    "/api/articles/\(SecurityProbe.percentEncoded(slug))",
                    token: author.token,
                    json: ["article": ["description": payload, "body": payload]],
                    expect: [200, 422],
                    "update"
                )
                if update.status == 200 {
                    XCTAssertEqual(update.object("article")?["body"] as? String, payload)
                    XCTAssertEqual(update.object("article")?["description"] as? String, trimmed)
                }
            }
            let comment = try self.probe(
                client,
                "POST",
                "/api/articles/\(host)/comments",
                token: author.token,
                json: ["comment": ["body": payload]],
                expect: [201, 422],
                "comment"
            )
            if comment.status == 201 {
                comments += 1
                XCTAssertEqual(comment.object("comment")?["body"] as? String, payload)
            }
        }
        let stored = try client.request("GET", "/api/articles/\(host)/comments").list("comments") ?? []
        XCTAssertEqual(stored.count, comments)
        XCTAssertEqual(
            Set(stored.compactMap { $0["body"] as? String }),
            Set(InjectionPayloads.fields.filter { !$0.contains("\u{0}") && $0.utf8.count <= 16_384 }),
            "every acceptable payload stored verbatim as a comment"
        )

        var expected = before
        expected["articles", default: 0] += articles
        // Each accepted tag payload is one new tag and one link; every other article links "plain".
        expected["tags", default: 0] += tags
        expected["article_tags", default: 0] += articles
        expected["comments", default: 0] += comments
        XCTAssertEqual(try SecurityProbe.rowCounts(gateway), expected)
    }
}
