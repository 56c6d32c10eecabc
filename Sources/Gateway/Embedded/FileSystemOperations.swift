import Foundation

/// Thin errno-reporting wrappers over the file system calls the embedded cluster needs.
enum FileSystemOperations {
    /// A failed call: "<operation> <path>: <strerror>".
    struct Failure: Error, CustomStringConvertible {
        let description: String

        init(_ operation: String, _ path: String, errorNumber: CInt = errno) {
            description = "\(operation) \(path): \(SystemErrorText.describe(errorNumber))"
        }
    }

    /// `mkdir -p`; existing directories keep their mode.
    static func makeDirectories(_ path: String, mode: mode_t) throws(Failure) {
        var current = ""
        for component in path.split(separator: "/") {
            current += "/\(component)"
            if mkdir(current, mode) != 0 && errno != EEXIST {
                throw Failure("cannot create", current)
            }
        }
        var info = stat()
        guard stat(path, &info) == 0 else { throw Failure("cannot access", path) }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw Failure("not a directory:", path, errorNumber: ENOTDIR) }
    }

    /// Creates and removes a scratch file, which catches read-only mounts and foreign owners.
    static func probeWritable(_ directory: String) throws(Failure) {
        let probe = "\(directory)/.rookery-write-test-\(getpid())"
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Failure("cannot create files in", directory) }
        close(descriptor)
        unlink(probe)
    }

    /// Creates the file if missing, without truncating it.
    static func touch(_ path: String) throws(Failure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw Failure("cannot open", path) }
        close(descriptor)
    }

    static func setMode(_ path: String, _ mode: mode_t) throws(Failure) {
        guard chmod(path, mode) == 0 else { throw Failure("cannot chmod", path) }
    }

    /// `chown -R` without following symbolic links.
    static func changeOwnerRecursively(_ path: String, uid: uid_t, gid: gid_t) throws(Failure) {
        guard lchown(path, uid, gid) == 0 else { throw Failure("cannot chown", path) }
        guard let entries = FileManager.default.enumerator(atPath: path) else { return }
        while let entry = entries.nextObject() as? String {
            let child = "\(path)/\(entry)"
            // A file may vanish meanwhile (e.g. a removed stale socket).
            if lchown(child, uid, gid) != 0 && errno != ENOENT {
                throw Failure("cannot chown", child)
            }
        }
    }

    /// The first directory above `path` that `uid`/`gid` cannot enter, judged by mode bits
    /// (ignores supplementary groups and ACLs, so it is only used for a warning).
    static func firstUnsearchableAncestor(of path: String, uid: uid_t, gid: gid_t) -> String? {
        var current = ""
        for component in path.split(separator: "/").dropLast() {
            current += "/\(component)"
            var info = stat()
            guard stat(current, &info) == 0 else { return nil }
            let bit: mode_t = info.st_uid == uid ? S_IXUSR : info.st_gid == gid ? S_IXGRP : S_IXOTH
            if info.st_mode & bit == 0 {
                return current
            }
        }
        return nil
    }
}
