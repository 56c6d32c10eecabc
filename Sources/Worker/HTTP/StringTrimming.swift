extension String {
    /// The string without leading and trailing Unicode white space (the `White_Space`
    /// property: spaces, tabs, line and paragraph separators, NEL), like Foundation's
    /// `trimmingCharacters(in: .whitespacesAndNewlines)`, which the worker does without.
    func trimmingWhitespace() -> String {
        let scalars = self.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else {
            return ""
        }
        return String(scalars[first...last])
    }
}
