import Glibc

/// A NULL-terminated array of C strings (`argv`/`envp`) that frees its copies in `deinit`.
final class CStringArray {
    /// The strings followed by a terminating nil.
    private(set) var pointers: [UnsafeMutablePointer<CChar>?]

    /// Returns nil when memory for a copy cannot be allocated.
    init?(_ strings: [String]) {
        var pointers: [UnsafeMutablePointer<CChar>?] = []
        pointers.reserveCapacity(strings.count + 1)
        for string in strings {
            guard let copy = strdup(string) else {
                pointers.forEach { free($0) }
                return nil
            }
            pointers.append(copy)
        }
        pointers.append(nil)
        self.pointers = pointers
    }

    deinit {
        pointers.forEach { free($0) }
    }
}
