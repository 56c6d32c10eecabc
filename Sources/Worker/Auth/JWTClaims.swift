import FoundationEssentials

/// The claims Rookery issues and requires.
///
/// `sub` is the user id as a decimal string (RFC 7519 makes `sub` a string). Times are
/// seconds since the epoch; RFC 7519 allows fractions, so they decode as `Double`.
struct JWTClaims: Equatable {
    var userID: Int64
    var issuedAt: Int64
    var expiresAt: Int64

    /// The compact JSON payload, with a fixed key order.
    func encodedPayload() -> [UInt8] {
        var json = JSONWriter(capacity: 64)
        json.beginObject()
        json.key("sub")
        json.string(String(self.userID))
        json.key("iat")
        json.int(Int(self.issuedAt))
        json.key("exp")
        json.int(Int(self.expiresAt))
        json.endObject()
        return json.bytes
    }
}

/// The JOSE header of an incoming token, decoded only as far as verification needs.
struct JWTHeader: Decodable {
    var alg: String
    var typ: String?
    /// The key id (`JWTKey.id`) of the secret the token claims to be signed with.
    var kid: String?
    /// Present at all → refused: we implement no extensions a token could mark critical.
    var hasCritical: Bool

    private enum CodingKeys: String, CodingKey {
        case alg, typ, kid, crit
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.alg = try container.decode(String.self, forKey: .alg)
        self.typ = try container.decodeIfPresent(String.self, forKey: .typ)
        self.kid = try container.decodeIfPresent(String.self, forKey: .kid)
        self.hasCritical = container.contains(.crit)
    }
}

/// The registered claims of an incoming token, before the time and subject checks.
struct JWTPayload: Decodable {
    var sub: String?
    var exp: Double?
    var iat: Double?
    var nbf: Double?
}
