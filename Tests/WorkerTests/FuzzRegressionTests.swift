import Foundation
import XCTest

@testable import Worker

/// Replays the fuzzing seeds and every saved crash input (deploy/fuzz/regressions/) through
/// the same entry points libFuzzer drives, so a fixed crash stays fixed in ordinary test runs.
final class FuzzRegressionTests: XCTestCase {
    private func inputs(_ folder: String) throws -> [(String, Data)] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("deploy/fuzz/\(folder)")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return try names.filter { !$0.hasPrefix(".") }.sorted().map { name in
            (name, try Data(contentsOf: root.appendingPathComponent(name)))
        }
    }

    func testSeedsAndRegressionsRunThroughTheFrameDecoder() throws {
        let all = try self.inputs("seeds/frames") + self.inputs("seeds/requests") + self.inputs("regressions")
        XCTAssertFalse(all.isEmpty)
        for (_, data) in all {
            data.withUnsafeBytes { FuzzTargets.decodeFrames($0) }
        }
    }

    func testSeedsAndRegressionsRunThroughTheRequestPath() throws {
        FuzzTargets.application = FuzzTargets.makeApplication()
        let all = try self.inputs("seeds/requests") + self.inputs("regressions")
        XCTAssertFalse(all.isEmpty)
        for (_, data) in all {
            data.withUnsafeBytes { FuzzTargets.serveRequests($0) }
        }
    }
}
