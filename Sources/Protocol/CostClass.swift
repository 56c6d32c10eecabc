/// What a request costs the worker that runs it, as the gateway must know before it picks a
/// worker: an expensive class may hold only a bounded share of the workers at once and waits
/// in its own queue, so cheap requests never wait behind it (see docs/supervisor.md).
///
/// A route's class is declared where the route is registered (the worker's `Router.add`); the
/// worker sends the table of non-standard routes in its hello.
public enum CostClass: UInt8, Sendable, Hashable, CaseIterable {
    /// Everything not declared otherwise: reads, writes, the bench routes.
    case standard = 0
    /// Hashes a password with scrypt (~100 ms of CPU): register, login, password change.
    case passwordHashing = 1

    /// The name used in flags, /status and metrics labels.
    public var label: String {
        switch self {
        case .standard: "standard"
        case .passwordHashing: "password_hashing"
        }
    }
}

/// One route whose cost class is not `standard`: a method and a path template whose
/// `:name` segments match any one segment.
public struct RouteCost: Sendable, Hashable {
    public var method: String
    public var template: String
    public var costClass: CostClass

    public init(method: String, template: String, costClass: CostClass) {
        self.method = method
        self.template = template
        self.costClass = costClass
    }

    /// Whether a request's method and path (without the query) fall under this route, by the
    /// worker router's rules: empty segments are ignored, literals compare exactly, HEAD is
    /// routed as GET.
    public func matches(method: String, path: Substring) -> Bool {
        let lookup = method == "HEAD" ? "GET" : method
        guard lookup == self.method else { return false }
        var requestSegments = path.split(separator: "/", omittingEmptySubsequences: true).makeIterator()
        for segment in self.template.split(separator: "/", omittingEmptySubsequences: true) {
            guard let requestSegment = requestSegments.next() else { return false }
            if segment.first != ":", segment != requestSegment {
                return false
            }
        }
        return requestSegments.next() == nil
    }
}
