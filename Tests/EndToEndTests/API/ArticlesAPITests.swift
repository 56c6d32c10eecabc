import Foundation
import XCTest

/// Article create, read, update, delete, slugs and list pagination, over real HTTP.
final class ArticlesAPITests: SharedGatewayTestCase {
    private func client() throws -> APIClient {
        APIClient(try self.gateway())
    }

    func testCreateReadUpdateDelete() throws {
        let client = try self.client()
        let author = try client.register("writer")
        let title = "How to Train Your Dragon " + Unique.name("x")
        let article = try client.createArticle(
            by: author,
            title: "  \(title)  ",
            description: "Ever wonder how?",
            body: "You have to believe",
            tags: ["dragons", "training", "dragons", " angular "]
        )
        let slug = try XCTUnwrap(article["slug"] as? String)
        XCTAssertTrue(slug.hasPrefix("how-to-train-your-dragon-x-"), slug)
        XCTAssertEqual(article["title"] as? String, title, "trimmed")
        XCTAssertEqual(article["body"] as? String, "You have to believe")
        XCTAssertEqual(article["tagList"] as? [String], ["angular", "dragons", "training"], "sorted, deduped")
        XCTAssertEqual(article["favorited"] as? Bool, false)
        XCTAssertEqual(article["favoritesCount"] as? Int, 0)
        XCTAssertEqual((article["author"] as? [String: Any])?["username"] as? String, author.username)
        XCTAssertTrue(isMillisecondTimestamp(article["createdAt"]), "\(article["createdAt"] ?? "nil")")
        XCTAssertTrue(isMillisecondTimestamp(article["updatedAt"]))

        let read = try client.request("GET", "/api/articles/\(slug)")
        XCTAssertEqual(read.status, 200)
        XCTAssertEqual(read.object("article")?["body"] as? String, "You have to believe")
        XCTAssertEqual(read.object("article")?["tagList"] as? [String], ["angular", "dragons", "training"])

        usleep(20_000)
        let newTitle = "Renamed " + Unique.name("t")
        let updated = try client.send(
            "PUT",
            "/api/articles/\(slug)",
            token: author.token,
            json: ["article": ["title": newTitle, "body": "New body"]]
        )
        XCTAssertEqual(updated.status, 200, updated.text)
        let changed = try XCTUnwrap(updated.object("article"))
        let newSlug = try XCTUnwrap(changed["slug"] as? String)
        XCTAssertTrue(newSlug.hasPrefix("renamed-t-"), newSlug)
        XCTAssertEqual(changed["description"] as? String, "Ever wonder how?", "omitted: kept")
        XCTAssertEqual(changed["body"] as? String, "New body")
        XCTAssertEqual(changed["createdAt"] as? String, article["createdAt"] as? String)
        XCTAssertNotEqual(changed["updatedAt"] as? String, article["updatedAt"] as? String, "milliseconds move")
        XCTAssertEqual(try client.request("GET", "/api/articles/\(slug)").status, 404, "the old slug is gone")

        let deleted = try client.request("DELETE", "/api/articles/\(newSlug)", token: author.token)
        XCTAssertEqual(deleted.status, 204)
        XCTAssertEqual(deleted.body, [])
        let gone = try client.request("GET", "/api/articles/\(newSlug)")
        XCTAssertEqual(gone.status, 404)
        XCTAssertEqual(gone.text, #"{"errors":{"article":["not found"]}}"#)
    }

    func testAListItemIsTheSingleArticleWithoutItsBody() throws {
        // Lists are rendered from binary results, single articles from text rows: both must
        // give the same item, escaping, unicode, tag order and timestamps included.
        let client = try self.client()
        let author = try client.register("renderer")
        let reader = try client.register("reader")
        try client.follow(author.username, by: reader)
        let slug = try XCTUnwrap(
            client.createArticle(
                by: author,
                title: "Quotes \" and \\ backslashes " + Unique.name("q"),
                description: "Tab\tnewline\n, control \u{1}, emoji 🐦 and é",
                body: "not in lists",
                tags: ["zeta", "ünïcode", "a\"quote"]
            )["slug"] as? String
        )
        let favorited = try client.request("POST", "/api/articles/\(slug)/favorite", token: reader.token)
        XCTAssertEqual(favorited.status, 200, favorited.text)
        for token in [nil, reader.token] {
            var single = try XCTUnwrap(client.request("GET", "/api/articles/\(slug)", token: token).object("article"))
            single.removeValue(forKey: "body")
            let list = try client.request("GET", "/api/articles?author=\(author.username)", token: token)
            let items = try XCTUnwrap(list.json?["articles"] as? [[String: Any]])
            let item = try XCTUnwrap(items.first)
            XCTAssertNil(item["body"])
            XCTAssertEqual(NSDictionary(dictionary: item), NSDictionary(dictionary: single), "token: \(token != nil)")
        }
    }

    func testDuplicateTitlesGetDistinctSlugs() throws {
        let client = try self.client()
        let author = try client.register("dup")
        let title = "Same Title " + Unique.name("d")
        let base = title.lowercased().replacingOccurrences(of: " ", with: "-")
        let slugs = try (0..<3).map { _ in try client.createArticleSlug(by: author, title: title) }
        XCTAssertEqual(Set(slugs).count, 3, "\(slugs)")
        XCTAssertEqual(slugs[0], base)
        for slug in slugs.dropFirst() {
            XCTAssertNotNil(
                slug.range(of: "^\(base)-[a-z0-9]{6}$", options: .regularExpression),
                "\(slug): the base and a random suffix"
            )
        }
        let feed = try client.createArticleSlug(by: author, title: "Feed")
        XCTAssertNotEqual(feed, "feed", "a slug never shadows /api/articles/feed")
    }

    func testTagListUpdateSemantics() throws {
        let client = try self.client()
        let author = try client.register("tagger")
        let slug = try client.createArticleSlug(by: author, tags: ["one", "two"])
        func update(_ fields: [String: Any]) throws -> TestResponse {
            try client.send("PUT", "/api/articles/\(slug)", token: author.token, json: ["article": fields])
        }
        let omitted = try update(["body": "changed"])
        XCTAssertEqual(omitted.status, 200, omitted.text)
        XCTAssertEqual(omitted.object("article")?["tagList"] as? [String], ["one", "two"], "omitted keeps")

        let replaced = try update(["tagList": ["three", "one"]])
        XCTAssertEqual(replaced.object("article")?["tagList"] as? [String], ["one", "three"], "in name order")
        let reread = try client.request("GET", "/api/articles/\(slug)")
        XCTAssertEqual(reread.object("article")?["tagList"] as? [String], ["one", "three"])

        let null = try update(["tagList": NSNull()])
        XCTAssertEqual(null.status, 422)
        XCTAssertEqual(null.text, #"{"errors":{"tagList":["must be a list of strings"]}}"#)
        let nullTitle = try update(["title": NSNull()])
        XCTAssertEqual(nullTitle.status, 422)
        XCTAssertEqual(nullTitle.text, #"{"errors":{"title":["can't be blank"]}}"#)

        let cleared = try update(["tagList": [String]()])
        XCTAssertEqual(cleared.status, 200)
        XCTAssertEqual(cleared.object("article")?["tagList"] as? [String], [], "[] clears")
        let after = try client.request("GET", "/api/articles/\(slug)")
        XCTAssertEqual(after.object("article")?["tagList"] as? [String], [])
    }

    func testAnotherUsersArticleIs403AndUnchanged() throws {
        let client = try self.client()
        let author = try client.register("owner")
        let intruder = try client.register("intruder")
        let slug = try client.createArticleSlug(by: author)
        let forbidden = #"{"errors":{"article":["forbidden"]}}"#
        let put = try client.send(
            "PUT",
            "/api/articles/\(slug)",
            token: intruder.token,
            json: ["article": ["body": "mine now"]]
        )
        XCTAssertEqual(put.status, 403)
        XCTAssertEqual(put.text, forbidden)
        let delete = try client.request("DELETE", "/api/articles/\(slug)", token: intruder.token)
        XCTAssertEqual(delete.status, 403)
        XCTAssertEqual(delete.text, forbidden)
        let read = try client.request("GET", "/api/articles/\(slug)")
        XCTAssertEqual(read.object("article")?["body"] as? String, "The body.")
    }

    func testUnknownSlugIs404AndWritesNeedAToken() throws {
        let client = try self.client()
        let user = try client.register("lost")
        let slug = Unique.name("no-such-article")
        let notFound = #"{"errors":{"article":["not found"]}}"#
        let requests: [(String, String, String?)] = [
            ("GET", "/api/articles/\(slug)", nil),
            ("PUT", "/api/articles/\(slug)", #"{"article":{"body":"x"}}"#),
            ("DELETE", "/api/articles/\(slug)", nil),
            ("POST", "/api/articles/\(slug)/favorite", nil),
            ("DELETE", "/api/articles/\(slug)/favorite", nil),
            ("GET", "/api/articles/\(slug)/comments", nil),
            ("POST", "/api/articles/\(slug)/comments", #"{"comment":{"body":"x"}}"#),
            ("DELETE", "/api/articles/\(slug)/comments/1", nil),
        ]
        for (method, path, body) in requests {
            let response = try client.request(method, path, token: user.token, body: body)
            XCTAssertEqual(response.status, 404, "\(method) \(path)")
            XCTAssertEqual(response.text, notFound, "\(method) \(path)")
        }
        let anonymousWrite = try client.send(
            "POST",
            "/api/articles",
            json: ["article": ["title": "t", "description": "d", "body": "b"]]
        )
        XCTAssertEqual(anonymousWrite.status, 401)
        XCTAssertEqual(anonymousWrite.text, #"{"errors":{"token":["is missing"]}}"#)
    }

    func testListFiltersPaginationAndClamping() throws {
        let client = try self.client()
        let author = try client.register("Lister")
        let tag = Unique.name("page")
        var slugs: [String] = []
        for index in 0..<5 {
            slugs.append(try client.createArticleSlug(by: author, title: "Page \(index) \(tag)", tags: [tag]))
        }
        let newestFirst = Array(slugs.reversed())
        func list(_ query: String) throws -> (slugs: [String], count: Int?, items: [[String: Any]]) {
            let response = try client.request("GET", "/api/articles?tag=\(tag)&\(query)")
            XCTAssertEqual(response.status, 200, response.text)
            let items = response.list("articles") ?? []
            return (items.compactMap { $0["slug"] as? String }, response.json?["articlesCount"] as? Int, items)
        }
        let all = try list("")
        XCTAssertEqual(all.slugs, newestFirst)
        XCTAssertEqual(all.count, 5)
        XCTAssertTrue(all.items.allSatisfy { $0["body"] == nil }, "list items carry no body")

        let page = try list("limit=2&offset=1")
        XCTAssertEqual(page.slugs, Array(newestFirst[1...2]))
        XCTAssertEqual(page.count, 5, "articlesCount is the total, not the page size")
        XCTAssertEqual(try list("offset=4").slugs, [newestFirst[4]])
        let past = try list("offset=10")
        XCTAssertEqual(past.slugs, [])
        XCTAssertEqual(past.count, 5, "the total even past the end")

        XCTAssertEqual(try list("limit=0").slugs, [newestFirst[0]], "limit 0 → 1")
        XCTAssertEqual(try list("limit=-3").slugs.count, 1, "negative limit → 1")
        XCTAssertEqual(try list("limit=500").slugs.count, 5, "limit 500 → 100")
        XCTAssertEqual(try list("offset=-20").slugs, newestFirst, "negative offset → 0")
        XCTAssertEqual(try list("limit=&offset=").slugs, newestFirst, "empty values count as absent")

        let byAuthor = try client.request("GET", "/api/articles?author=\(author.username.uppercased())&tag=\(tag)")
        XCTAssertEqual(byAuthor.json?["articlesCount"] as? Int, 5, "author matched ignoring case")
        let otherAuthor = try client.request("GET", "/api/articles?author=\(Unique.name("nobody"))&tag=\(tag)")
        XCTAssertEqual(otherAuthor.json?["articlesCount"] as? Int, 0, "filters combine")

        let badLimit = try client.request("GET", "/api/articles?limit=ten&offset=1.5")
        XCTAssertEqual(badLimit.status, 422)
        XCTAssertEqual(badLimit.text, #"{"errors":{"limit":["must be an integer"],"offset":["must be an integer"]}}"#)
    }

    func testListOfHundredAndOneArticlesIsCappedAtHundred() throws {
        let gateway = try self.gateway()
        let client = APIClient(gateway)
        let author = try client.register("bulk")
        let tag = Unique.name("bulk")
        // Seeded in SQL: 101 API round trips would only slow the suite down.
        _ = try gateway.psql(
            """
            INSERT INTO tags (name) VALUES ('\(tag)');
            INSERT INTO articles (slug, author_id, title, description, body)
                SELECT '\(tag)-' || g, u.id, 'T', 'D', 'B' FROM users u, generate_series(1, 101) g
                WHERE u.username = '\(author.username)';
            INSERT INTO article_tags (article_id, tag_id, position)
                SELECT a.id, t.id, 1 FROM articles a, tags t WHERE a.slug LIKE '\(tag)-%' AND t.name = '\(tag)';
            """
        )
        let response = try client.request("GET", "/api/articles?tag=\(tag)&limit=1000")
        XCTAssertEqual(response.list("articles")?.count, 100)
        XCTAssertEqual(response.json?["articlesCount"] as? Int, 101)
        let defaultPage = try client.request("GET", "/api/articles?tag=\(tag)")
        XCTAssertEqual(defaultPage.list("articles")?.count, 20, "limit defaults to 20")
    }
}
