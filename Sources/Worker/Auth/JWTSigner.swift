import COpenSSL
import FoundationEssentials

/// Issues and verifies HS256 JSON Web Tokens with OpenSSL's HMAC.
///
/// One algorithm with one secret, so this is deliberately small instead of jwt-kit (the README
/// explains the trade). Verification is strict: exactly `header.payload.signature` in canonical
/// base64url, `alg` must be `HS256` (the header is never trusted to pick the algorithm, which
/// closes `alg: none` and algorithm confusion), the signature is compared in constant time
/// before the payload is even parsed, `exp` is required, and `sub` must be a positive user id.
///
/// Key rotation: tokens are signed with the current secret and carry its key id (`kid`, see
/// `JWTKey`); they verify against the current secret or a previous one, picked by `kid` (a token
/// without `kid`, issued before key ids, is tried against each). docs/security.md describes the
/// three-step rotation across hosts.
struct JWTSigner {
    /// The current key first (it signs), then the previous ones (they only verify).
    private let keys: [JWTKey]
    /// Tokens already found authentic (see `VerifiedTokenCache`).
    private let verified = VerifiedTokenCache()
    /// Lifetime of issued tokens, in seconds.
    let timeToLive: Int64
    /// Tolerated clock difference for `iat` and `nbf`.
    static let leeway: Int64 = 60
    /// Far above any token we issue; bounds the work done on hostile headers.
    static let maxTokenLength = 4096

    /// The header every issued token carries, already encoded.
    private let encodedHeader: String

    init(secret: [UInt8], previousSecrets: [[UInt8]] = [], timeToLive: Int64) {
        let current = JWTKey(secret: secret)
        self.keys = [current] + previousSecrets.map(JWTKey.init).filter { $0.id != current.id }
        self.encodedHeader = Base64URL.encode(#"{"alg":"HS256","typ":"JWT","kid":""# + current.id + #""}"#)
        self.timeToLive = timeToLive
    }

    /// The key id tokens signed now carry.
    var currentKeyID: String {
        self.keys[0].id
    }

    /// A token for `userID`, valid from `now` for `timeToLive` seconds.
    func sign(userID: Int64, now: Date = Date()) throws -> String {
        let issuedAt = Int64(now.timeIntervalSince1970.rounded(.down))
        let claims = JWTClaims(userID: userID, issuedAt: issuedAt, expiresAt: issuedAt + self.timeToLive)
        let signingInput = self.encodedHeader + "." + Base64URL.encode(claims.encodedPayload())
        let signature = try self.signature(of: Array(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature)
    }

    /// The claims of a valid token; throws `JWTError` for anything else.
    func verify(_ token: String, now: Date = Date()) throws -> JWTClaims {
        guard token.utf8.count <= Self.maxTokenLength else { throw JWTError.malformed }
        if let payload = self.verified.payload(for: token) {
            return try Self.check(payload, now: now)
        }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
            let headerBytes = Base64URL.decode(parts[0]),
            let payloadBytes = Base64URL.decode(parts[1]),
            let signature = Base64URL.decode(parts[2])
        else {
            throw JWTError.malformed
        }
        guard let header = try? JSONCoding.decoder.decode(JWTHeader.self, from: Data(headerBytes)) else {
            throw JWTError.malformed
        }
        guard header.alg == "HS256", !header.hasCritical,
            header.typ.map({ $0.uppercased() == "JWT" }) ?? true
        else {
            throw JWTError.unsupportedHeader
        }
        let signingInput = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        guard try self.isAuthentic(signature, of: signingInput, keyID: header.kid) else {
            throw JWTError.badSignature
        }
        guard let payload = try? JSONCoding.decoder.decode(JWTPayload.self, from: Data(payloadBytes)) else {
            throw JWTError.invalidClaims
        }
        let claims = try Self.check(payload, now: now)
        self.verified.remember(payload, for: token)
        return claims
    }

    /// Time and subject checks on an authentic payload.
    private static func check(_ payload: JWTPayload, now: Date) throws -> JWTClaims {
        let now = now.timeIntervalSince1970
        guard let sub = payload.sub, let userID = Self.positiveID(sub),
            let exp = payload.exp, exp.isFinite,
            payload.iat?.isFinite ?? true, payload.nbf?.isFinite ?? true,
            abs(exp) < 1e15, abs(payload.iat ?? 0) < 1e15
        else {
            throw JWTError.invalidClaims
        }
        guard now < exp else { throw JWTError.expired }
        if let iat = payload.iat, iat > now + Double(Self.leeway) {
            throw JWTError.issuedInFuture
        }
        if let nbf = payload.nbf, nbf > now + Double(Self.leeway) {
            throw JWTError.notYetValid
        }
        return JWTClaims(
            userID: userID,
            issuedAt: Int64((payload.iat ?? 0).rounded(.down)),
            expiresAt: Int64(exp.rounded(.down))
        )
    }

    /// A user id: 1 to 19 ASCII digits, no sign or leading zero, positive, fits `Int64`.
    static func positiveID(_ text: String) -> Int64? {
        let utf8 = text.utf8
        guard (1...19).contains(utf8.count), utf8.first != UInt8(ascii: "0"),
            utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let value = Int64(text), value > 0
        else {
            return nil
        }
        return value
    }

    /// Whether `signature` is the HMAC of `input` under the key `keyID` names, or without one,
    /// under any of the keys.
    private func isAuthentic(_ signature: [UInt8], of input: [UInt8], keyID: String?) throws -> Bool {
        for key in self.keys where keyID == nil || keyID == key.id {
            let expected = try Self.signature(of: input, secret: key.secret)
            if signature.count == expected.count, Self.constantTimeEquals(signature, expected) {
                return true
            }
        }
        return false
    }

    /// HMAC-SHA256 of `input` under the current secret.
    func signature(of input: [UInt8]) throws -> [UInt8] {
        try Self.signature(of: input, secret: self.keys[0].secret)
    }

    private static func signature(of input: [UInt8], secret: [UInt8]) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let result = secret.withUnsafeBytes { key in
            input.withUnsafeBufferPointer { data in
                output.withUnsafeMutableBufferPointer { digest in
                    HMAC(
                        EVP_sha256(),
                        key.baseAddress,
                        Int32(key.count),
                        data.baseAddress,
                        data.count,
                        digest.baseAddress,
                        &length
                    )
                }
            }
        }
        guard result != nil, length == 32 else {
            ERR_clear_error()
            throw JWTSigningError("HMAC-SHA256 failed")
        }
        return Array(output.prefix(Int(length)))
    }

    private static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBytes { left in
            b.withUnsafeBytes { right in
                CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
            }
        }
    }
}

/// A token could not be produced or checked for a reason that is ours, not the client's
/// (no secret configured, OpenSSL failure). Rendered as a 500 without details.
struct JWTSigningError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = "JWT: \(description)"
    }
}
