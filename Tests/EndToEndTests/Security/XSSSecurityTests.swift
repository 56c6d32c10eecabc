import Foundation
import XCTest

/// Rookery is a JSON API: markup in user content is data, stored and returned exactly as sent
/// inside JSON strings (escaping for HTML is the front end's job), every response says it is
/// JSON and forbids MIME sniffing, and nothing a client sends is reflected into an error.
final class XSSSecurityTests: SharedGatewayTestCase {
    static let payloads = [
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "'><svg/onload=alert(1)>",
        "</textarea><script>alert(document.cookie)</script>",
        "</script><script>alert(1)</script>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<a href=\"&#106;avascript:alert(1)\">x</a>",
        "javascript:alert(1)",
        "'';!--\"<XSS>=&{()}",
        "<scr<script>ipt>alert(1)</scr</script>ipt>",
        "{{constructor.constructor('alert(1)')()}}",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "\u{FF1C}script\u{FF1E}alert(1)\u{FF1C}/script\u{FF1E}",
        "<img src=x\u{2028}onerror=alert(1)\u{2029}>",
        "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    ]

    /// JSON with `nosniff`: a browser opened on the URL shows text, it never runs it as HTML.
    private func assertInertJSON(
        _ response: TestResponse,
        _ label: String,
        file: StaticString = #filePath,
        line: UInt = #line
    ) {
        let type = response.header("content-type") ?? "(none)"
        XCTAssertTrue(type.hasPrefix("application/json"), "\(label): Content-Type \(type)", file: file, line: line)
        XCTAssertEqual(
            response.header("x-content-type-options"),
            "nosniff",
            "\(label): X-Content-Type-Options",
            file: file,
            line: line
        )
    }

    func testMarkupInArticlesCommentsAndBioIsStoredAndReturnedVerbatim() throws {
        let client = APIClient(try self.gateway())
        let user = try client.patientRegister("xss")
        for payload in Self.payloads {
            // bio
            let update = try client.send("PUT", "/api/user", token: user.token, json: ["user": ["bio": payload]])
            XCTAssertEqual(update.status, 200, update.text)
            XCTAssertEqual(update.object("user")?["bio"] as? String, payload)
            self.assertInertJSON(update, "PUT /api/user")
            let profile = try client.request("GET", "/api/profiles/\(user.username)")
            XCTAssertEqual(profile.object("profile")?["bio"] as? String, payload)
            self.assertInertJSON(profile, "GET profile")

            // article: every text field and a tag
            let created = try client.send(
                "POST",
                "/api/articles",
                token: user.token,
                json: [
                    "article": [
                        "title": payload, "description": payload, "body": payload, "tagList": [payload, "xss"],
                    ]
                ]
            )
            XCTAssertEqual(created.status, 201, "\(payload): \(created.text)")
            self.assertInertJSON(created, "POST article")
            let slug = try XCTUnwrap(created.object("article")?["slug"] as? String)
            XCTAssertNil(slug.rangeOfCharacter(from: CharacterSet(charactersIn: "<>\"'&%")), "slug \(slug)")
            let single = try client.request("GET", "/api/articles/\(slug)")
            self.assertInertJSON(single, "GET article")
            for article in [created.object("article"), single.object("article")] {
                XCTAssertEqual(article?["title"] as? String, payload, "title")
                XCTAssertEqual(article?["description"] as? String, payload, "description")
                XCTAssertEqual(article?["body"] as? String, payload, "body")
                let inNameOrder = [payload, "xss"].sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                XCTAssertEqual(article?["tagList"] as? [String], inNameOrder, "tagList")
                XCTAssertEqual((article?["author"] as? [String: Any])?["bio"] as? String, payload, "author bio")
            }
            let list = try client.request("GET", "/api/articles?author=\(user.username)&limit=100")
            self.assertInertJSON(list, "GET articles")
            let item = list.list("articles")?.first { $0["slug"] as? String == slug }
            XCTAssertEqual(item?["title"] as? String, payload, "list title")
            XCTAssertEqual(item?["description"] as? String, payload, "list description")
            let byTag = try client.request("GET", "/api/articles?tag=\(SecurityProbe.percentEncoded(payload))")
            XCTAssertEqual(byTag.list("articles")?.first?["slug"] as? String, slug, "the tag filter finds it")

            // comment
            let comment = try client.send(
                "POST",
                "/api/articles/\(slug)/comments",
                token: user.token,
                json: ["comment": ["body": payload]]
            )
            XCTAssertEqual(comment.status, 201, comment.text)
            XCTAssertEqual(comment.object("comment")?["body"] as? String, payload)
            self.assertInertJSON(comment, "POST comment")
            let comments = try client.request("GET", "/api/articles/\(slug)/comments")
            XCTAssertEqual(comments.list("comments")?.first?["body"] as? String, payload)
            self.assertInertJSON(comments, "GET comments")
        }
        let tags = try client.request("GET", "/api/tags")
        self.assertInertJSON(tags, "GET tags")
        XCTAssertTrue(
            Set(tags.json?["tags"] as? [String] ?? []).isSuperset(of: Self.payloads),
            "tags are listed verbatim"
        )
    }

    func testMarkupInPathsAndHeadersIsNotReflected() throws {
        let client = APIClient(try self.gateway())
        for payload in Self.payloads {
            let segment = SecurityProbe.percentEncoded(payload)
            let cases: [(String, String)] = [
                ("/api/profiles/\(segment)", #"{"errors":{"profile":["not found"]}}"#),
                ("/api/articles/\(segment)", #"{"errors":{"article":["not found"]}}"#),
                ("/api/articles/\(segment)/comments", #"{"errors":{"article":["not found"]}}"#),
                ("/api/\(segment)", #"{"errors":{"route":["not found"]}}"#),
            ]
            for (path, body) in cases {
                let response = try client.request("GET", path)
                XCTAssertEqual(response.status, 404, path)
                XCTAssertEqual(response.text, body, path)
                self.assertInertJSON(response, path)
            }
            // Header values are not echoed either: a hostile request id or origin is replaced.
            let echoed = try client.request(
                "GET",
                "/api/tags",
                headers: [("X-Request-Id", payload), ("Origin", payload)]
            )
            XCTAssertEqual(echoed.status, 200)
            XCTAssertNotEqual(echoed.header("x-request-id"), payload)
            XCTAssertEqual(echoed.header("access-control-allow-origin"), "*")
            self.assertInertJSON(echoed, "GET tags with hostile headers")
        }
    }

    func testEveryResponseSaysWhatItIsAndForbidsSniffing() throws {
        let gateway = try self.gateway()
        let client = APIClient(gateway)
        let user = try client.patientRegister("hdr")
        var responses: [(String, TestResponse)] = [
            ("200 tags", try client.request("GET", "/api/tags")),
            ("200 user", try client.request("GET", "/api/user", token: user.token)),
            ("401", try client.request("GET", "/api/user")),
            ("404", try client.request("GET", "/api/nothing-here")),
            ("405", try client.request("PATCH", "/api/tags")),
            ("422", try client.request("POST", "/api/users", body: "{")),
            ("413", try client.request("POST", "/api/users", body: String(repeating: "x", count: 1_048_577))),
        ]
        let malformed = try RawHTTPConnection(port: gateway.port)
        try malformed.send("THIS IS NOT HTTP\r\n\r\n")
        responses.append(("400", try malformed.readResponse()))
        for (label, response) in responses {
            XCTAssertNotNil(response.header("content-type"), "\(label): a Content-Type")
            XCTAssertEqual(response.header("x-content-type-options"), "nosniff", "\(label): nosniff")
            XCTAssertNil(response.header("server"), "\(label): no Server banner")
            XCTAssertNil(response.header("x-powered-by"), "\(label): no X-Powered-By")
        }
        let document = try client.request("GET", "/api/openapi.yml")
        XCTAssertEqual(document.header("x-content-type-options"), "nosniff", "openapi.yml")
        XCTAssertTrue(document.header("content-type")?.hasPrefix("application/yaml") ?? false)
        let preflight = try client.request("OPTIONS", "/api/articles")
        XCTAssertEqual(preflight.status, 204)
        XCTAssertEqual(preflight.header("x-content-type-options"), "nosniff", "204 preflight")
    }

    func testResponsesToAuthenticatedRequestsAreNotCacheable() throws {
        let client = APIClient(try self.gateway())
        let user = try client.patientRegister("cache")
        let slug = try client.createArticleSlug(by: user)
        let authenticated: [(String, TestResponse)] = [
            ("GET /api/user", try client.request("GET", "/api/user", token: user.token)),
            ("GET /api/articles/feed", try client.request("GET", "/api/articles/feed", token: user.token)),
            ("GET /api/articles (viewer)", try client.request("GET", "/api/articles", token: user.token)),
            ("GET /api/articles/:slug (viewer)", try client.request("GET", "/api/articles/\(slug)", token: user.token)),
            (
                "PUT /api/user",
                try client.send("PUT", "/api/user", token: user.token, json: ["user": ["bio": "b"]])
            ),
        ]
        for (label, response) in authenticated {
            XCTAssertEqual(response.status, 200, label)
            let cacheControl = response.header("cache-control") ?? "(none)"
            XCTAssertTrue(cacheControl.contains("no-store"), "\(label): Cache-Control \(cacheControl)")
        }
    }

    /// Registration and login carry no credentials but answer with a token: the worker marks
    /// those answers no-store itself (the gateway knows no API route).
    func testAnswersCarryingATokenAreNotCacheable() throws {
        let client = APIClient(try self.gateway())
        let user = try client.patientRegister("tokencache")
        let registered = try client.patientSend(
            "POST",
            "/api/users",
            json: [
                "user": [
                    "username": Unique.name("tc"), "email": "\(Unique.name("tc"))@example.com",
                    "password": "password123",
                ]
            ]
        )
        let login = try client.patientSend(
            "POST",
            "/api/users/login",
            json: ["user": ["email": user.email, "password": user.password]]
        )
        for (label, response) in [("register", registered), ("login", login)] {
            XCTAssertEqual(response.status, label == "register" ? 201 : 200, "\(label): \(response.text)")
            XCTAssertEqual(response.header("cache-control"), "no-store", label)
        }
        let tags = try client.request("GET", "/api/tags")
        XCTAssertNil(tags.header("cache-control"), "an anonymous answer without a token stays cacheable")
    }
}
