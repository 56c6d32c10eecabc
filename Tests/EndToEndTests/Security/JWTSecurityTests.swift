import Foundation
import XCTest

/// Forged, tampered and stale tokens are refused with 401 on `GET /api/user`; a token signed
/// correctly with the server's secret is accepted (which shows the forgeries below fail for
/// the reason they name, not because the test signs badly).
final class JWTSecurityTests: SharedGatewayTestCase {
    private static let invalid = #"{"errors":{"token":["is invalid"]}}"#

    /// A registered user, a forge holding the server's secret, and the user's id as `sub`.
    private func setUp() throws -> (APIClient, APIUser, TokenForge, String) {
        let gateway = try self.gateway()
        let client = APIClient(gateway)
        let user = try client.patientRegister("jwt")
        let forge = try TokenForge(gateway: gateway)
        let sub = try XCTUnwrap(TokenForge.claims(of: user.token)?["sub"] as? String, "sub of \(user.token)")
        return (client, user, forge, sub)
    }

    private var now: Int { Int(Date().timeIntervalSince1970) }

    /// `GET /api/user` with `Authorization: <value>` must be 401 `token: is invalid`.
    private func assertRefused(
        _ client: APIClient,
        _ value: String,
        _ label: String,
        file: StaticString = #filePath,
        line: UInt = #line
    ) throws {
        let response = try client.request("GET", "/api/user", headers: [("Authorization", value)])
        XCTAssertEqual(response.status, 401, "\(label): \(response.text)", file: file, line: line)
        XCTAssertEqual(response.text, Self.invalid, label, file: file, line: line)
    }

    func testTokenSignedWithTheServerSecretIsAcceptedWithEitherScheme() throws {
        let (client, user, forge, sub) = try self.setUp()
        let own = try forge.sign(claims: ["sub": sub, "iat": self.now, "exp": self.now + 600])
        for value in ["Token \(own)", "Bearer \(own)", "Token \(user.token)", "Bearer \(user.token)"] {
            let response = try client.request("GET", "/api/user", headers: [("Authorization", value)])
            XCTAssertEqual(response.status, 200, "\(value): \(response.text)")
            XCTAssertEqual(response.object("user")?["username"] as? String, user.username)
        }
    }

