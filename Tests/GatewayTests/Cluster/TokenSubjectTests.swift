import Foundation
import XCTest

@testable import Gateway

final class TokenSubjectTests: XCTestCase {
    private func token(payload: String) -> String {
        let encoded = Data(payload.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return "eyJhbGciOiJIUzI1NiJ9.\(encoded).c2lnbmF0dXJl"
    }

    func testReadsTheSubjectOfTokenAndBearerSchemes() {
        let token = self.token(payload: #"{"sub":"42","iat":1,"exp":2}"#)
        XCTAssertEqual(TokenSubject.userID(fromAuthorization: "Token \(token)"), "42")
        XCTAssertEqual(TokenSubject.userID(fromAuthorization: "Bearer \(token)"), "42")
    }

    func testAnythingElseHasNoSubject() {
        for header in [
            "", "Token", "Basic abc", "Token a.b", "Token a.b.c.d", "Token \(self.token(payload: "not json"))",
            "Token \(self.token(payload: #"{"sub":42}"#))", "Token \(self.token(payload: #"{"sub":"x1"}"#))",
            "Token \(self.token(payload: #"{"sub":""}"#))", "Token \(self.token(payload: "[1]"))",
            "Token " + String(repeating: "a", count: 5000),
        ] {
            XCTAssertNil(TokenSubject.userID(fromAuthorization: header), header)
        }
    }
}
