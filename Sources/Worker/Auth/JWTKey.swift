import COpenSSL

/// One HMAC secret and its key id: the first 8 bytes of the secret's SHA-256, in hex.
///
/// The id is derived, not configured, so every host that holds the same secret names it the
/// same way with nothing more to set. It reveals nothing usable about a random secret.
struct JWTKey {
    let secret: [UInt8]
    let id: String

    init(secret: [UInt8]) {
        self.secret = secret
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = secret.withUnsafeBufferPointer { bytes in
            digest.withUnsafeMutableBufferPointer { output in
                EVP_Digest(bytes.baseAddress, bytes.count, output.baseAddress, &length, EVP_sha256(), nil)
            }
        }
        self.id = digest.prefix(8).map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}
