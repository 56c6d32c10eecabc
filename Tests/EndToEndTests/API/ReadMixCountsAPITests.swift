import Foundation
import XCTest

/// The lists and counts that migration 3's maintained counters and link copies, migration 4's
/// tag lists and migration 5's author copies serve (the total, per author, per tag, the feed,
/// `GET /api/tags`, every item's tags and author) against a recount in SQL, after every kind of
/// write: creates, tag-list changes, deletes, profile changes, concurrent writers sharing tags or
/// an author, and a user deleted by an operator.
final class ReadMixCountsAPITests: SharedGatewayTestCase {
    override class func makeGateway() throws -> TestGateway {
        try TestGateway(workers: 4)
    }

    func testListsAndCountsMatchARecountThroughEveryKindOfWrite() throws {
        let gateway = try self.gateway()
        let client = APIClient(gateway)
        let prefix = Unique.name("rm")
        let tags = (0..<4).map { "\(prefix)-\($0)" }
        let soloTag = "\(prefix)-solo"
        let authors = try (0..<3).map { _ in try client.register("rm-author") }
        let reader = try client.register("rm-reader")
        try client.follow(authors[0].username, by: reader)
        try client.follow(authors[1].username, by: reader)
        var recount = Recount(
            gateway: gateway,
            client: client,
            reader: reader,
            authors: authors.map(\.username),
            tags: tags + [soloTag]
        )
        try recount.verify("before any article")

        var slugs: [String] = []
        for index in 0..<6 {
            let articleTags = [tags[index % 4], tags[(index + 1) % 4]] + (index == 0 ? [soloTag] : [])
            slugs.append(try client.createArticleSlug(by: authors[index % 3], tags: articleTags))
        }
        try recount.verify("after creates")

        try self.replaceTags(of: slugs[0], by: authors[0], with: [tags[3], tags[2]], client: client)
        try self.replaceTags(of: slugs[1], by: authors[1], with: [tags[1], tags[2], tags[0], soloTag], client: client)
        try self.replaceTags(of: slugs[2], by: authors[2], with: [], client: client)
        try self.replaceTags(of: slugs[3], by: authors[0], with: nil, client: client)
        try recount.verify("after tag-list changes")

        for (slug, author) in [(slugs[1], authors[1]), (slugs[4], authors[1])] {
            XCTAssertEqual(try client.request("DELETE", "/api/articles/\(slug)", token: author.token).status, 204)
        }
        try recount.verify("after deletes")

        try self.writeConcurrently(authors: authors, tags: tags, client: client)
        try recount.verify("after concurrent writes")

        let renamed = try self.changeProfile(of: authors[2], client: client)
        recount.authors[2] = renamed
        try recount.verify("after a profile change")

        try self.changeProfileWhileWriting(author: authors[0], tags: tags, client: client)
        try recount.verify("after profile changes during the author's writes")

        _ = try gateway.psql("DELETE FROM users WHERE username = '\(authors[1].username)'")
        try recount.verify("after deleting a user with articles")
    }

    /// `PUT` with `tagList` (nil: the update leaves the tags alone).
    private func replaceTags(of slug: String, by author: APIUser, with tags: [String]?, client: APIClient) throws {
        var fields: [String: Any] = ["description": Unique.name("changed")]
        if let tags {
            fields["tagList"] = tags
        }
        let response = try client.send("PUT", "/api/articles/\(slug)", token: author.token, json: ["article": fields])
        XCTAssertEqual(response.status, 200, response.text)
        if let tags {
            let inNameOrder = tags.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            XCTAssertEqual(response.object("article")?["tagList"] as? [String], inNameOrder)
        }
    }

    /// Renames `author` and changes their bio and image; returns the new username.
    private func changeProfile(of author: APIUser, client: APIClient) throws -> String {
        let username = Unique.name("rm-renamed")
        let fields = [
            "username": username, "bio": "bio of \(username)", "image": "https://example.com/\(username).png",
        ]
        let response = try client.send("PUT", "/api/user", token: author.token, json: ["user": fields])
        XCTAssertEqual(response.status, 200, response.text)
        XCTAssertEqual(response.object("user")?["username"] as? String, username)
        return username
    }

