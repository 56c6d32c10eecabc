import CLibPQ
import Foundation
import Logging

/// The database the workers use: DATABASE_URL when given, otherwise the embedded PostgreSQL.
struct DatabaseSetup {
    /// libpq connection string or URL the workers connect with.
    var conninfo: String
    var embedded: EmbeddedPostgres?

    /// Starts the embedded server or checks that DATABASE_URL answers. Errors are one clear line.
    static func prepare(_ configuration: GatewayConfiguration, logger: Logger) throws -> DatabaseSetup {
        if let url = configuration.databaseURL {
            guard PQping(url) == PQPING_OK else {
                throw GatewayConfigurationError(
                    "database at DATABASE_URL is not reachable (\(Redaction.conninfo(url)))"
                )
            }
            return DatabaseSetup(conninfo: url, embedded: nil)
        }
        let embedded = EmbeddedPostgres(dataDirectory: configuration.dataDirectory, logger: logger)
        do {
            let conninfo = try embedded.start()
            return DatabaseSetup(conninfo: conninfo, embedded: embedded)
        } catch {
            throw GatewayConfigurationError("embedded PostgreSQL: \(error)")
        }
    }

    func stop() {
        self.embedded?.stop()
    }
}

/// Keeps secrets out of logs and error messages.
enum Redaction {
    /// The connection string with any password replaced by `***`.
    static func conninfo(_ conninfo: String) -> String {
        var text = conninfo
        // URL form: scheme://user:password@host
        if let schemeEnd = text.range(of: "://"), let at = text[schemeEnd.upperBound...].firstIndex(of: "@") {
            let credentials = text[schemeEnd.upperBound..<at]
            if let colon = credentials.firstIndex(of: ":") {
                text.replaceSubrange(text.index(after: colon)..<at, with: "***")
            }
        }
        // key=value form and URL query parameters.
        if let range = text.range(of: #"password\s*=\s*('([^'\\]|\\.)*'|[^\s&]*)"#, options: .regularExpression) {
            text.replaceSubrange(range, with: "password=***")
        }
        return text
    }
}
