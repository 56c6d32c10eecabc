import Foundation

/// Finds `postgres` and `initdb` of the right major version.
///
/// Candidates, in order: `pg_config --bindir`, the `/usr/lib/postgresql/*/bin` directories
/// (Debian/Ubuntu, newest first), then `PATH`. An existing cluster must run on the major
/// version that created it (its `PG_VERSION`): newer binaries refuse its files, so that
/// version is picked, or an error names the upgrade path. A new cluster gets the first
/// candidate of a supported version.
struct PostgresBinaryLocator {
    var processControl: any ProcessControl
    var environment: [String: String]
    var packageRoot: String = "/usr/lib/postgresql"

    /// - Parameter clusterVersion: the cluster's `PG_VERSION`, nil before `initdb`.
    func locate(clusterVersion: String? = nil) throws -> PostgresBinaries {
        var found: [PostgresBinaries] = []
        for directory in candidateDirectories() where Self.containsServerPrograms(directory) {
            guard !found.contains(where: { $0.directory == directory }) else { continue }
            let binaries = PostgresBinaries(directory: directory, majorVersion: majorVersion(of: directory))
            if let clusterVersion {
                if binaries.majorVersion == clusterVersion { return binaries }
            } else if binaries.majorVersion.map(PostgresVersion.isSupported) ?? false {
                return binaries
            }
            found.append(binaries)
        }
        let versions = found.compactMap(\.majorVersion)
        if let clusterVersion {
            throw EmbeddedPostgresError.binariesForClusterMissing(clusterVersion: clusterVersion, installed: versions)
        }
        if !versions.isEmpty {
            throw EmbeddedPostgresError.binariesTooOld(installed: versions)
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

    /// From the Debian directory name when there is one, else from `postgres --version`.
    private func majorVersion(of directory: String) -> String? {
        let prefix = "\(packageRoot)/"
        if directory.hasPrefix(prefix), directory.hasSuffix("/bin") {
            let name = directory.dropFirst(prefix.count).dropLast("/bin".count)
            if let version = PostgresVersion.major(fromVersionFile: String(name)) {
                return version
            }
        }
        let request = SpawnRequest(
            executablePath: "\(directory)/postgres",
            arguments: ["--version"],
            environment: ["PATH": environment["PATH"] ?? "/usr/bin:/bin"],
            standardError: .discard
        )
        guard let output = try? processControl.runCapturingOutput(request, timeout: .seconds(10)),
            output.status.isSuccess
        else {
            return nil
        }
        return PostgresVersion.major(fromVersionOutput: output.standardOutput)
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
