/// How the write ledger answers again for a committed write whose body it did not store: a
/// response that carried a freshly signed token for a user (`HTTPResponse.replayUserID`) is
/// recorded as that user's id, and re-rendered with a new token by the controller that owns
/// the route. Controllers register their replays with their routes, so the runtime
/// (`Application`) looks them up by the recorded route template and knows no controller.
struct OutcomeReplays {
    /// Renders the answer for the user `userID` with the recorded `status`.
    typealias Replay = (_ userID: Int64, _ status: Int, _ context: RequestContext) throws -> HTTPResponse

    private var byRoute: [String: Replay] = [:]

    /// Registers `replay` for the writes answered by the route `template`.
    mutating func add(route template: String, _ replay: @escaping Replay) {
        self.byRoute[template] = replay
    }

    /// The replay for writes answered by `template`, if its controller registered one.
    func replay(forRoute template: String) -> Replay? {
        self.byRoute[template]
    }
}
