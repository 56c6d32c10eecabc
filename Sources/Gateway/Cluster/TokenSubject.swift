import Foundation

/// The user a request speaks for, read from the `sub` claim of its bearer token without
/// checking the signature, only to look up that user's last write (`WritePositions`).
///
/// Not verifying is safe here: the worker verifies every token before it answers. A forged
/// token can at most send its own request to the primary, and positions are only recorded from
/// a worker's answer to a committed write, which needs a valid token (or is a registration).
enum TokenSubject {
    /// Tokens longer than this are not looked at (the worker refuses them anyway).
    static let maxTokenLength = 4096

    static func userID(fromAuthorization header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0] == "Token" || parts[0] == "Bearer", parts[1].utf8.count <= Self.maxTokenLength
        else { return nil }
        let segments = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3, let payload = Self.base64URLDecode(segments[1]),
            let claims = try? JSONSerialization.jsonObject(with: payload) as? [String: Any],
            let subject = claims["sub"] as? String, !subject.isEmpty, subject.utf8.count <= 32,
            subject.utf8.allSatisfy({ (48...57).contains($0) })
        else { return nil }
        return subject
    }

    private static func base64URLDecode(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
