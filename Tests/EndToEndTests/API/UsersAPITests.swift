import Foundation
import XCTest

/// Registration, login, the current user and its update, over real HTTP.
final class UsersAPITests: SharedGatewayTestCase {
    private func client() throws -> APIClient {
        APIClient(try self.gateway())
    }

    func testRegisterAnswers201WithATokenAndNullBioAndImage() throws {
        let client = try self.client()
        let username = Unique.name("Reg")
        let response = try client.send(
            "POST",
            "/api/users",
            json: ["user": ["username": username, "email": "\(username)@Example.com", "password": "password123"]]
        )
        XCTAssertEqual(response.status, 201, response.text)
        XCTAssertEqual(response.header("content-type"), "application/json; charset=utf-8")
        XCTAssertNotNil(response.header("x-request-id"))
        let user = try XCTUnwrap(response.object("user"))
        XCTAssertEqual(user["username"] as? String, username, "stored as sent")
        XCTAssertEqual(user["email"] as? String, "\(username)@Example.com")
        XCTAssertTrue(user["bio"] is NSNull)
        XCTAssertTrue(user["image"] is NSNull)
        let token = try XCTUnwrap(user["token"] as? String)
        XCTAssertEqual(token.split(separator: ".").count, 3, "a JWT")

        let current = try client.request("GET", "/api/user", token: token)
        XCTAssertEqual(current.status, 200)
        XCTAssertEqual(current.object("user")?["username"] as? String, username)
        XCTAssertEqual(current.object("user")?["token"] as? String, token, "the token is echoed")
    }

