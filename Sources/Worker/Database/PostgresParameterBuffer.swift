/// Lays text parameters out as NUL-terminated C strings in one buffer, for the
/// `paramValues` argument of `PQexecPrepared`.
///
/// Rejects values containing a NUL byte: libpq would silently cut them short, so a
/// bound value would no longer be the value the caller checked.
struct PostgresParameterBuffer {
    private var storage: [CChar] = []
    /// The start of each value in `storage`; `nil` is SQL NULL.
    private var offsets: [Int?] = []

    init(_ values: [String?]) throws {
        for value in values {
            guard let value else {
                offsets.append(nil)
                continue
            }
            guard !value.utf8.contains(0) else {
                throw DatabaseError(
                    kind: .invalidParameter,
                    message: "parameter \(offsets.count + 1) contains a NUL byte"
                )
            }
            offsets.append(storage.count)
            storage.append(contentsOf: value.utf8.map { CChar(bitPattern: $0) })
            storage.append(0)
        }
    }

    var count: Int { offsets.count }

    /// Calls `body` with one pointer per parameter, valid only during the call.
    func withPointers<Result>(_ body: ([UnsafePointer<CChar>?]) -> Result) -> Result {
        storage.withUnsafeBufferPointer { buffer in
            let pointers = offsets.map { offset -> UnsafePointer<CChar>? in
                guard let offset, let base = buffer.baseAddress else {
                    return nil
                }
                return base + offset
            }
            return body(pointers)
        }
    }
}
