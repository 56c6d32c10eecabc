import COpenSSL
import FoundationEssentials

/// Hashes and verifies passwords with scrypt.
///
/// A stored hash names its own parameters — `scrypt$<log2N>$<r>$<p>$<salt base64>$<hash base64>`
/// — so the cost can be raised later while hashes written with older parameters still verify.
/// Verification treats the stored string as untrusted: anything malformed is simply "no match",
/// and parameters beyond `limits` are refused, so a tampered row cannot make a login burn
/// gigabytes of memory or minutes of CPU.
struct PasswordHasher {
    /// scrypt's cost parameters.
    struct Parameters: Equatable {
        var log2N: Int
        var r: Int
        var p: Int
    }

    /// What new hashes use: N = 2^15, r = 8, p = 1 (about 32 MiB and tens of milliseconds).
    static let currentParameters = Parameters(log2N: 15, r: 8, p: 1)
    /// The most a stored hash may ask for.
    static let limits = Parameters(log2N: 20, r: 16, p: 4)
    /// Memory OpenSSL may use for one derivation; a stored hash that needs more does not verify.
    static let maxMemory: UInt64 = 256 << 20
    static let saltLength = 16
    static let keyLength = 32

    var parameters: Parameters = Self.currentParameters

    /// A new self-describing hash with a fresh random salt.
    func hash(_ password: String) throws -> String {
        var salt = [UInt8](repeating: 0, count: Self.saltLength)
        let status = salt.withUnsafeMutableBufferPointer { buffer in
            RAND_bytes(buffer.baseAddress, Int32(buffer.count))
        }
        guard status == 1 else {
            ERR_clear_error()
            throw PasswordHashingError("RAND_bytes failed")
        }
        guard
            let memory = Scrypt.memoryNeeded(log2N: parameters.log2N, r: parameters.r, p: parameters.p),
            let key = Scrypt.deriveKey(
                password: Array(password.utf8),
                salt: salt,
                log2N: parameters.log2N,
                r: parameters.r,
                p: parameters.p,
                length: Self.keyLength,
                maxMemory: memory
            )
        else {
            throw PasswordHashingError("EVP_PBE_scrypt failed")
        }
        return [
            "scrypt", String(parameters.log2N), String(parameters.r), String(parameters.p),
            Data(salt).base64EncodedString(), Data(key).base64EncodedString(),
        ].joined(separator: "$")
    }

    /// Whether `password` matches `storedHash`. Never throws and never traps, whatever the input.
    func verify(_ password: String, against storedHash: String) -> Bool {
        guard let stored = StoredHash(parsing: storedHash),
            let memory = Scrypt.memoryNeeded(
                log2N: stored.parameters.log2N,
                r: stored.parameters.r,
                p: stored.parameters.p
            ),
            memory <= Self.maxMemory,
            let key = Scrypt.deriveKey(
                password: Array(password.utf8),
                salt: stored.salt,
                log2N: stored.parameters.log2N,
                r: stored.parameters.r,
                p: stored.parameters.p,
                length: stored.key.count,
                maxMemory: memory
            )
        else {
            return false
        }
        return key.withUnsafeBytes { derived in
            stored.key.withUnsafeBytes { expected in
                CRYPTO_memcmp(derived.baseAddress, expected.baseAddress, expected.count) == 0
            }
        }
    }

    /// Whether a hash was written with weaker parameters than today's, so the caller may rehash
    /// it after a successful login.
    func needsRehash(_ storedHash: String) -> Bool {
        StoredHash(parsing: storedHash)?.parameters != self.parameters
    }

    /// The parsed form of `scrypt$<log2N>$<r>$<p>$<salt>$<key>`.
    struct StoredHash {
        var parameters: Parameters
        var salt: [UInt8]
        var key: [UInt8]

        init?(parsing text: String) {
            // A legitimate hash is under 200 bytes; do not parse megabytes.
            guard text.utf8.count <= 512 else { return nil }
            let parts = text.split(separator: "$", omittingEmptySubsequences: false)
            guard parts.count == 6, parts[0] == "scrypt",
                let log2N = Self.smallInteger(parts[1]),
                let r = Self.smallInteger(parts[2]),
                let p = Self.smallInteger(parts[3]),
                (1...PasswordHasher.limits.log2N).contains(log2N),
                (1...PasswordHasher.limits.r).contains(r),
                (1...PasswordHasher.limits.p).contains(p),
                let salt = Data(base64Encoded: String(parts[4])),
                let key = Data(base64Encoded: String(parts[5])),
                (8...64).contains(salt.count),
                (16...64).contains(key.count)
            else {
                return nil
            }
            self.parameters = Parameters(log2N: log2N, r: r, p: p)
            self.salt = Array(salt)
            self.key = Array(key)
        }

        /// Plain decimal digits only: no sign, no spaces, at most three digits.
        private static func smallInteger(_ text: Substring) -> Int? {
            guard (1...3).contains(text.utf8.count), text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
                return nil
            }
            return Int(text)
        }
    }
}

/// OpenSSL could not produce a hash (no randomness, allocation failure). An internal error: 500.
struct PasswordHashingError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = "password hashing: \(description)"
    }
}
