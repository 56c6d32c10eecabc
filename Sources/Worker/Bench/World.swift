/// One row of the `world` table, as the TechEmpower tests return it.
struct World: Equatable {
    var id: Int
    var randomNumber: Int

    /// Ids and random numbers are drawn from this range (the table holds ids 1...10000).
    static let idRange = 1...10_000

    static let selectSQL = "SELECT id, randomnumber FROM world WHERE id = $1"

    /// One statement for the whole batch, as TFB allows. Ids are sorted and distinct, so two
    /// concurrent batches lock their rows in the same order.
    static let updateSQL = """
        UPDATE world SET randomnumber = v.r \
        FROM (SELECT unnest($1::int[]) AS id, unnest($2::int[]) AS r) AS v \
        WHERE world.id = v.id
        """

    init(id: Int, randomNumber: Int) {
        self.id = id
        self.randomNumber = randomNumber
    }

    /// Reads the first row of a `selectSQL` result; no row is an error, not a crash.
    init(from rows: PostgresRows) throws {
        guard let row = rows.row(at: 0) else {
            throw DatabaseError(kind: .other, message: "world row not found")
        }
        self.init(id: try row.int(0), randomNumber: try row.int(1))
    }

    static func randomID() -> Int {
        Int.random(in: idRange)
    }

    /// `count` distinct random ids (count is at most 500, far below the 10000 ids).
    static func distinctRandomIDs(_ count: Int) -> [Int] {
        var ids = Set<Int>(minimumCapacity: count)
        while ids.count < min(count, idRange.count) {
            ids.insert(randomID())
        }
        return Array(ids)
    }

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("id")
        json.int(self.id)
        json.key("randomNumber")
        json.int(self.randomNumber)
        json.endObject()
    }

    /// A PostgreSQL `int[]` literal such as `{1,2,3}`.
    static func arrayLiteral(_ values: [Int]) -> String {
        "{" + values.map(String.init).joined(separator: ",") + "}"
    }
}
