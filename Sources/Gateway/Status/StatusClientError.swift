import Foundation

/// Why `gateway status` could not get /status; `description` is the one line it prints.
enum StatusClientError: Error, Equatable, CustomStringConvertible {
    /// connect(2) failed, with its errno (ECONNREFUSED: nothing listens on the port).
    case connectFailed(address: String, code: Int32)
    case timedOut(address: String, seconds: Double)
    /// The connection broke while sending or receiving, with errno.
    case connectionFailed(address: String, code: Int32)
    case malformed(String)
    case tooLarge(limit: Int)
    case unexpectedStatus(Int, body: String)

    var description: String {
        switch self {
        case .connectFailed(let address, let code):
            let hint = code == ECONNREFUSED ? " (is the gateway running? check --admin-port / ADMIN_PORT)" : ""
            return "cannot connect to the admin listener at \(address): \(Self.text(code))\(hint)"
        case .timedOut(let address, let seconds):
            return "the admin listener at \(address) did not answer within \(StatusFormatter.decimal(seconds)) s"
        case .connectionFailed(let address, let code):
            return "connection to the admin listener at \(address) failed: \(Self.text(code))"
        case .malformed(let reason):
            return "the admin listener sent an invalid HTTP response: \(reason)"
        case .tooLarge(let limit):
            return "the admin listener's response is larger than \(limit) bytes"
        case .unexpectedStatus(let status, let body):
            let detail = body.isEmpty ? "" : ": " + body.prefix(200).replacingOccurrences(of: "\n", with: " ")
            return "/status answered HTTP \(status)\(detail)"
        }
    }

    private static func text(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
