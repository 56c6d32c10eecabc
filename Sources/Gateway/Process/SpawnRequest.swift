import Foundation

/// Maps an open descriptor of the gateway onto a descriptor number in the child.
///
/// `source` may equal `target`: the spawner always goes through an intermediate copy, so
/// the mapped descriptor survives `exec` even when the gateway opened it with `O_CLOEXEC`.
struct FileDescriptorMapping: Equatable, Sendable {
    /// Descriptor in the gateway.
    var source: CInt
    /// Descriptor number the child sees.
    var target: CInt

    init(source: CInt, target: CInt) {
        self.source = source
        self.target = target
    }
}

/// Where a child's standard output or standard error goes.
enum OutputDestination: Equatable, Sendable {
    /// Share the gateway's own descriptor.
    case inherit
    /// `/dev/null`.
    case discard
    /// A file opened for appending (created with mode 0640 if missing).
    case appendToFile(String)
}

/// Everything needed to start one child process with `posix_spawn`.
struct SpawnRequest: Equatable, Sendable {
    /// Path of the program. A name without `/` is searched in the gateway's `PATH`.
    var executablePath: String
    /// Arguments after `argv[0]`; `argv[0]` is `executablePath`.
    var arguments: [String]
    /// The child's complete environment (nothing else is inherited).
    var environment: [String: String]
    /// Descriptors the child receives besides 0, 1 and 2. Every other descriptor above 2 is
    /// closed in the child. A later mapping to the same target wins.
    var fileDescriptorMappings: [FileDescriptorMapping]
    /// Put the child in a new process group (its pid becomes the group id), so a terminal's
    /// Ctrl-C reaches only the gateway, which then stops its children in its own order.
    var newProcessGroup: Bool
    /// Reset every catchable signal to its default action and clear the signal mask, so the
    /// child does not inherit `SIG_IGN` or blocked signals from the gateway.
    var resetSignals: Bool
    /// Applied after `fileDescriptorMappings`, so it wins over a mapping to descriptor 1.
    var standardOutput: OutputDestination
    /// Applied after `fileDescriptorMappings`, so it wins over a mapping to descriptor 2.
    var standardError: OutputDestination

    init(
        executablePath: String,
        arguments: [String] = [],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        fileDescriptorMappings: [FileDescriptorMapping] = [],
        newProcessGroup: Bool = false,
        resetSignals: Bool = true,
        standardOutput: OutputDestination = .inherit,
        standardError: OutputDestination = .inherit
    ) {
        self.executablePath = executablePath
        self.arguments = arguments
        self.environment = environment
        self.fileDescriptorMappings = fileDescriptorMappings
        self.newProcessGroup = newProcessGroup
        self.resetSignals = resetSignals
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// `argv` as passed to the child.
    var argumentVector: [String] {
        [executablePath] + arguments
    }

    /// `envp` as passed to the child: `KEY=value`, sorted by key for reproducibility.
    var environmentBlock: [String] {
        environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }

    /// The first problem that would make the request impossible to pass to `exec`, if any.
    var validationProblem: String? {
        if executablePath.isEmpty {
            return "empty executable path"
        }
        if let bad = argumentVector.first(where: { $0.utf8.contains(0) }) {
            return "argument contains a NUL byte: \(bad.debugDescription)"
        }
        for (key, value) in environment {
            if key.isEmpty || key.utf8.contains(0) || key.contains("=") {
                return "invalid environment variable name \(key.debugDescription)"
            }
            if value.utf8.contains(0) {
                return "environment variable \(key) contains a NUL byte"
            }
        }
        if let bad = fileDescriptorMappings.first(where: { $0.source < 0 || $0.target < 0 }) {
            return "negative file descriptor in mapping \(bad.source) -> \(bad.target)"
        }
        return nil
    }
}
