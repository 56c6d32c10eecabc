import RookeryCommon

/// The one place that decides which requests only read, and so may be answered by a replica.
///
/// A read is a request with a safe method (`MethodRules.isSafe`) whose route writes nothing.
/// Every API route that answers GET only reads; the one exception is the TechEmpower `/updates`
/// route, which writes on a GET as the benchmark requires. Everything else (POST, PUT, DELETE,
/// any unknown method, and the write-outcome question) runs on the primary, in the write's
/// transaction.
enum ReadRule {
    /// GET routes that write.
    static let writingGETRoutes: Set<String> = ["/updates"]

    static func isRead(method: String, route: String) -> Bool {
        MethodRules(method).isSafe && !Self.writingGETRoutes.contains(route)
    }
}
