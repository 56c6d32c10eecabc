/// Parses `Authorization: Token <jwt>` (RealWorld's scheme) and `Bearer <jwt>`.
enum AuthorizationHeader {
    /// The token, or `nil` when the value does not use one of the two schemes (compared
    /// case-insensitively, as RFC 9110 says) with a non-empty credential.
    static func token(from value: String) -> String? {
        let trimmed = value.trimmingASCIIWhitespace()
        guard let space = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }) else { return nil }
        let scheme = trimmed[..<space].lowercased()
        guard scheme == "token" || scheme == "bearer" else { return nil }
        let credential = trimmed[space...].trimmingASCIIWhitespace()
        guard !credential.isEmpty, !credential.contains(where: { $0 == " " || $0 == "\t" }) else { return nil }
        return String(credential)
    }
}

extension StringProtocol {
    fileprivate func trimmingASCIIWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = self.firstIndex(where: { !isSpace($0) }),
            let last = self.lastIndex(where: { !isSpace($0) })
        else {
            return Substring()
        }
        return Substring(self[first...last])
    }
}
