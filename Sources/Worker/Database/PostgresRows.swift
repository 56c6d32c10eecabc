/// The rows of one query result, copied out of libpq, in server order.
struct PostgresRows: RandomAccessCollection {
    let columnNames: [String]
    /// The count from the command tag (`UPDATE 3`, `INSERT 0 1`, `SELECT 2`).
    let affectedRows: Int
    private let rows: [PostgresRow]

    init(columnNames: [String], rows: [PostgresRow], affectedRows: Int) {
        self.columnNames = columnNames
        self.rows = rows
        self.affectedRows = affectedRows
    }

    var startIndex: Int { rows.startIndex }
    var endIndex: Int { rows.endIndex }

    subscript(position: Int) -> PostgresRow { rows[position] }

    /// The row at `index`, or `nil` when out of range (subscripting traps instead).
    func row(at index: Int) -> PostgresRow? {
        rows.indices.contains(index) ? rows[index] : nil
    }

    /// The index of the first column called `name`, for use with the row getters.
    func column(named name: String) -> Int? {
        columnNames.firstIndex(of: name)
    }
}