    func testAlgorithmNoneAndOtherAlgorithmsAreRefused() throws {
        let (client, user, forge, sub) = try self.setUp()
        let payload = #"{"sub":"\#(sub)","iat":\#(self.now),"exp":\#(self.now + 600)}"#
        let validSignature = String(user.token.split(separator: ".")[2])
        var forged: [(String, String)] = []
        for alg in ["none", "None", "NONE", "nOnE"] {
            let header = #"{"alg":"\#(alg)","typ":"JWT"}"#
            forged.append(("alg \(alg), no signature", TokenForge.unsigned(header: header, payload: payload)))
            forged.append(
                (
                    "alg \(alg), a real token's signature",
                    TokenForge.unsigned(header: header, payload: payload, signature: validSignature)
                )
            )
            forged.append(("alg \(alg), HMAC'd anyway", try forge.sign(header: header, payload: payload)))
        }
        let hs512 = #"{"alg":"HS512","typ":"JWT"}"#
        forged.append(
            ("HS512 signed with the secret", try forge.sign(header: hs512, payload: payload, digest: .sha512))
        )
        forged.append(("HS512 header, HS256 MAC", try forge.sign(header: hs512, payload: payload)))
        forged.append(("HS512 unsigned", TokenForge.unsigned(header: hs512, payload: payload)))
        for alg in ["RS256", "ES256", "PS256", "HS384", "hs256", "HS256 "] {
            let header = #"{"alg":"\#(alg)","typ":"JWT"}"#
            // RS256 verified with the HMAC secret as "public key" is the classic key confusion.
            forged.append(("\(alg) with an HMAC-SHA256 over it", try forge.sign(header: header, payload: payload)))
            forged.append(("\(alg) unsigned", TokenForge.unsigned(header: header, payload: payload)))
        }
        forged.append(("no alg at all", try forge.sign(header: #"{"typ":"JWT"}"#, payload: payload)))
        forged.append(
            (
                "crit extension",
                try forge.sign(header: #"{"alg":"HS256","typ":"JWT","crit":["exp"]}"#, payload: payload)
            )
        )
        for (label, token) in forged {
            try self.assertRefused(client, "Token \(token)", label)
        }
    }

    func testTamperedSignatureAndPayloadAreRefused() throws {
        let (client, user, forge, sub) = try self.setUp()
        let flipped = try XCTUnwrap(TokenForge.flippingSignatureBit(of: user.token))
        XCTAssertNotEqual(flipped, user.token)
        try self.assertRefused(client, "Token \(flipped)", "one signature bit flipped")

        // Another user's id in a payload that keeps the original signature.
        let other = try APIClient(self.gateway()).patientRegister("jwtother")
        let otherSub = try XCTUnwrap(TokenForge.claims(of: other.token)?["sub"] as? String)
        let parts = user.token.split(separator: ".").map(String.init)
        let claims = #"{"sub":"\#(otherSub)","iat":\#(self.now),"exp":\#(self.now + 600)}"#
        let swapped = parts[0] + "." + TokenForge.base64URL(Array(claims.utf8)) + "." + parts[2]
        try self.assertRefused(client, "Token \(swapped)", "payload replaced, signature kept")

        // Signed with a different secret.
        let stranger = TokenForge(secret: Array("not-the-server-secret-0123456789abcdef".utf8))
        let foreign = try stranger.sign(claims: ["sub": sub, "iat": self.now, "exp": self.now + 600])
        try self.assertRefused(client, "Token \(foreign)", "another secret")

        // Truncated or padded signatures.
        try self.assertRefused(client, "Token \(user.token.dropLast(2))", "signature cut short")
        try self.assertRefused(client, "Token \(user.token)AA", "signature extended")
        try self.assertRefused(client, "Token \(user.token)=", "base64 padding added")
        _ = forge
    }

    func testExpiredNotYetValidAndFutureTokensAreRefused() throws {
        let (client, _, forge, sub) = try self.setUp()
        let now = self.now
        let cases: [(String, [String: Any])] = [
            ("expired an hour ago", ["sub": sub, "iat": now - 7200, "exp": now - 3600]),
            ("expired a second ago", ["sub": sub, "iat": now - 600, "exp": now - 1]),
            ("not valid for an hour (nbf)", ["sub": sub, "iat": now, "nbf": now + 3600, "exp": now + 7200]),
            ("issued an hour in the future", ["sub": sub, "iat": now + 3600, "exp": now + 7200]),
            ("issued in the year 2100", ["sub": sub, "iat": 4_102_444_800, "exp": 4_102_531_200]),
            ("no exp", ["sub": sub, "iat": now]),
            ("exp as a string", ["sub": sub, "iat": now, "exp": String(now + 600)]),
            ("no sub", ["iat": now, "exp": now + 600]),
            ("sub as a number", ["sub": Int(sub) ?? 0, "iat": now, "exp": now + 600]),
            ("sub of nobody", ["sub": "999999999", "iat": now, "exp": now + 600]),
            ("sub zero", ["sub": "0", "iat": now, "exp": now + 600]),
            ("sub negative", ["sub": "-\(sub)", "iat": now, "exp": now + 600]),
            ("sub injection", ["sub": "\(sub) OR 1=1", "iat": now, "exp": now + 600]),
            ("exp absurdly far", ["sub": sub, "iat": now, "exp": 1e300]),
        ]
        for (label, claims) in cases {
            try self.assertRefused(client, "Token \(try forge.sign(claims: claims))", label)
        }
    }

    func testMalformedTokensAndSchemesAreRefused() throws {
        let (client, user, _, _) = try self.setUp()
        let parts = user.token.split(separator: ".").map(String.init)
        let values: [(String, String)] = [
            ("garbage", "Token garbage"),
            ("random base64", "Token eyJhbGciOiJub25lIn0"),
            ("three dots", "Token ..."),
            ("two empty dots", "Token .."),
            ("two segments", "Token \(parts[0]).\(parts[1])"),
            ("four segments", "Token \(user.token).\(parts[2])"),
            ("one segment", "Token \(parts[0])"),
            ("header not JSON", "Token \(TokenForge.base64URL(Array("alg".utf8))).\(parts[1]).\(parts[2])"),
            ("standard base64 with padding", "Token \(user.token.replacingOccurrences(of: "-", with: "+"))=="),
            ("empty token", "Token "),
            ("scheme only", "Token"),
            ("empty header", ""),
            ("no scheme", user.token),
            ("Basic scheme", "Basic \(user.token)"),
            ("JWT scheme", "JWT \(user.token)"),
            ("two tokens", "Token \(user.token) \(user.token)"),
            ("scheme glued", "Token\(user.token)"),
            ("huge token", "Token " + String(repeating: "A", count: 6000) + "." + parts[1] + "." + parts[2]),
        ]
        for (label, value) in values {
            try self.assertRefused(client, value, label)
        }
        // An invalid token on an optional-auth endpoint is 401 too, never silently anonymous.
        let list = try client.request("GET", "/api/articles", headers: [("Authorization", "Token garbage")])
        XCTAssertEqual(list.status, 401, list.text)
        let missing = try client.request("GET", "/api/user")
        XCTAssertEqual(missing.status, 401)
        XCTAssertEqual(missing.text, #"{"errors":{"token":["is missing"]}}"#)
    }
}
