/// Why a child process could not be started.
struct ProcessSpawnError: Error, Equatable, CustomStringConvertible {
    /// The program we tried to start.
    let executablePath: String
    /// What went wrong, e.g. "No such file or directory".
    let reason: String
    /// The `errno` value, when the failure came from the system.
    let errorNumber: CInt?

    init(executablePath: String, reason: String, errorNumber: CInt? = nil) {
        self.executablePath = executablePath
        self.reason = reason
        self.errorNumber = errorNumber
    }

    init(executablePath: String, errorNumber: CInt, context: String? = nil) {
        let text = SystemErrorText.describe(errorNumber)
        self.init(
            executablePath: executablePath,
            reason: context.map { "\($0): \(text)" } ?? text,
            errorNumber: errorNumber
        )
    }

    var description: String {
        "cannot start \(executablePath): \(reason)"
    }
}