    /// One writer changes `author`'s bio ten times while two others create and delete that
    /// author's articles. Every write locks the user's row before any article row, so none may
    /// fail (a deadlock would answer 500); the window a wrong lock order opens is narrow, so this
    /// run shows the writes succeed and the copies stay exact more than it provokes a deadlock.
    private func changeProfileWhileWriting(author: APIUser, tags: [String], client: APIClient) throws {
        let results = concurrently(3) { writer -> [Int] in
            var statuses: [Int] = []
            for round in 0..<10 {
                if writer == 0 {
                    let json: [String: Any] = ["user": ["bio": "bio \(round) \(Unique.name("b"))"]]
                    statuses.append(try client.send("PUT", "/api/user", token: author.token, json: json).status)
                } else {
                    let slug = try client.createArticleSlug(by: author, tags: [tags[round % tags.count]])
                    let path = "/api/articles/\(slug)"
                    if round.isMultiple(of: 2) {
                        statuses.append(try client.request("DELETE", path, token: author.token).status)
                    }
                }
            }
            return statuses
        }
        XCTAssertEqual(try results[0].get(), Array(repeating: 200, count: 10))
        for result in results.dropFirst() {
            XCTAssertEqual(try result.get(), Array(repeating: 204, count: 5))
        }
    }

    /// Six writers, two per author, each creating four articles on overlapping pairs of the
    /// shared tags, changing the tags of two (one tag added, one removed) and deleting two.
    private func writeConcurrently(authors: [APIUser], tags: [String], client: APIClient) throws {
        let results = concurrently(6) { writer -> [Int] in
            let author = authors[writer % authors.count]
            var statuses: [Int] = []
            for round in 0..<4 {
                let first = (writer + round) % tags.count
                let slug = try client.createArticleSlug(
                    by: author,
                    tags: [tags[first], tags[(first + 1) % tags.count]]
                )
                let path = "/api/articles/\(slug)"
                if round.isMultiple(of: 2) {
                    let newTags = [tags[(first + 2) % tags.count], tags[first]]
                    let json: [String: Any] = ["article": ["tagList": newTags]]
                    statuses.append(try client.send("PUT", path, token: author.token, json: json).status)
                } else {
                    statuses.append(try client.request("DELETE", path, token: author.token).status)
                }
            }
            return statuses
        }
        for result in results {
            XCTAssertEqual(try result.get(), [200, 204, 200, 204])
        }
    }
}

/// Compares what the API lists with what SQL recounts from the rows themselves (joining
/// `tags` for names and counting `articles` and `article_tags`, never reading the counters).
private struct Recount {
    let gateway: TestGateway
    let client: APIClient
    let reader: APIUser
    var authors: [String]
    let tags: [String]

    /// One API list page and the `articles a` condition that selects the same articles.
    struct ListCheck {
        var path: String
        var token: String? = nil
        var condition: String
        var limit = 100
        var offset = 0
    }

    func verify(_ phase: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let checks = self.listChecks()
        let recounted = try self.evaluate(
            checks.map(Self.expectedListing) + [Self.tagsInUse, Self.countersAndCopiesAgree]
        )
        guard recounted.count == checks.count + 2 else {
            XCTFail("\(phase): psql returned \(recounted)", file: file, line: line)
            return
        }
        for (check, expected) in zip(checks, recounted) {
            let listed = try self.listing(check)
            let page = "limit=\(check.limit)&offset=\(check.offset)"
            XCTAssertEqual(listed, expected, "\(phase): \(check.path) \(page)", file: file, line: line)
        }
        let tags = try self.client.request("GET", "/api/tags").json?["tags"] as? [String]
        let listedTags = tags?.joined(separator: " ")
        XCTAssertEqual(listedTags, recounted[checks.count], "\(phase): GET /api/tags", file: file, line: line)
        let agreement = recounted[checks.count + 1]
        XCTAssertEqual(agreement, "true", "\(phase): counters and link copies vs rows", file: file, line: line)
    }

    /// Every list the read mix serves from counters: the whole list, the feed and one tag also
    /// on a middle page and past the end.
    private func listChecks() -> [ListCheck] {
        let everything = ListCheck(path: "/api/articles", condition: "true")
        let feed = ListCheck(
            path: "/api/articles/feed",
            token: self.reader.token,
            condition: Self.followedBy(self.reader.username)
        )
        let byTag = self.tags.map { ListCheck(path: "/api/articles?tag=\($0)", condition: Self.tagged($0)) }
        let byAuthor = self.authors.map {
            ListCheck(path: "/api/articles?author=\($0)", condition: Self.writtenBy($0))
        }
        var checks = [everything, feed] + byTag + byAuthor
        for list in [everything, feed, byTag[0]] {
            for (limit, offset) in [(2, 1), (5, 1000)] {
                var page = list
                page.limit = limit
                page.offset = offset
                checks.append(page)
            }
        }
        return checks
    }

