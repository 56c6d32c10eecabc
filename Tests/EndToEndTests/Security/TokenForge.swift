import Foundation

/// Makes JSON Web Tokens the way an attacker who holds (or guesses) the signing secret would:
/// any header, any claims, any HMAC. The MAC is computed by Python's `hmac` module in a child
/// process (swift-crypto's HMAC is not available to this target on Linux), with the `openssl`
/// command as a fallback.
struct TokenForge {
    /// The secret as the worker uses it: the file's bytes without trailing whitespace.
    let secret: [UInt8]

    /// Reads the secret the gateway generated in its data directory.
    init(gateway: TestGateway) throws {
        let path = gateway.dataDirectory + "/jwt-secret"
        guard var bytes = FileManager.default.contents(atPath: path).map(Array.init) else {
            throw APIClientError.unexpected("no JWT secret at \(path)")
        }
        while let last = bytes.last, [0x20, 0x09, 0x0A, 0x0D].contains(last) {
            bytes.removeLast()
        }
        self.secret = bytes
    }

    init(secret: [UInt8]) {
        self.secret = secret
    }

    enum Digest: String {
        case sha256
        case sha512
    }

    /// `header.payload.signature` with both JSON parts encoded as given and an HMAC over them.
    func sign(header: String, payload: String, digest: Digest = .sha256) throws -> String {
        let input = Self.base64URL(Array(header.utf8)) + "." + Self.base64URL(Array(payload.utf8))
        return input + "." + Self.base64URL(try self.hmac(digest, Array(input.utf8)))
    }

    /// An HS256 token with Rookery's own header and the given claims.
    func sign(claims: [String: Any]) throws -> String {
        let payload = String(decoding: try JSONSerialization.data(withJSONObject: claims), as: UTF8.self)
        return try self.sign(header: #"{"alg":"HS256","typ":"JWT"}"#, payload: payload)
    }

    /// `header.payload.` and `header.payload` style tokens without a MAC.
    static func unsigned(header: String, payload: String, signature: String = "") -> String {
        self.base64URL(Array(header.utf8)) + "." + self.base64URL(Array(payload.utf8)) + "." + signature
    }

    /// The decoded JSON payload of a token (for its `sub`).
    static func claims(of token: String) -> [String: Any]? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let bytes = self.base64URLDecode(String(parts[1])) else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
    }

    /// The same token with one bit of its signature's first byte flipped.
    static func flippingSignatureBit(of token: String) -> String? {
        var parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, var signature = self.base64URLDecode(parts[2]), !signature.isEmpty else {
            return nil
        }
        signature[0] ^= 0x01
        parts[2] = self.base64URL(signature)
        return parts.joined(separator: ".")
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func base64URLDecode(_ text: String) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 {
            base64 += "="
        }
        return Data(base64Encoded: base64).map(Array.init)
    }

    private func hmac(_ digest: Digest, _ input: [UInt8]) throws -> [UInt8] {
        let key = Self.hex(self.secret)
        let message = Self.hex(input)
        let script =
            "import hashlib, hmac, sys; "
            + "sys.stdout.write(hmac.new(bytes.fromhex(sys.argv[1]), bytes.fromhex(sys.argv[2]), "
            + "getattr(hashlib, sys.argv[3])).hexdigest())"
        var output: String
        do {
            output = try TestGateway.run("/usr/bin/env", ["python3", "-c", script, key, message, digest.rawValue])
        } catch {
            output = try self.opensslHMAC(digest, key: key, input: input)
        }
        guard let bytes = Self.bytes(hex: output) else {
            throw APIClientError.unexpected("HMAC: unexpected output \(output)")
        }
        return bytes
    }

    private func opensslHMAC(_ digest: Digest, key: String, input: [UInt8]) throws -> String {
        let file = NSTemporaryDirectory() + "rookery-jwt-\(UUID().uuidString).in"
        FileManager.default.createFile(atPath: file, contents: Data(input))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let output = try TestGateway.run(
            "/usr/bin/openssl",
            ["dgst", "-\(digest.rawValue)", "-mac", "HMAC", "-macopt", "hexkey:\(key)", "-r", file]
        )
        return String(output.split(separator: " ").first ?? "")
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    private static func bytes(hex: String) -> [UInt8]? {
        let characters = Array(hex.utf8)
        guard characters.count % 2 == 0, !characters.isEmpty else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: characters.count, by: 2) {
            guard let byte = UInt8(String(decoding: characters[index..<index + 2], as: UTF8.self), radix: 16) else {
                return nil
            }
            bytes.append(byte)
        }
        return bytes
    }
}
