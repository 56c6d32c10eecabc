import Dispatch
import Foundation

/// Turns process signals into calls on a queue, like gunicorn's arbiter: the handler only
/// records the signal; the work happens in normal code.
final class SignalWatcher: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32], queue: DispatchQueue, handler: @escaping @Sendable (Int32) -> Void) {
        self.sources = signals.map { number in
            // Ignoring the default action first is what lets the dispatch source see the signal.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in self.sources {
            source.cancel()
        }
    }
}
