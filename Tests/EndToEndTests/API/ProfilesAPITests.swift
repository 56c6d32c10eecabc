import Foundation
import XCTest

/// Profiles, follow and unfollow, over real HTTP.
final class ProfilesAPITests: SharedGatewayTestCase {
    private func client() throws -> APIClient {
        APIClient(try self.gateway())
    }

    func testProfileIsPublicAndMatchesUsernameIgnoringCase() throws {
        let client = try self.client()
        let user = try client.register("Prof")
        let response = try client.request("GET", "/api/profiles/\(user.username.uppercased())")
        XCTAssertEqual(response.status, 200, response.text)
        let profile = try XCTUnwrap(response.object("profile"))
        XCTAssertEqual(profile["username"] as? String, user.username)
        XCTAssertTrue(profile["bio"] is NSNull)
        XCTAssertTrue(profile["image"] is NSNull)
        XCTAssertEqual(profile["following"] as? Bool, false)
        XCTAssertNil(profile["email"], "no private fields")
    }

    func testFollowAndUnfollowAreIdempotentAndPersonaliseTheProfile() throws {
        let client = try self.client()
        let follower = try client.register("fan")
        let author = try client.register("star")
        for _ in 0..<2 {
            let follow = try client.request("POST", "/api/profiles/\(author.username)/follow", token: follower.token)
            XCTAssertEqual(follow.status, 200, follow.text)
            XCTAssertEqual(follow.object("profile")?["following"] as? Bool, true)
        }
        let seen = try client.request("GET", "/api/profiles/\(author.username)", token: follower.token)
        XCTAssertEqual(seen.object("profile")?["following"] as? Bool, true)
        let anonymous = try client.request("GET", "/api/profiles/\(author.username)")
        XCTAssertEqual(anonymous.object("profile")?["following"] as? Bool, false)
        let reverse = try client.request("GET", "/api/profiles/\(follower.username)", token: author.token)
        XCTAssertEqual(reverse.object("profile")?["following"] as? Bool, false, "following is one-way")

        for _ in 0..<2 {
            let unfollow = try client.request(
                "DELETE",
                "/api/profiles/\(author.username)/follow",
                token: follower.token
            )
            XCTAssertEqual(unfollow.status, 200, unfollow.text)
            XCTAssertEqual(unfollow.object("profile")?["following"] as? Bool, false)
        }
        let after = try client.request("GET", "/api/profiles/\(author.username)", token: follower.token)
        XCTAssertEqual(after.object("profile")?["following"] as? Bool, false)
    }

    func testUnknownProfileIs404() throws {
        let client = try self.client()
        let user = try client.register("seeker")
        let notFound = #"{"errors":{"profile":["not found"]}}"#
        let get = try client.request("GET", "/api/profiles/\(Unique.name("nobody"))")
        XCTAssertEqual(get.status, 404)
        XCTAssertEqual(get.text, notFound)
        for method in ["POST", "DELETE"] {
            let response = try client.request(
                method,
                "/api/profiles/\(Unique.name("nobody"))/follow",
                token: user.token
            )
            XCTAssertEqual(response.status, 404, method)
            XCTAssertEqual(response.text, notFound, method)
        }
    }

    func testFollowNeedsATokenAndYouCannotFollowYourself() throws {
        let client = try self.client()
        let user = try client.register("self")
        for method in ["POST", "DELETE"] {
            let response = try client.request(method, "/api/profiles/\(user.username)/follow")
            XCTAssertEqual(response.status, 401, method)
            XCTAssertEqual(response.text, #"{"errors":{"token":["is missing"]}}"#)
        }
        let invalid = try client.request("GET", "/api/profiles/\(user.username)", token: "garbage")
        XCTAssertEqual(invalid.status, 401, "an optional token must still be valid")

        let selfFollow = try client.request("POST", "/api/profiles/\(user.username)/follow", token: user.token)
        XCTAssertEqual(selfFollow.status, 422)
        XCTAssertEqual(selfFollow.text, #"{"errors":{"profile":["cannot follow yourself"]}}"#)
    }
}
