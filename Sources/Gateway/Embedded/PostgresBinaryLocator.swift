import Foundation

/// Finds `postgres` and `initdb`: `pg_config --bindir` first, then the newest
/// `/usr/lib/postgresql/*/bin` (Debian/Ubuntu), then `PATH`.
struct PostgresBinaryLocator {
    var processControl: any ProcessControl
    var environment: [String: String]
    var packageRoot: String = "/usr/lib/postgresql"

    func locate() throws -> PostgresBinaries {
        for directory in candidateDirectories() where Self.containsServerPrograms(directory) {
            return PostgresBinaries(directory: directory)
        }
        throw EmbeddedPostgresError.binariesNotFound
    }

    private func candidateDirectories() -> [String] {
        var candidates: [String] = []
        if let fromPgConfig = pgConfigBinDirectory() {
            candidates.append(fromPgConfig)
        }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: packageRoot)) ?? []
        candidates += PostgresBinaries.newestFirst(versions).map { "\(packageRoot)/\($0)/bin" }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        candidates += path.split(separator: ":").map(String.init).filter { $0.hasPrefix("/") }
        return candidates
    }

    /// Debian's `pg_config` may come from libpq-dev alone and point at /usr/bin, which is why
    /// every candidate is checked for the server programs.
    private func pgConfigBinDirectory() -> String? {
        let request = SpawnRequest(
            executablePath: "pg_config",
            arguments: ["--bindir"],
            environment: environment,
            standardError: .discard
        )
        guard let output = try? processControl.runCapturingOutput(request, timeout: .seconds(10)),
            output.status.isSuccess
        else {
            return nil
        }
        let directory = output.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        return directory.hasPrefix("/") ? directory : nil
    }

    private static func containsServerPrograms(_ directory: String) -> Bool {
        PostgresBinaries.requiredPrograms.allSatisfy {
            FileManager.default.isExecutableFile(atPath: "\(directory)/\($0)")
        }
    }
}
