import Foundation

/// One gateway per data directory: an exclusive `flock` on `<data-dir>/gateway.lock`, taken
/// before the embedded PostgreSQL is touched and held until the gateway stops.
///
/// Without it a second gateway (or `gateway migrate`) on a live directory would take the
/// running server for a leftover of a crash and shut it down. `flock` locks vanish with the
/// process, so a crashed gateway never leaves a stale lock; the pid written into the file only
/// names the holder in the error message. The descriptor is close-on-exec: workers and
/// PostgreSQL do not inherit (and so cannot keep) the lock.
final class DataDirectoryLock: Sendable {
    static let fileName = "gateway.lock"

    let path: String
    private let descriptor: CInt

    private init(path: String, descriptor: CInt) {
        self.path = path
        self.descriptor = descriptor
    }

    /// Takes the lock without waiting; throws `dataDirectoryInUse` when another process holds it.
    static func acquire(dataDirectory: String) throws -> DataDirectoryLock {
        let path = "\(dataDirectory)/\(fileName)"
        do throws(FileSystemOperations.Failure) {
            try FileSystemOperations.makeDirectories(dataDirectory, mode: 0o755)
        } catch {
            throw EmbeddedPostgresError.dataDirectoryNotWritable(path: dataDirectory, reason: error.description)
        }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw EmbeddedPostgresError.dataDirectoryNotWritable(
                path: dataDirectory,
                reason: FileSystemOperations.Failure("cannot open", path).description
            )
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.recordedPid(descriptor)
            close(descriptor)
            throw EmbeddedPostgresError.dataDirectoryInUse(path: dataDirectory, holderPid: holder)
        }
        let record = "\(getpid())\n"
        if ftruncate(descriptor, 0) == 0 {
            _ = record.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        }
        return DataDirectoryLock(path: path, descriptor: descriptor)
    }

    /// Gives the lock up. Only for a clean stop: the lock otherwise lives as long as the process.
    func release() {
        close(descriptor)
    }

    private static func recordedPid(_ descriptor: CInt) -> pid_t? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer.prefix(count), as: UTF8.self)
        return PostmasterPidFile.pid(fromContents: text)
    }
}
