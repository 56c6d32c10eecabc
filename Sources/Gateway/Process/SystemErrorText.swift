import Glibc

/// Human-readable text for `errno` values.
enum SystemErrorText {
    /// E.g. "No such file or directory" for `ENOENT`.
    static func describe(_ errorNumber: CInt) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        // Swift imports the XSI strerror_r (returns 0 and fills the buffer); it is thread-safe,
        // unlike strerror.
        let message = buffer.withUnsafeMutableBufferPointer { pointer -> String in
            guard let base = pointer.baseAddress, strerror_r(errorNumber, base, pointer.count) == 0 else {
                return ""
            }
            return String(cString: base)
        }
        return message.isEmpty ? "error \(errorNumber)" : message
    }
}
