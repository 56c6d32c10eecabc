import Protocol

/// Matches a method and path against route templates such as `/api/articles/:slug/comments/:id`.
///
/// Templates are split into segments once, at registration. Matching walks the registered
/// routes in order; a path that matches a template under another method gives 405 with the
/// allowed methods, a path that matches nothing gives 404.
struct Router<Handler> {
    private struct Route {
        let method: String
        let template: String
        let segments: [Segment]
        let handler: Handler
    }

    private enum Segment: Equatable {
        case literal(String)
        case parameter(String)
    }

    /// The result of a lookup.
    enum Match {
        case found(handler: Handler, template: String, parameters: RouteParameters)
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    private var routes: [Route] = []
    /// The routes of a cost class other than `standard`, for the worker's hello.
    private(set) var routeCosts: [RouteCost] = []

    /// Paths with more segments than this never match, whatever the templates.
    static var maxSegments: Int { 16 }

    /// Registers a route; `cost` tells the gateway how to schedule it (see `CostClass`).
    mutating func add(_ method: String, _ template: String, cost: CostClass = .standard, _ handler: Handler) {
        if cost != .standard {
            self.routeCosts.append(RouteCost(method: method, template: template, costClass: cost))
        }
        let segments = template.split(separator: "/", omittingEmptySubsequences: true).map { part in
            part.hasPrefix(":") ? Segment.parameter(String(part.dropFirst())) : Segment.literal(String(part))
        }
        self.routes.append(Route(method: method, template: template, segments: segments, handler: handler))
    }

    /// The templates registered for `method`, in registration order.
    func templates(for method: String) -> [String] {
        self.routes.filter { $0.method == method }.map(\.template)
    }

    func match(method: String, path: String) -> Match {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count <= Self.maxSegments else { return .notFound }
        // HEAD is served by the GET handler; the gateway drops the body.
        let lookupMethod = method == "HEAD" ? "GET" : method
        var allowed: [String] = []
        for route in self.routes {
            guard let parameters = Self.bind(route.segments, to: parts) else { continue }
            if route.method == lookupMethod {
                return .found(handler: route.handler, template: route.template, parameters: parameters)
            }
            if !allowed.contains(route.method) {
                allowed.append(route.method)
            }
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
    }

    private static func bind(_ segments: [Segment], to parts: [Substring]) -> RouteParameters? {
        guard segments.count == parts.count else { return nil }
        var parameters = RouteParameters()
        for (segment, part) in zip(segments, parts) {
            switch segment {
            case .literal(let literal):
                guard part == literal else { return nil }
            case .parameter(let name):
                parameters.values[name] = PercentDecoding.decode(part)
            }
        }
        return parameters
    }
}

/// Values bound to the `:name` segments of a matched template, percent-decoded.
struct RouteParameters {
    var values: [String: String] = [:]

    subscript(name: String) -> String? {
        self.values[name]
    }
}
