/// A plain-text table with a header row and columns padded to their widest cell, the way
/// `ps` and `passenger-status` print: two spaces between columns, no borders, no trailing
/// blanks.
struct StatusTable: Equatable, Sendable {
    struct Column: Equatable, Sendable {
        var title: String
        /// Numbers read best right-aligned.
        var rightAligned: Bool = false
    }

    var columns: [Column]
    var rows: [[String]] = []

    init(columns: [Column]) {
        self.columns = columns
    }

    mutating func append(_ row: [String]) {
        self.rows.append(row)
    }

    /// The table as lines, each ending in a newline.
    func rendered() -> String {
        let all = [self.columns.map(\.title)] + self.rows
        var widths = self.columns.map { _ in 0 }
        for row in all {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        var text = ""
        for row in all {
            var cells: [String] = []
            for (index, column) in self.columns.enumerated() {
                let cell = index < row.count ? row[index] : ""
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                cells.append(column.rightAligned ? padding + cell : cell + padding)
            }
            text += Self.trimmingTrailingSpaces(cells.joined(separator: "  ")) + "\n"
        }
        return text
    }

    private static func trimmingTrailingSpaces(_ line: String) -> String {
        var line = line
        while line.last == " " {
            line.removeLast()
        }
        return line
    }
}
