import Foundation
import XCTest

/// Comments on articles, over real HTTP.
final class CommentsAPITests: SharedGatewayTestCase {
    private func client() throws -> APIClient {
        APIClient(try self.gateway())
    }

    private func comment(_ client: APIClient, _ slug: String, by user: APIUser, _ body: String) throws -> TestResponse {
        try client.send("POST", "/api/articles/\(slug)/comments", token: user.token, json: ["comment": ["body": body]])
    }

    func testAddListAndDeleteComments() throws {
        let client = try self.client()
        let author = try client.register("poster")
        let reader = try client.register("reader")
        let slug = try client.createArticleSlug(by: author)

        let empty = try client.request("GET", "/api/articles/\(slug)/comments")
        XCTAssertEqual(empty.status, 200)
        XCTAssertEqual(empty.text, #"{"comments":[]}"#)

        let first = try self.comment(client, slug, by: reader, "First!")
        XCTAssertEqual(first.status, 201, first.text)
        let created = try XCTUnwrap(first.object("comment"))
        let firstID = try XCTUnwrap(created["id"] as? Int)
        XCTAssertEqual(created["body"] as? String, "First!")
        XCTAssertTrue(isMillisecondTimestamp(created["createdAt"]))
        XCTAssertTrue(isMillisecondTimestamp(created["updatedAt"]))
        let commenter = try XCTUnwrap(created["author"] as? [String: Any])
        XCTAssertEqual(commenter["username"] as? String, reader.username)
        XCTAssertEqual(commenter["following"] as? Bool, false)
        let second = try self.comment(client, slug, by: author, "  Thanks  ")
        XCTAssertEqual(second.object("comment")?["body"] as? String, "  Thanks  ", "stored as sent")

        try client.follow(author.username, by: reader)
        let listed = try client.request("GET", "/api/articles/\(slug)/comments", token: reader.token)
        let comments = try XCTUnwrap(listed.list("comments"))
        XCTAssertEqual(comments.compactMap { $0["body"] as? String }, ["First!", "  Thanks  "], "oldest first")
        XCTAssertEqual((comments[1]["author"] as? [String: Any])?["following"] as? Bool, true, "personalised")

        let deleted = try client.request("DELETE", "/api/articles/\(slug)/comments/\(firstID)", token: reader.token)
        XCTAssertEqual(deleted.status, 204)
        XCTAssertEqual(deleted.body, [])
        let after = try client.request("GET", "/api/articles/\(slug)/comments")
        XCTAssertEqual(after.list("comments")?.count, 1)
    }

    func testAnotherUsersCommentIs403() throws {
        let client = try self.client()
        let author = try client.register("c-owner")
        let other = try client.register("c-other")
        let slug = try client.createArticleSlug(by: author)
        let id = try XCTUnwrap(try self.comment(client, slug, by: author, "mine").object("comment")?["id"] as? Int)
        let response = try client.request("DELETE", "/api/articles/\(slug)/comments/\(id)", token: other.token)
        XCTAssertEqual(response.status, 403)
        XCTAssertEqual(response.text, #"{"errors":{"comment":["forbidden"]}}"#)
        XCTAssertEqual(try client.request("GET", "/api/articles/\(slug)/comments").list("comments")?.count, 1)
    }

    func testUnknownCommentAndArticleAre404() throws {
        let client = try self.client()
        let author = try client.register("c-lost")
        let slug = try client.createArticleSlug(by: author)
        let otherSlug = try client.createArticleSlug(by: author)
        let id = try XCTUnwrap(try self.comment(client, otherSlug, by: author, "x").object("comment")?["id"] as? Int)
        let notFound = #"{"errors":{"comment":["not found"]}}"#
        for commentID in ["999999999", "abc", "\(id)"] {
            let response = try client.request(
                "DELETE",
                "/api/articles/\(slug)/comments/\(commentID)",
                token: author.token
            )
            XCTAssertEqual(response.status, 404, "comment \(commentID)")
            XCTAssertEqual(response.text, notFound, "comment \(commentID) (on another article)")
        }
        let article = try client.request("GET", "/api/articles/\(Unique.name("nope"))/comments")
        XCTAssertEqual(article.status, 404)
        XCTAssertEqual(article.text, #"{"errors":{"article":["not found"]}}"#)
    }

    func testCommentValidationAndAuth() throws {
        let client = try self.client()
        let author = try client.register("c-val")
        let slug = try client.createArticleSlug(by: author)
        let blank = try self.comment(client, slug, by: author, " \n ")
        XCTAssertEqual(blank.status, 422)
        XCTAssertEqual(blank.text, #"{"errors":{"body":["can't be blank"]}}"#)
        let missing = try client.send(
            "POST",
            "/api/articles/\(slug)/comments",
            token: author.token,
            json: ["comment": [:] as [String: Any]]
        )
        XCTAssertEqual(missing.text, #"{"errors":{"body":["can't be blank"]}}"#)
        let tooLong = try self.comment(client, slug, by: author, String(repeating: "é", count: 8193))
        XCTAssertEqual(tooLong.status, 422)
        XCTAssertEqual(tooLong.text, #"{"errors":{"body":["is too long (maximum is 16384 bytes)"]}}"#)
        let atLimit = try self.comment(client, slug, by: author, String(repeating: "c", count: 16384))
        XCTAssertEqual(atLimit.status, 201)

        let anonymous = try client.send("POST", "/api/articles/\(slug)/comments", json: ["comment": ["body": "hi"]])
        XCTAssertEqual(anonymous.status, 401)
        XCTAssertEqual(anonymous.text, #"{"errors":{"token":["is missing"]}}"#)
        let anonymousDelete = try client.request("DELETE", "/api/articles/\(slug)/comments/1")
        XCTAssertEqual(anonymousDelete.status, 401)
    }
}
