import Foundation

/// Steady concurrent load on loopback for failure tests: each client loops over keep-alive
/// connections sending one request kind until stopped, recording every outcome.
final class LoadGenerator: @unchecked Sendable {
    struct Outcome: Sendable {
        var status: Int?
        var error: String?
        var body: String
        /// The request target it answers.
        var path = ""
    }

    private let lock = NSLock()
    private var outcomes: [Outcome] = []
    private var running = true
    private let group = DispatchGroup()

    /// Starts `clients` threads; `makeRequest(client, index)` gives method, path, headers, body.
    init(
        port: Int,
        clients: Int,
        maxRequestsPerClient: Int = 100_000,
        makeRequest: @escaping @Sendable (Int, Int) -> (String, String, [(String, String)], String?)
    ) {
        for client in 0..<clients {
            self.group.enter()
            Thread.detachNewThread {
                defer { self.group.leave() }
                var connection: RawHTTPConnection?
                var index = 0
                while self.isRunning, index < maxRequestsPerClient {
                    let (method, path, headers, body) = makeRequest(client, index)
                    index += 1
                    do {
                        let open = try connection ?? RawHTTPConnection(port: port)
                        connection = open
                        let response = try open.request(method, path, headers: headers, body: body)
                        self.record(Outcome(status: response.status, error: nil, body: response.text, path: path))
                        if response.header("connection")?.lowercased() == "close" {
                            connection = nil
                        }
                    } catch {
                        connection = nil
                        self.record(Outcome(status: nil, error: "\(error)", body: "", path: path))
                    }
                }
            }
        }
    }

    private var isRunning: Bool {
        self.lock.withLock { self.running }
    }

    private func record(_ outcome: Outcome) {
        self.lock.withLock { self.outcomes.append(outcome) }
    }

    /// Stops the clients and returns every outcome.
    func stop() -> [Outcome] {
        self.lock.withLock { self.running = false }
        self.group.wait()
        return self.lock.withLock { self.outcomes }
    }

    var count: Int {
        self.lock.withLock { self.outcomes.count }
    }
}
