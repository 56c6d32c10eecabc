import Glibc

/// Starts child processes with `posix_spawn` (never a bare `fork` of our multithreaded
/// process).
///
/// Descriptors: the child gets 0, 1 and 2 (possibly redirected) plus the request's
/// mappings; everything else is closed in the child (glibc >= 2.34) and, in any case, the
/// gateway opens its own descriptors with `O_CLOEXEC`.
struct ProcessSpawner: Sendable {
    init() {}

    /// Starts the child described by `request` and returns its pid.
    ///
    /// Throws `ProcessSpawnError`, e.g. "cannot start /x/worker: No such file or directory"
    /// (glibc reports `exec` failures from `posix_spawn` itself).
    func spawn(_ request: SpawnRequest) throws -> pid_t {
        let path = request.executablePath
        if let problem = request.validationProblem {
            throw ProcessSpawnError(executablePath: path, reason: problem)
        }
        var descriptorsToClose: [CInt] = []
        defer { descriptorsToClose.forEach { _ = close($0) } }

        var mappings = request.fileDescriptorMappings
        for (destination, target) in [(request.standardOutput, CInt(1)), (request.standardError, CInt(2))] {
            guard let descriptor = try open(destination, for: path) else { continue }
            descriptorsToClose.append(descriptor)
            mappings.append(FileDescriptorMapping(source: descriptor, target: target))
        }

        let plan = FileDescriptorPlan(mappings: mappings)
        var temporaries: [CInt] = []
        for mapping in mappings {
            let copy = fcntl(mapping.source, F_DUPFD_CLOEXEC, plan.temporaryFloor)
            guard copy >= 0 else {
                throw ProcessSpawnError(
                    executablePath: path,
                    errorNumber: errno,
                    context: "file descriptor \(mapping.source)"
                )
            }
            descriptorsToClose.append(copy)
            temporaries.append(copy)
        }

        do {
            let actions = try SpawnFileActions()
            try actions.add(plan.actions(temporaries: temporaries))
            let attributes = try SpawnAttributes()
            try attributes.configure(newProcessGroup: request.newProcessGroup, resetSignals: request.resetSignals)
            return try launch(request, actions: actions, attributes: attributes)
        } catch let error as SpawnActionError {
            throw ProcessSpawnError(executablePath: path, errorNumber: error.errorNumber, context: error.context)
        }
    }

    private func launch(
        _ request: SpawnRequest,
        actions: SpawnFileActions,
        attributes: SpawnAttributes
    ) throws -> pid_t {
        guard let argv = CStringArray(request.argumentVector),
            let envp = CStringArray(request.environmentBlock)
        else {
            throw ProcessSpawnError(executablePath: request.executablePath, errorNumber: ENOMEM)
        }
        var pid: pid_t = 0
        let result: CInt
        if request.executablePath.contains("/") {
            result = posix_spawn(
                &pid,
                request.executablePath,
                actions.pointer,
                attributes.pointer,
                argv.pointers,
                envp.pointers
            )
        } else {
            result = posix_spawnp(
                &pid,
                request.executablePath,
                actions.pointer,
                attributes.pointer,
                argv.pointers,
                envp.pointers
            )
        }
        guard result == 0 else {
            throw ProcessSpawnError(executablePath: request.executablePath, errorNumber: result)
        }
        return pid
    }

    /// Opens an output destination (close-on-exec); nil for `.inherit`.
    private func open(_ destination: OutputDestination, for executable: String) throws -> CInt? {
        let file: String
        let flags: CInt
        switch destination {
        case .inherit:
            return nil
        case .discard:
            file = "/dev/null"
            flags = O_WRONLY | O_CLOEXEC
        case .appendToFile(let path):
            file = path
            flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC
        }
        let descriptor = Glibc.open(file, flags, 0o640)
        guard descriptor >= 0 else {
            throw ProcessSpawnError(executablePath: executable, errorNumber: errno, context: "cannot open \(file)")
        }
        return descriptor
    }
}
