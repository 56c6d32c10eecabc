import XCTest

@testable import Worker

final class UserValidationTests: XCTestCase {
    func testUsername() {
        XCTAssertNil(UserValidation.username("jake"))
        XCTAssertNil(UserValidation.username("Jake_the-dog.2"))
        XCTAssertNil(UserValidation.username("a"))
        XCTAssertNil(UserValidation.username(String(repeating: "a", count: 64)))
        XCTAssertEqual(UserValidation.username(""), "can't be blank")
        XCTAssertEqual(UserValidation.username("   "), "can't be blank")
        XCTAssertNotNil(UserValidation.username(String(repeating: "a", count: 65)))
        for invalid in ["jake the dog", "jake/../x", "jake@x", "jäke", "jake\u{0}", "a%2Fb", "😀"] {
            XCTAssertNotNil(UserValidation.username(invalid), invalid)
        }
    }

    func testEmail() {
        XCTAssertNil(UserValidation.email("jake@jake.jake"))
        XCTAssertNil(UserValidation.email("first.last+tag@sub.example.co.uk"))
        XCTAssertEqual(UserValidation.email(""), "can't be blank")
        XCTAssertEqual(UserValidation.email(" "), "can't be blank")
        for invalid in [
            "jake", "@jake.jake", "jake@", "jake@jake", "jake@@jake.jake", "ja@ke@jake.jake", "jake@.jake",
            "jake@jake.", "jake@jake..jake", "ja ke@jake.jake", "jake@jake.jake ", "jake@ja\tke.jake",
            "jake\n@jake.jake",
        ] {
            XCTAssertEqual(UserValidation.email(invalid), "is invalid", invalid)
        }
        let long = String(repeating: "a", count: 245) + "@test.com"
        XCTAssertEqual(long.count, 254)
        XCTAssertNil(UserValidation.email(long))
        XCTAssertNotNil(UserValidation.email("a" + long))
    }

    func testPassword() {
        XCTAssertEqual(UserValidation.password(""), "can't be blank")
        XCTAssertNotNil(UserValidation.password("short7c"))
        XCTAssertNil(UserValidation.password("bonjour1"))
        XCTAssertNil(UserValidation.password(String(repeating: "a", count: 64)))
        XCTAssertNil(UserValidation.password(String(repeating: "a", count: 128)))
        XCTAssertNotNil(UserValidation.password(String(repeating: "a", count: 129)))
        XCTAssertNil(UserValidation.password("pässwört"))
    }

    func testBioAndImage() {
        XCTAssertNil(UserValidation.bio(""))
        XCTAssertNil(UserValidation.bio(String(repeating: "b", count: 4096)))
        XCTAssertNotNil(UserValidation.bio(String(repeating: "b", count: 4097)))
        XCTAssertNil(UserValidation.image(""))
        XCTAssertNil(UserValidation.image("https://example.com/photo.jpg"))
        XCTAssertNil(UserValidation.image("HTTP://example.com/a?b=c#d"))
        for invalid in [
            "example.com/photo.jpg", "javascript:alert(1)", "ftp://example.com/a", "https://",
            "data:image/png;base64,AAAA",
            "not a url",
        ] {
            XCTAssertNotNil(UserValidation.image(invalid), invalid)
        }
        XCTAssertNotNil(UserValidation.image("https://example.com/" + String(repeating: "a", count: 2048)))
    }

    func testErrorsAccumulate() {
        var errors = ValidationErrors()
        errors.check("username", nil)
        XCTAssertNoThrow(try errors.throwIfAny())
        errors.check("username", "can't be blank")
        errors.check("email", "is invalid")
        XCTAssertThrowsError(try errors.throwIfAny()) { error in
            let apiError = error as? APIError
            XCTAssertEqual(apiError?.status, 422)
            XCTAssertEqual(apiError?.errors, ["username": ["can't be blank"], "email": ["is invalid"]])
        }
    }
}
