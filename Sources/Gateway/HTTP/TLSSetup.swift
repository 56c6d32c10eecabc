import NIOCore
import NIOSSL

/// Optional TLS termination with swift-nio-ssl: TLS 1.2 or newer, HTTP/1.1 only.
enum TLSSetup {
    /// HSTS sent on every response when TLS is on.
    static let strictTransportSecurity = "max-age=31536000; includeSubDomains"

    /// Loads the certificate chain and key; a bad file is one clear configuration error.
    static func makeContext(certificate: String, key: String) throws -> NIOSSLContext {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
            guard !chain.isEmpty else {
                throw GatewayConfigurationError("no certificate in \(certificate)")
            }
            let privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain,
                privateKey: .privateKey(privateKey)
            )
            configuration.minimumTLSVersion = .tlsv12
            configuration.applicationProtocols = ["http/1.1"]
            return try NIOSSLContext(configuration: configuration)
        } catch let error as GatewayConfigurationError {
            throw error
        } catch {
            throw GatewayConfigurationError("cannot load TLS certificate \(certificate) or key \(key): \(error)")
        }
    }
}
