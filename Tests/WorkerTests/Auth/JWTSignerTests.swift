import Foundation
import XCTest

@testable import Worker

final class JWTSignerTests: XCTestCase {
    private let secret = Array("test-secret-0123456789abcdef0123".utf8)
    private let now = Date(timeIntervalSince1970: 1_700_000_000)
    private var signer: JWTSigner { JWTSigner(secret: secret, timeToLive: 86_400) }

    /// Signs arbitrary header and payload JSON with the test secret.
    private func token(header: String = #"{"alg":"HS256","typ":"JWT"}"#, payload: String) throws -> String {
        let input = Base64URL.encode(header) + "." + Base64URL.encode(payload)
        return input + "." + Base64URL.encode(try signer.signature(of: Array(input.utf8)))
    }

    private func assertRejected(
        _ token: String,
        _ expected: JWTError,
        at date: Date? = nil,
        file: StaticString = #filePath,
        line: UInt = #line
    ) {
        XCTAssertThrowsError(try signer.verify(token, now: date ?? now), file: file, line: line) { error in
            XCTAssertEqual(error as? JWTError, expected, file: file, line: line)
        }
    }

    func testKnownToken() throws {
        // Cross-checked with Python's hmac/hashlib; kid = first 8 bytes of SHA-256(secret), in hex.
        XCTAssertEqual(signer.currentKeyID, "ee7dc6d082b7caa9")
        XCTAssertEqual(
            try signer.sign(userID: 42, now: now),
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImVlN2RjNmQwODJiN2NhYTkifQ"
                + ".eyJzdWIiOiI0MiIsImlhdCI6MTcwMDAwMDAwMCwiZXhwIjoxNzAwMDg2NDAwfQ"
                + ".5OQUplruT-nOWPGS2PbP2eM5ytC43e9uGHFCK3zR1eQ"
        )
    }

    func testSignVerifyRoundTrip() throws {
        let token = try signer.sign(userID: 7, now: now)
        let claims = try signer.verify(token, now: now.addingTimeInterval(100))
        XCTAssertEqual(claims, JWTClaims(userID: 7, issuedAt: 1_700_000_000, expiresAt: 1_700_086_400))
    }

    func testExpiry() throws {
        let token = try signer.sign(userID: 7, now: now)
        XCTAssertNoThrow(try signer.verify(token, now: now.addingTimeInterval(86_399)))
        assertRejected(token, .expired, at: now.addingTimeInterval(86_400))
        assertRejected(token, .expired, at: now.addingTimeInterval(1_000_000))
    }

    func testACachedTokenStillExpiresAndForgeriesNeverHitTheCache() throws {
        let signer = self.signer  // one signer, one cache
        let token = try signer.sign(userID: 7, now: now)
        XCTAssertEqual(try signer.verify(token, now: now).userID, 7)
        XCTAssertEqual(try signer.verify(token, now: now.addingTimeInterval(10)).userID, 7, "from the cache")
        XCTAssertThrowsError(try signer.verify(token, now: now.addingTimeInterval(86_400))) { error in
            XCTAssertEqual(error as? JWTError, .expired, "the time checks run on a cached token too")
        }
        var forged = Array(token.utf8)
        forged[forged.count - 2] = forged[forged.count - 2] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        XCTAssertThrowsError(try signer.verify(String(decoding: forged, as: UTF8.self), now: now)) { error in
            XCTAssertEqual(error as? JWTError, .badSignature)
        }
        let other = try JWTSigner(secret: Array("another-secret".utf8), timeToLive: 60).sign(userID: 7, now: now)
        XCTAssertThrowsError(try signer.verify(other, now: now))
        XCTAssertThrowsError(try signer.verify(other, now: now), "a refused token is refused again")
    }

    func testTheCacheIsBounded() {
        let cache = VerifiedTokenCache(capacity: 3)
        for index in 0..<10 {
            cache.remember(JWTPayload(sub: "1", exp: 1, iat: nil, nbf: nil), for: "token\(index)")
            XCTAssertLessThanOrEqual(cache.count, 3)
        }
        XCTAssertNotNil(cache.payload(for: "token9"))
        XCTAssertNil(cache.payload(for: "token0"))
    }

    func testOtherSecretFails() throws {
        let token = try JWTSigner(secret: Array("another-secret".utf8), timeToLive: 60).sign(userID: 7, now: now)
        assertRejected(token, .badSignature)
    }

