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

        var isParameter: Bool {
            if case .parameter = self { return true }
            return false
        }
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
    /// For each template without parameters, by method: the route the walk in `match` finds
    /// for that exact path. Filled at registration, so a request for a literal route (the
    /// common case) costs one lookup instead of splitting its path and walking every route.
    private var literalMatches: [String: [String: Route]] = [:]

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
        self.indexLiteralRoutes()
    }

    /// Recomputes `literalMatches` from the walk itself, so the lookup can never disagree with it.
    private mutating func indexLiteralRoutes() {
        var index: [String: [String: Route]] = [:]
        let methods = Set(self.routes.map(\.method))
        for route in self.routes where route.segments.allSatisfy({ !$0.isParameter }) {
            for method in methods {
                // Only a parameter-free answer: an earlier `:name` route may win the walk,
                // and its parameters are not the lookup's to know.
                if let found = self.walk(method: method, path: route.template).route,
                    found.segments.allSatisfy({ !$0.isParameter })
                {
                    index[route.template, default: [:]][method] = found
                }
            }
        }
        self.literalMatches = index
    }

    /// The templates registered for `method`, in registration order.
    func templates(for method: String) -> [String] {
        self.routes.filter { $0.method == method }.map(\.template)
    }

    func match(method: String, path: String) -> Match {
        // HEAD is served by the GET handler; the gateway drops the body.
        let lookupMethod = method == "HEAD" ? "GET" : method
        if let route = self.literalMatches[path]?[lookupMethod] {
            return .found(handler: route.handler, template: route.template, parameters: RouteParameters())
        }
        let (route, parameters, allowed) = self.walk(method: lookupMethod, path: path)
        if let route {
            return .found(handler: route.handler, template: route.template, parameters: parameters)
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
    }

    /// The first route, in registration order, whose template matches `path` under `method`,
    /// with its parameters; else the methods of the routes whose template matches.
    private func walk(
        method: String,
        path: String
    ) -> (route: Route?, parameters: RouteParameters, allowed: [String]) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count <= Self.maxSegments else { return (nil, RouteParameters(), []) }
        var allowed: [String] = []
        for route in self.routes {
            guard let parameters = Self.bind(route.segments, to: parts) else { continue }
            if route.method == method {
                return (route, parameters, [])
            }
            if !allowed.contains(route.method) {
                allowed.append(route.method)
            }
        }
        return (nil, RouteParameters(), allowed)
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
