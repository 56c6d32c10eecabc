import Foundation
import XCTest

/// The temporary directories the end-to-end tests create (each holds a PostgreSQL cluster of
/// about 47 MB), removed when the test bundle finishes. They stay when a test failed, so its
/// logs and database can be read; the run then says where they are.
///
/// Removal waits for the end of the bundle, not the end of a test or of a `TestGateway`: a
/// test may start a second gateway on the first one's directory, and a shared gateway lives
/// until its class finishes.
final class TemporaryDirectories: NSObject, XCTestObservation, @unchecked Sendable {
    static let shared = TemporaryDirectories()

    private let lock = NSLock()
    private var paths: [String] = []
    private var failures = 0
    private var observing = false

    /// Makes a new directory under the system's temporary directory, to be removed with every
    /// sibling whose name starts with its own (`<path>-pg`, `<path>-gateway-<port>.log`).
    func make(prefix: String) throws -> String {
        let path = NSTemporaryDirectory() + prefix + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let startObserving = self.lock.withLock {
            self.paths.append(path)
            defer { self.observing = true }
            return !self.observing
        }
        if startObserving {
            XCTestObservationCenter.shared.addTestObserver(self)
        }
        return path
    }

    func testCase(
        _ testCase: XCTestCase,
        didFailWithDescription description: String,
        inFile filePath: String?,
        atLine lineNumber: Int
    ) {
        self.lock.withLock { self.failures += 1 }
    }

    func testBundleDidFinish(_ testBundle: Bundle) {
        let (paths, failures) = self.lock.withLock { (self.paths, self.failures) }
        guard failures == 0 else {
            print("kept \(paths.count) test directories for inspection, e.g. \(paths.last ?? "")")
            return
        }
        for path in paths {
            Self.removeWithSiblings(path)
        }
    }

    private static func removeWithSiblings(_ path: String) {
        let url = URL(fileURLWithPath: path)
        let parent = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
        for entry in entries where entry.hasPrefix(name) {
            try? FileManager.default.removeItem(atPath: parent + "/" + entry)
        }
    }
}
