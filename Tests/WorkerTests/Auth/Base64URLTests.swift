import XCTest

@testable import Worker

final class Base64URLTests: XCTestCase {
    func testEncodesWithoutPaddingInURLAlphabet() {
        XCTAssertEqual(Base64URL.encode([]), "")
        XCTAssertEqual(Base64URL.encode([0x66]), "Zg")
        XCTAssertEqual(Base64URL.encode([0x66, 0x6F]), "Zm8")
        XCTAssertEqual(Base64URL.encode([0x66, 0x6F, 0x6F]), "Zm9v")
        XCTAssertEqual(Base64URL.encode([0xFB, 0xFF, 0xBF]), "-_-_")
        XCTAssertEqual(Base64URL.encode(#"{"alg":"HS256","typ":"JWT"}"#), "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9")
    }

    func testRoundTripsEveryLength() {
        for length in 0..<70 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            XCTAssertEqual(Base64URL.decode(Base64URL.encode(bytes)), bytes, "length \(length)")
        }
    }

    func testDecodesCanonicalInput() {
        XCTAssertEqual(Base64URL.decode("Zm9v"), Array("foo".utf8))
        XCTAssertEqual(Base64URL.decode("Zm8"), Array("fo".utf8))
        XCTAssertEqual(Base64URL.decode("-_-_"), [0xFB, 0xFF, 0xBF])
        XCTAssertEqual(Base64URL.decode(""), [])
    }

    func testRejectsNonCanonicalInput() {
        XCTAssertNil(Base64URL.decode("Zm8="), "padding")
        XCTAssertNil(Base64URL.decode("+/+/"), "standard alphabet")
        XCTAssertNil(Base64URL.decode("Zm 9v"), "whitespace")
        XCTAssertNil(Base64URL.decode("Zm9v\n"), "newline")
        XCTAssertNil(Base64URL.decode("Z"), "one leftover character")
        XCTAssertNil(Base64URL.decode("Zm9"), "non-zero trailing bits")
        XCTAssertNil(Base64URL.decode("Zh"), "non-zero trailing bits")
        XCTAssertNil(Base64URL.decode("Zm9v.Zm9v"), "dot")
        XCTAssertNil(Base64URL.decode("Zm9é"), "non-ASCII")
    }
}