    func testTamperedPayloadOrSignatureFails() throws {
        let token = try signer.sign(userID: 7, now: now)
        let parts = token.split(separator: ".").map(String.init)
        let forged = Base64URL.encode(#"{"sub":"1","iat":1700000000,"exp":1700086400}"#)
        assertRejected([parts[0], forged, parts[2]].joined(separator: "."), .badSignature)
        var signature = Base64URL.decode(parts[2]) ?? []
        signature[0] ^= 1
        assertRejected([parts[0], parts[1], Base64URL.encode(signature)].joined(separator: "."), .badSignature)
        assertRejected(
            [parts[0], parts[1], Base64URL.encode(signature.dropLast())].joined(separator: "."),
            .badSignature
        )
        assertRejected([parts[0], parts[1], ""].joined(separator: "."), .badSignature)
    }

    func testAlgorithmsOtherThanHS256AreRejected() throws {
        let payload = #"{"sub":"7","iat":1700000000,"exp":1700086400}"#
        for header in [
            #"{"alg":"none","typ":"JWT"}"#,
            #"{"alg":"None"}"#,
            #"{"alg":"HS512","typ":"JWT"}"#,
            #"{"alg":"RS256","typ":"JWT"}"#,
            #"{"alg":"hs256","typ":"JWT"}"#,
            #"{"alg":"HS256","typ":"JWS"}"#,
            #"{"alg":"HS256","crit":["exp"]}"#,
        ] {
            assertRejected(try token(header: header, payload: payload), .unsupportedHeader)
        }
        // The classic `alg: none` token with an empty signature.
        let unsigned = Base64URL.encode(#"{"alg":"none"}"#) + "." + Base64URL.encode(payload) + "."
        assertRejected(unsigned, .unsupportedHeader)
        // Headers that are not a JSON object with a string alg.
        for header in [#"{"typ":"JWT"}"#, #"{"alg":256}"#, "[]", "null", "not json"] {
            assertRejected(try token(header: header, payload: payload), .malformed)
        }
    }

    func testTypIsOptionalAndCaseInsensitive() throws {
        let payload = #"{"sub":"7","exp":1700086400}"#
        XCTAssertEqual(try signer.verify(try token(header: #"{"alg":"HS256"}"#, payload: payload), now: now).userID, 7)
        XCTAssertEqual(
            try signer.verify(try token(header: #"{"alg":"HS256","typ":"jwt"}"#, payload: payload), now: now).userID,
            7
        )
    }

    func testTimeClaims() throws {
        assertRejected(try token(payload: #"{"sub":"7","iat":1700000000}"#), .invalidClaims)  // no exp
        assertRejected(try token(payload: #"{"sub":"7","exp":"1700086400"}"#), .invalidClaims)  // exp not a number
        assertRejected(try token(payload: #"{"sub":"7","exp":true}"#), .invalidClaims)
        assertRejected(try token(payload: #"{"sub":"7","exp":1e300}"#), .invalidClaims)
        assertRejected(try token(payload: #"{"sub":"7","exp":1699999999}"#), .expired)
        assertRejected(try token(payload: #"{"sub":"7","iat":1700000061,"exp":1700086400}"#), .issuedInFuture)
        XCTAssertNoThrow(
            try signer.verify(try token(payload: #"{"sub":"7","iat":1700000060,"exp":1700086400}"#), now: now)
        )
        assertRejected(try token(payload: #"{"sub":"7","nbf":1700003600,"exp":1700086400}"#), .notYetValid)
        XCTAssertNoThrow(
            try signer.verify(try token(payload: #"{"sub":"7","nbf":1699999000,"exp":1700086400}"#), now: now)
        )
        XCTAssertNoThrow(try signer.verify(try token(payload: #"{"sub":"7","exp":1700000000.5}"#), now: now))
    }

    func testSubjectMustBeAPositiveIntegerString() throws {
        for sub in [
            #""0""#, #""-1""#, #""+1""#, #""01""#, #""1.0""#, #"" 1""#, "7", "null", #""abc""#, #""""#,
            #""99999999999999999999""#, #""9223372036854775808""#,
        ] {
            assertRejected(try token(payload: #"{"sub":\#(sub),"exp":1700086400}"#), .invalidClaims)
        }
        assertRejected(try token(payload: #"{"exp":1700086400}"#), .invalidClaims)
        XCTAssertEqual(
            try signer.verify(try token(payload: #"{"sub":"9223372036854775807","exp":1700086400}"#), now: now).userID,
            Int64.max
        )
    }

    func testGarbageAndSegmentCounts() throws {
        let valid = try signer.sign(userID: 7, now: now)
        let parts = valid.split(separator: ".").map(String.init)
        for garbage in [
            "", ".", "..", "...", "abc", "a.b", "a.b.c.d", parts.prefix(2).joined(separator: "."),
            valid + ".", "." + valid, valid + "." + parts[2],
            parts[0] + "=." + parts[1] + "." + parts[2],  // padding
            parts[0] + "." + parts[1] + "." + parts[2] + "=",
            valid.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/") + "+/",
            " " + valid, valid + " ",
            String(repeating: "A", count: 10_000),
        ] {
            XCTAssertThrowsError(try signer.verify(garbage, now: now), garbage) { error in
                XCTAssertNotNil(error as? JWTError)
            }
        }
        assertRejected(Base64URL.encode("{}") + "." + Base64URL.encode("{}") + ".", .malformed)
    }

    func testPayloadMustBeAnObject() throws {
        assertRejected(try token(payload: "[]"), .invalidClaims)
        assertRejected(try token(payload: "not json"), .invalidClaims)
    }
}
