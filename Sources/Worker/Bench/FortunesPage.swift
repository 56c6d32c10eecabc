/// One row of the `fortune` table.
struct Fortune: Equatable {
    var id: Int
    var message: String
}

/// The HTML page of the TechEmpower fortunes test: the stored fortunes plus one added at
/// request time, sorted by message, escaped, in TFB's exact markup.
enum FortunesPage {
    static let additional = Fortune(id: 0, message: "Additional fortune added at request time.")

    static let contentType = "text/html; charset=utf-8"

    /// Adds the request-time fortune and sorts by message in UTF-8 byte order (which is code
    /// point order), the order TFB's verifier expects.
    static func arrange(_ stored: [Fortune]) -> [Fortune] {
        var fortunes = stored
        fortunes.append(additional)
        fortunes.sort { $0.message.utf8.lexicographicallyPrecedes($1.message.utf8) }
        return fortunes
    }

    /// Renders already arranged fortunes.
    static func render(_ fortunes: [Fortune]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256 + fortunes.count * 96)
        bytes.append(
            contentsOf:
                "<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>"
                .utf8
        )
        for fortune in fortunes {
            bytes.append(contentsOf: "<tr><td>".utf8)
            bytes.append(contentsOf: String(fortune.id).utf8)
            bytes.append(contentsOf: "</td><td>".utf8)
            HTMLEscaping.append(fortune.message, to: &bytes)
            bytes.append(contentsOf: "</td></tr>".utf8)
        }
        bytes.append(contentsOf: "</table></body></html>".utf8)
        return bytes
    }
}
