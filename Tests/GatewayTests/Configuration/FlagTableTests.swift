import ArgumentParser
import Foundation
import XCTest

@testable import Gateway

/// The README's configuration table is the one table of the gateway's flags: every flag of
/// `gateway serve --help` is in it with the environment variables its help names, and it lists
/// no flag the gateway does not have.
final class FlagTableTests: XCTestCase {
    /// README.md, found from this file's path (Tests/GatewayTests/Configuration/ → the package root).
    private static var readmeURL: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("README.md")
    }

    /// `gateway serve --help`, unwrapped: each flag with the text of its help.
    private static func helpByFlag() -> [String: String] {
        let help = GatewayCommand.helpMessage(for: ServeCommand.self, columns: 100_000)
        var entries: [String: String] = [:]
        for line in help.split(separator: "\n") {
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasPrefix("--"), let flag = trimmed.split(separator: " ").first else { continue }
            entries[String(flag)] = String(trimmed)
        }
        entries["--help"] = nil
        entries["--version"] = nil
        return entries
    }

    /// The README's configuration rows: the flags of the first column, with the whole row.
    private static func readmeRows() throws -> [(flags: [String], row: String)] {
        let readme = try String(contentsOf: Self.readmeURL, encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false)
        guard let header = lines.firstIndex(where: { $0.hasPrefix("| flag | environment | default |") }) else {
            return []
        }
        var rows: [(flags: [String], row: String)] = []
        for line in lines[(header + 2)...] {
            guard line.hasPrefix("|") else { break }
            let firstCell = line.split(separator: "|").first ?? ""
            let flags = firstCell.matches(of: /--[a-z-]+/).map { String($0.output) }
            rows.append((flags, String(line)))
        }
        return rows
    }

    func testTheReadmeTableListsExactlyTheFlagsOfServe() throws {
        let help = Self.helpByFlag()
        let rows = try Self.readmeRows()
        XCTAssertFalse(rows.isEmpty, "the README has a configuration table")
        let documented = rows.flatMap(\.flags)
        XCTAssertEqual(Set(documented).count, documented.count, "a flag appears twice in the README table")
        XCTAssertEqual(
            Set(help.keys).subtracting(documented).sorted(),
            [],
            "flags of `gateway serve --help` missing from the README table"
        )
        XCTAssertEqual(
            Set(documented).subtracting(help.keys).sorted(),
            [],
            "README flags that `gateway serve --help` does not have"
        )
    }

    func testEachRowNamesTheEnvironmentVariablesTheHelpNames() throws {
        let help = Self.helpByFlag()
        for (flags, row) in try Self.readmeRows() {
            for flag in flags {
                guard let text = help[flag] else { continue }
                for match in text.matches(of: /env: ([A-Z_]+)/) {
                    let variable = String(match.output.1)
                    XCTAssertTrue(row.contains("`\(variable)"), "\(flag): the README row lacks \(variable)")
                }
            }
        }
    }
}
