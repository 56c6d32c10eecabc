import XCTest

@testable import Worker

final class AuthorizationHeaderTests: XCTestCase {
    func testAcceptsTokenAndBearerCaseInsensitively() {
        XCTAssertEqual(AuthorizationHeader.token(from: "Token abc.def.ghi"), "abc.def.ghi")
        XCTAssertEqual(AuthorizationHeader.token(from: "Bearer abc.def.ghi"), "abc.def.ghi")
        XCTAssertEqual(AuthorizationHeader.token(from: "token abc"), "abc")
        XCTAssertEqual(AuthorizationHeader.token(from: "BEARER abc"), "abc")
        XCTAssertEqual(AuthorizationHeader.token(from: "  Token   abc  "), "abc")
    }

    func testRejectsOtherSchemesAndEmptyCredentials() {
        XCTAssertNil(AuthorizationHeader.token(from: ""))
        XCTAssertNil(AuthorizationHeader.token(from: "Token"))
        XCTAssertNil(AuthorizationHeader.token(from: "Token "))
        XCTAssertNil(AuthorizationHeader.token(from: "abc.def.ghi"))
        XCTAssertNil(AuthorizationHeader.token(from: "Basic dXNlcjpwYXNz"))
        XCTAssertNil(AuthorizationHeader.token(from: "Token a b"))
        XCTAssertNil(AuthorizationHeader.token(from: "Tokens abc"))
    }

    func testTabsSeparateLikeSpacesAndOtherWhitespaceDoesNot() {
        XCTAssertEqual(AuthorizationHeader.token(from: "\tToken\t\tabc\t"), "abc")
        XCTAssertEqual(AuthorizationHeader.token(from: "tOkEn abc"), "abc")
        XCTAssertNil(AuthorizationHeader.token(from: "Token\u{A0}abc"))
        XCTAssertNil(AuthorizationHeader.token(from: "Token a\tb"))
    }

    func testTheSchemeIsComparedInASCIIOnly() {
        // U+212A KELVIN SIGN lowercases to "k" in Unicode; RFC 9110 compares schemes in ASCII.
        XCTAssertNil(AuthorizationHeader.token(from: "To\u{212A}en abc"))
        XCTAssertNil(AuthorizationHeader.token(from: "Tökén abc"))
    }

    func testTheCredentialIsReturnedByteForByte() {
        XCTAssertEqual(AuthorizationHeader.token(from: "Bearer é\u{301}.x"), "é\u{301}.x")
        XCTAssertEqual(AuthorizationHeader.token(from: "Token \u{301}abc"), "\u{301}abc")
    }
}
