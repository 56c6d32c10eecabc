import Foundation

/// Reads the end of a log file, for error messages.
enum LogFileTail {
    /// The file's size now, so a later `lines(of:since:)` shows only what was added.
    static func size(of path: String) -> UInt64 {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        return (attributes?[.size] as? NSNumber)?.uint64Value ?? 0
    }

    /// The last `limit` non-empty lines written after byte `offset` (at most 64 KiB read).
    static func lines(of path: String, since offset: UInt64 = 0, limit: Int = 20) -> [String] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        let end = (try? handle.seekToEnd()) ?? 0
        let start = max(offset, end > 65_536 ? end - 65_536 : 0)
        guard start < end, (try? handle.seek(toOffset: start)) != nil,
            let data = try? handle.readToEnd()
        else {
            return []
        }
        return lastLines(of: String(decoding: data, as: UTF8.self), limit: limit)
    }

    /// Pure part of `lines(of:since:limit:)`.
    static func lastLines(of text: String, limit: Int) -> [String] {
        let lines = text.split(whereSeparator: \.isNewline).map(String.init).filter {
            !$0.trimmingCharacters(in: .whitespaces).isEmpty
        }
        return Array(lines.suffix(limit))
    }
}