    /// `<articlesCount>|<slug>:<tag>,<tag>@<username>/<bio>/<image> <slug>:…` from the API.
    private func listing(_ check: ListCheck) throws -> String {
        let separator = check.path.contains("?") ? "&" : "?"
        let path = check.path + separator + "limit=\(check.limit)&offset=\(check.offset)"
        let response = try self.client.request("GET", path, token: check.token)
        guard response.status == 200, let count = response.json?["articlesCount"] as? Int,
            let articles = response.list("articles")
        else {
            throw APIClientError.unexpected("\(path): \(response.status) \(response.text)")
        }
        let items = articles.map { article in
            let tags = (article["tagList"] as? [String] ?? []).joined(separator: ",")
            let author = article["author"] as? [String: Any] ?? [:]
            let profile = ["username", "bio", "image"].map { author[$0] as? String ?? "" }.joined(separator: "/")
            return "\(article["slug"] as? String ?? "?"):\(tags)@\(profile)"
        }
        return "\(count)|" + items.joined(separator: " ")
    }

    /// The same line as `listing`, recounted in SQL.
    private static func expectedListing(_ check: ListCheck) -> String {
        """
        (SELECT count(*) FROM articles a WHERE \(check.condition))::text || '|' || COALESCE((
            SELECT string_agg(p.slug || ':' || p.tags || '@' || p.profile, ' ' ORDER BY p.created_at DESC, p.id DESC)
            FROM (
                SELECT a.id, a.slug, a.created_at, COALESCE((SELECT string_agg(t.name, ',' ORDER BY t.name COLLATE "C")
                    FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id), '') AS tags,
                    (SELECT u.username || '/' || COALESCE(u.bio, '') || '/' || COALESCE(u.image, '')
                        FROM users u WHERE u.id = a.author_id) AS profile
                FROM articles a WHERE \(check.condition)
                ORDER BY a.created_at DESC, a.id DESC LIMIT \(check.limit) OFFSET \(check.offset)
            ) p), '')
        """
    }

    private static let tagsInUse = """
        COALESCE((SELECT string_agg(t.name, ' ' ORDER BY t.name COLLATE "C") FROM tags t
            WHERE EXISTS (SELECT 1 FROM article_tags at WHERE at.tag_id = t.id)), '')
        """

    /// `true` when every maintained number equals its recount and every link's copies equal the
    /// parents', for all rows (not only those the lists above show).
    private static let countersAndCopiesAgree = """
        ((SELECT sum(s.n) FROM articles_count_shards s) = (SELECT count(*) FROM articles)
        AND NOT EXISTS (SELECT 1 FROM users u
            WHERE u.article_count <> (SELECT count(*) FROM articles a WHERE a.author_id = u.id))
        AND NOT EXISTS (SELECT 1 FROM tags t
            WHERE t.article_count + COALESCE((SELECT sum(d.delta) FROM tag_count_deltas d WHERE d.tag_id = t.id), 0)
                <> (SELECT count(*) FROM article_tags at WHERE at.tag_id = t.id))
        AND NOT EXISTS (SELECT 1 FROM article_tags at
            JOIN articles a ON a.id = at.article_id JOIN tags t ON t.id = at.tag_id
            WHERE at.article_created_at <> a.created_at OR at.tag_name <> t.name)
        AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.tag_list IS DISTINCT FROM
            ARRAY(SELECT at.tag_name FROM article_tags at WHERE at.article_id = a.id ORDER BY at.tag_name COLLATE "C"))
        AND NOT EXISTS (SELECT 1 FROM articles a JOIN users u ON u.id = a.author_id
            WHERE (a.author_username, a.author_bio, a.author_image) IS DISTINCT FROM (u.username, u.bio, u.image)))::text
        """

    /// Each text expression's value, in order, from one psql call (one snapshot).
    private func evaluate(_ expressions: [String]) throws -> [String] {
        let rows = expressions.enumerated().map { "(\($0.offset), \($0.element))" }
        let output = try self.gateway.psql(
            "SELECT v.value FROM (VALUES \(rows.joined(separator: ",\n"))) AS v(i, value) ORDER BY v.i"
        )
        return output.components(separatedBy: "\n")
    }

    private static func tagged(_ tag: String) -> String {
        "a.id IN (SELECT at.article_id FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE t.name = '\(tag)')"
    }

    private static func writtenBy(_ username: String) -> String {
        "a.author_id IN (SELECT u.id FROM users u WHERE u.username = '\(username)')"
    }

    private static func followedBy(_ username: String) -> String {
        "a.author_id IN (SELECT f.followee_id FROM follows f JOIN users r ON r.id = f.follower_id "
            + "WHERE r.username = '\(username)')"
    }
}
