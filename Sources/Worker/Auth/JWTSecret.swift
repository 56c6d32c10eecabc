import FoundationEssentials
import Logging

/// Finds the JWT signing secret when the worker starts.
///
/// Order, matching the gateway's (`JWTSecretFile` in the gateway): the file named by
/// `ROOKERY_JWT_SECRET_FILE` (the gateway sets it for `--jwt-secret-file` and for the generated
/// secret in the data directory), else `JWT_SECRET`. Trailing whitespace and newlines in the
/// file are not part of the secret. With neither, the worker still serves — endpoints that need
/// no token keep working — and every token operation fails with a logged 500.
enum JWTSecret {
    /// Secrets shorter than this are accepted with a warning: HS256 wants at least 256 bits.
    static let recommendedMinimumLength = 32
    /// A secret file is a few dozen bytes; refuse to read something else by mistake.
    static let maxFileSize = 64 * 1024

    static func load(
        configuration: WorkerConfiguration,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger
    ) -> JWTSigner? {
        do {
            let secret = try self.read(secretFile: configuration.jwtSecretFile, environment: environment)
            if secret.count < Self.recommendedMinimumLength {
                logger.warning("JWT secret is shorter than 32 bytes; use a longer random secret")
            }
            return JWTSigner(
                secret: secret,
                previousSecrets: Self.previous(environment: environment, logger: logger),
                timeToLive: Int64(max(1, configuration.jwtTimeToLive))
            )
        } catch {
            logger.error("no JWT secret: token operations will fail", metadata: ["error": .string("\(error)")])
            return nil
        }
    }

    /// The previous secret during a rotation (verifies, never signs): the file named by
    /// `ROOKERY_JWT_PREVIOUS_SECRET_FILE`, else `JWT_PREVIOUS_SECRET`. A missing or empty file
    /// means no rotation is running; one that cannot be read is logged and left out: the
    /// current secret keeps working.
    static func previous(environment: [String: String], logger: Logger) -> [[UInt8]] {
        var file = environment["ROOKERY_JWT_PREVIOUS_SECRET_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        if let path = file, !FileManager.default.fileExists(atPath: path) || Self.isBlank(path) {
            file = nil
        }
        guard file != nil || !(environment["JWT_PREVIOUS_SECRET"] ?? "").isEmpty else { return [] }
        do {
            let previousEnvironment = ["JWT_SECRET": environment["JWT_PREVIOUS_SECRET"] ?? ""]
            return [try self.read(secretFile: file, environment: previousEnvironment)]
        } catch {
            logger.error("previous JWT secret not usable", metadata: ["error": .string("\(error)")])
            return []
        }
    }

    /// Whether the file at `path` holds nothing but whitespace (or is too large to be a secret).
    private static func isBlank(_ path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path), data.count <= Self.maxFileSize else {
            return false
        }
        return data.allSatisfy { [0x20, 0x09, 0x0A, 0x0D].contains($0) }
    }

    /// The secret bytes, or an error saying why there are none.
    static func read(secretFile: String?, environment: [String: String]) throws -> [UInt8] {
        if let path = secretFile, !path.isEmpty {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw JWTSigningError("cannot read secret file \(path)")
            }
            guard data.count <= Self.maxFileSize else {
                throw JWTSigningError("secret file \(path) is larger than \(Self.maxFileSize) bytes")
            }
            var bytes = Array(data)
            while let last = bytes.last, [0x20, 0x09, 0x0A, 0x0D].contains(last) {
                bytes.removeLast()
            }
            guard !bytes.isEmpty else {
                throw JWTSigningError("secret file \(path) is empty")
            }
            return bytes
        }
        if let secret = environment["JWT_SECRET"], !secret.isEmpty {
            return Array(secret.utf8)
        }
        throw JWTSigningError("neither ROOKERY_JWT_SECRET_FILE nor JWT_SECRET is set")
    }
}