    func testLoginIgnoresEmailCaseAndRefusesWrongCredentialsAlike() throws {
        let client = try self.client()
        let user = try client.register("login")
        let login = try client.send(
            "POST",
            "/api/users/login",
            json: ["user": ["email": user.email.uppercased(), "password": user.password]]
        )
        XCTAssertEqual(login.status, 200, login.text)
        XCTAssertEqual(login.object("user")?["username"] as? String, user.username)
        let token = try XCTUnwrap(login.object("user")?["token"] as? String)
        XCTAssertEqual(try client.request("GET", "/api/user", token: token).status, 200)

        let wrongPassword = try client.send(
            "POST",
            "/api/users/login",
            json: ["user": ["email": user.email, "password": "wrong-password"]]
        )
        XCTAssertEqual(wrongPassword.status, 401)
        XCTAssertEqual(wrongPassword.text, #"{"errors":{"credentials":["invalid"]}}"#)
        let unknownEmail = try client.send(
            "POST",
            "/api/users/login",
            json: ["user": ["email": "nobody-\(user.email)", "password": user.password]]
        )
        XCTAssertEqual(unknownEmail.status, 401)
        XCTAssertEqual(unknownEmail.text, wrongPassword.text, "no hint which one was wrong")

        let blank = try client.send("POST", "/api/users/login", json: ["user": ["email": ""]])
        XCTAssertEqual(blank.status, 422)
        XCTAssertEqual(blank.text, #"{"errors":{"email":["can't be blank"],"password":["can't be blank"]}}"#)
    }

    func testCurrentUserNeedsAValidToken() throws {
        let client = try self.client()
        let user = try client.register("token")
        let missing = try client.request("GET", "/api/user")
        XCTAssertEqual(missing.status, 401)
        XCTAssertEqual(missing.text, #"{"errors":{"token":["is missing"]}}"#)

        let invalid = #"{"errors":{"token":["is invalid"]}}"#
        for value in ["Token not-a-jwt", "Token \(user.token)x", "Basic \(user.token)", "Token", "Token a b"] {
            let response = try client.request("GET", "/api/user", headers: [("Authorization", value)])
            XCTAssertEqual(response.status, 401, value)
            XCTAssertEqual(response.text, invalid, value)
        }
        let bearer = try client.request("GET", "/api/user", headers: [("Authorization", "Bearer \(user.token)")])
        XCTAssertEqual(bearer.status, 200, "Bearer is accepted too")
        let lowercase = try client.request("GET", "/api/user", headers: [("Authorization", "token \(user.token)")])
        XCTAssertEqual(lowercase.status, 200, "the scheme is case-insensitive")
    }

    func testTokenOfADeletedUserIs401() throws {
        let gateway = try self.gateway()
        let client = APIClient(gateway)
        let user = try client.register("gone")
        _ = try gateway.psql("DELETE FROM users WHERE username = '\(user.username)'")
        let response = try client.request("GET", "/api/user", token: user.token)
        XCTAssertEqual(response.status, 401)
        XCTAssertEqual(response.text, #"{"errors":{"token":["is invalid"]}}"#)
        let update = try client.send("PUT", "/api/user", token: user.token, json: ["user": ["bio": "x"]])
        XCTAssertEqual(update.status, 401)
    }

    func testTakenUsernameAndEmailAre409IgnoringCase() throws {
        let client = try self.client()
        let first = try client.register("Taken")
        func register(_ username: String, _ email: String) throws -> TestResponse {
            try client.send(
                "POST",
                "/api/users",
                json: ["user": ["username": username, "email": email, "password": "password123"]]
            )
        }
        let sameName = try register(first.username.uppercased(), "other-\(first.email)")
        XCTAssertEqual(sameName.status, 409)
        XCTAssertEqual(sameName.text, #"{"errors":{"username":["has already been taken"]}}"#)

        let sameEmail = try register(Unique.name("other"), first.email.uppercased())
        XCTAssertEqual(sameEmail.status, 409)
        XCTAssertEqual(sameEmail.text, #"{"errors":{"email":["has already been taken"]}}"#)

        let both = try register(first.username, first.email)
        XCTAssertEqual(both.status, 409)
        XCTAssertEqual(
            both.text,
            #"{"errors":{"email":["has already been taken"],"username":["has already been taken"]}}"#
        )
    }

    func testRegistrationValidationListsEveryProblem() throws {
        let client = try self.client()
        let empty = try client.send("POST", "/api/users", json: ["user": [:] as [String: Any]])
        XCTAssertEqual(empty.status, 422)
        XCTAssertEqual(
            empty.text,
            #"{"errors":{"email":["can't be blank"],"password":["can't be blank"],"username":["can't be blank"]}}"#
        )

        let bad = try client.send(
            "POST",
            "/api/users",
            json: ["user": ["username": String(repeating: "u", count: 65), "email": "no-at-sign", "password": "short"]]
        )
        XCTAssertEqual(bad.status, 422)
        let errors = try XCTUnwrap(bad.json?["errors"] as? [String: [String]])
        XCTAssertEqual(errors["username"], ["is too long (maximum is 64 characters)"])
        XCTAssertEqual(errors["email"], ["is invalid"])
        XCTAssertEqual(errors["password"], ["is too short (minimum is 8 characters)"])

        let more = try client.send(
            "POST",
            "/api/users",
            json: [
                "user": [
                    "username": "has space", "email": String(repeating: "e", count: 250) + "@x.io",
                    "password": String(repeating: "p", count: 129),
                ]
            ]
        )
        XCTAssertEqual(more.status, 422)
        let moreErrors = try XCTUnwrap(more.json?["errors"] as? [String: [String]])
        XCTAssertEqual(moreErrors["username"], ["can only contain letters, digits, '_', '-' and '.'"])
        XCTAssertEqual(moreErrors["email"], ["is too long (maximum is 254 characters)"])
        XCTAssertEqual(moreErrors["password"], ["is too long (maximum is 128 characters)"])
    }

    func testUpdateKeepsOmittedFieldsAndClearsWithEmptyOrNull() throws {
        let client = try self.client()
        let user = try client.register("upd")
        let set = try client.send(
            "PUT",
            "/api/user",
            token: user.token,
            json: ["user": ["bio": "I write.", "image": "https://example.com/a.png"]]
        )
        XCTAssertEqual(set.status, 200, set.text)
        XCTAssertEqual(set.object("user")?["bio"] as? String, "I write.")
        XCTAssertEqual(set.object("user")?["image"] as? String, "https://example.com/a.png")
        XCTAssertEqual(set.object("user")?["username"] as? String, user.username, "omitted: kept")

        let cleared = try client.send(
            "PUT",
            "/api/user",
            token: user.token,
            json: ["user": ["bio": "", "image": NSNull()]]
        )
        XCTAssertEqual(cleared.status, 200, cleared.text)
        XCTAssertTrue(cleared.object("user")?["bio"] is NSNull, "\"\" stores null")
        XCTAssertTrue(cleared.object("user")?["image"] is NSNull, "null stores null")

        let newName = Unique.name("renamed")
        let renamed = try client.send(
            "PUT",
            "/api/user",
            token: user.token,
            json: ["user": ["username": newName, "password": "new-password-1"]]
        )
        XCTAssertEqual(renamed.status, 200, renamed.text)
        XCTAssertEqual(renamed.object("user")?["username"] as? String, newName)
        let login = try client.send(
            "POST",
            "/api/users/login",
            json: ["user": ["email": user.email, "password": "new-password-1"]]
        )
        XCTAssertEqual(login.status, 200, "the new password works")
    }

    func testUpdateRejectsInvalidValuesAndTakenNames() throws {
        let client = try self.client()
        let user = try client.register("updbad")
        let other = try client.register("updother")
        func update(_ fields: [String: Any]) throws -> TestResponse {
            try client.send("PUT", "/api/user", token: user.token, json: ["user": fields])
        }
        let short = try update(["password": "short"])
        XCTAssertEqual(short.status, 422)
        XCTAssertEqual(short.text, #"{"errors":{"password":["is too short (minimum is 8 characters)"]}}"#)

        let nulls = try update(["username": NSNull(), "email": NSNull()])
        XCTAssertEqual(nulls.status, 422)
        XCTAssertEqual(nulls.text, #"{"errors":{"email":["can't be blank"],"username":["can't be blank"]}}"#)

        let image = try update(["image": "ftp://example.com/a.png", "bio": String(repeating: "b", count: 4097)])
        XCTAssertEqual(image.status, 422)
        XCTAssertEqual(
            image.text,
            #"{"errors":{"bio":["is too long (maximum is 4096 characters)"],"image":["must be an http or https URL"]}}"#
        )

        let taken = try update(["username": other.username.uppercased(), "email": other.email])
        XCTAssertEqual(taken.status, 409)
        XCTAssertEqual(
            taken.text,
            #"{"errors":{"email":["has already been taken"],"username":["has already been taken"]}}"#
        )
        let ownName = try update(["username": user.username])
        XCTAssertEqual(ownName.status, 200, "keeping your own name is no conflict")

        let noToken = try client.send("PUT", "/api/user", json: ["user": ["bio": "x"]])
        XCTAssertEqual(noToken.status, 401)
        XCTAssertEqual(noToken.text, #"{"errors":{"token":["is missing"]}}"#)
    }
}
