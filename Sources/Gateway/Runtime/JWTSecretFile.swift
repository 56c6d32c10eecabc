import Foundation

/// Where workers read the JWT signing secret from.
///
/// Order: `--jwt-secret-file`; JWT_SECRET (passed to workers in their environment); otherwise
/// a random 256-bit secret generated once into `<data-dir>/jwt-secret` with mode 0600, so
/// tokens survive restarts.
enum JWTSecretFile {
    /// Environment entries for the workers that tell them where the secret is.
    static func workerEnvironment(_ configuration: GatewayConfiguration) throws -> [String: String] {
        var environment = try self.currentSecretEnvironment(configuration)
        // May be missing or empty while no rotation runs: it is read by each worker at its start,
        // so a rotation step is a file edit and a reload.
        if let path = configuration.cluster.jwtPreviousSecretFile {
            environment["ROOKERY_JWT_PREVIOUS_SECRET_FILE"] = absolute(path)
        }
        return environment
    }

    /// With an external database but no secret given, each host generates its own secret and
    /// tokens from one host are refused by the others. Allowed (one host with an external
    /// database needs nothing more), but said loudly at start: this text, or nil.
    static func unsharedSecretWarning(_ configuration: GatewayConfiguration) -> String? {
        guard configuration.databaseURL != nil, configuration.jwtSecretFile == nil, configuration.jwtSecret == nil
        else { return nil }
        return "DATABASE_URL is set but no JWT secret is: this host signs tokens with its own generated secret "
            + "(\(absolute(configuration.dataDirectory + "/jwt-secret"))), and other hosts on the same database will "
            + "refuse them. Give every host the same --jwt-secret-file or JWT_SECRET."
    }

    private static func currentSecretEnvironment(_ configuration: GatewayConfiguration) throws -> [String: String] {
        if let path = configuration.jwtSecretFile {
            guard FileManager.default.isReadableFile(atPath: path) else {
                throw GatewayConfigurationError("JWT secret file \(path) is not readable")
            }
            return ["ROOKERY_JWT_SECRET_FILE": absolute(path)]
        }
        if let secret = configuration.jwtSecret {
            return ["JWT_SECRET": secret]
        }
        let path = absolute(configuration.dataDirectory + "/jwt-secret")
        if !FileManager.default.fileExists(atPath: path) {
            try generate(at: path)
        }
        return ["ROOKERY_JWT_SECRET_FILE": path]
    }

    private static func generate(at path: String) throws {
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<4).map { _ in
            let text = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }.joined()
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST { return }  // another gateway created it first
            throw GatewayConfigurationError(
                "cannot create JWT secret file \(path): \(String(cString: strerror(errno)))"
            )
        }
        defer { close(descriptor) }
        let bytes = Array((secret + "\n").utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else {
            throw GatewayConfigurationError("cannot write JWT secret file \(path)")
        }
    }

    private static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}
