import Foundation
import TestSupport

/// One generated request, and whether it is valid HTTP/1.1 (a deliberately broken one may
/// get a 400 (501 for an unknown method) and a closed connection; a valid one must always get an answer).
struct RandomRequest {
    var method: String
    var target: String
    var headers: [(String, String)]
    var body: [UInt8]?
    var chunked: Bool
    var wellFormed: Bool

    var closesConnection: Bool {
        self.headers.contains { $0.0 == "Connection" && $0.1 == "close" }
    }

    /// The bytes on the wire.
    func bytes(using random: inout SplitMix64) -> [UInt8] {
        var head = "\(self.method) \(self.target) HTTP/1.1\r\n"
        for (name, value) in self.headers {
            head += "\(name): \(value)\r\n"
        }
        guard let body = self.body else {
            return Array((head + "\r\n").utf8)
        }
        if !self.chunked {
            return Array((head + "Content-Length: \(body.count)\r\n\r\n").utf8) + body
        }
        var bytes = Array((head + "Transfer-Encoding: chunked\r\n\r\n").utf8)
        var offset = 0
        while offset < body.count {
            let size = min(body.count - offset, random.between(1, 3000))
            let sizeText = random.chance(20) ? String(size, radix: 16, uppercase: true) : String(size, radix: 16)
            let extensionText = random.chance(5) ? ";ext=1" : ""
            bytes += Array("\(sizeText)\(extensionText)\r\n".utf8) + body[offset..<offset + size] + Array("\r\n".utf8)
            offset += size
        }
        return bytes + Array("0\r\n\r\n".utf8)
    }

    /// A short description for failure messages.
    var summary: String {
        let bodyText = self.body.map { String(decoding: $0.prefix(160), as: UTF8.self) } ?? "-"
        let headerText = self.headers.map { "\($0.0): \($0.1.prefix(60))" }.joined(separator: " | ")
        return
            "\(self.method) \(self.target.prefix(200)) [\(headerText)]\(self.chunked ? " chunked" : "") body: \(bodyText)"
    }
}

/// What the generator may use to build requests that get past 404 and 401: real names,
/// slugs, comment ids and tokens.
struct FuzzContext: Sendable {
    var usernames: [String]
    var slugs: [String]
    var commentIDs: [Int]
    var tokens: [String]
}

/// Random requests shaped like the Conduit API: its methods and path templates with random
/// segments and queries, API-shaped and random JSON bodies, random headers (Authorization
/// garbage, Content-Type variations), chunked bodies, and a few deliberately broken ones.
struct RandomRequestGenerator {
    var random: SplitMix64
    let context: FuzzContext

    init(seed: UInt64, context: FuzzContext) {
        self.random = SplitMix64(seed: seed)
        self.context = context
    }

    /// The API's path templates with the methods each one routes.
    private static let templates: [(String, [String])] = [
        ("/api/users", ["POST"]), ("/api/users/login", ["POST"]), ("/api/user", ["GET", "PUT"]),
        ("/api/profiles/{u}", ["GET"]), ("/api/profiles/{u}/follow", ["POST", "DELETE"]),
        ("/api/articles", ["GET", "POST"]), ("/api/articles/feed", ["GET"]),
        ("/api/articles/{s}", ["GET", "PUT", "DELETE"]), ("/api/articles/{s}/favorite", ["POST", "DELETE"]),
        ("/api/articles/{s}/comments", ["GET", "POST"]), ("/api/articles/{s}/comments/{id}", ["DELETE"]),
        ("/api/tags", ["GET"]), ("/api/openapi.yml", ["GET"]),
    ]

    private static let oddPaths = [
        "/", "/api", "/api/", "//api//tags", "/api/tags/", "/api/./tags", "/api/../api/tags", "/api/%2e%2e/api/tags",
        "/API/TAGS", "/api/tags;x=1", "/api/articles/{s}/comments/{id}/extra", "/healthz", "/status", "/metrics",
        "/api/users/login/", "/api/profiles", "/api/articles//comments", "*",
    ]

    private static let hostile =
        InjectionPayloads.classic + [
            "<script>alert(1)</script>", "..", ".", "%", "%%", "%zz", "%u0027", "\u{FEFF}", "\u{1F600}", "é", "漢字",
            String(repeating: "x", count: 300),
        ]

    mutating func next() -> RandomRequest {
        var wellFormed = true
        let (template, routed) =
            self.random.chance(90) ? self.random.pick(Self.templates) : (self.random.pick(Self.oddPaths), ["GET"])
        // Mostly a method the route takes, so requests reach the handlers; otherwise anything.
        let method =
            self.random.chance(60)
            ? self.random.pick(routed)
            : self.random.weighted([
                (28, "GET"), (22, "POST"), (12, "PUT"), (10, "DELETE"), (6, "OPTIONS"), (6, "HEAD"), (5, "PATCH"),
                (4, "junk"),
            ])
        var finalMethod = method
        if method == "junk" {
            finalMethod = self.random.pick([
                "FOO", "PROPFIND", "M-SEARCH", "BREW", "TRACE", "MKCOL", "PURGE", "LINK", "get", "Get", "X", "G_T",
            ])
            if ["get", "Get", "X", "G_T", "FOO", "BREW"].contains(finalMethod) {
                wellFormed = false  // not a method the parser knows: 501, then close
            }
        }
        var target = self.path(template)
        if self.random.chance(30) {
            target += "?" + self.query()
        }
        if self.random.chance(2) {
            target += self.random.pick(["|", "{", "}", "\"", "<", ">", "\\", "^", "`"])
            wellFormed = false
        }
        var headers: [(String, String)] = [("Host", self.random.chance(95) ? "127.0.0.1" : self.token(12))]
        headers += self.headers()
        var body: [UInt8]?
        let wantsBody = ["POST", "PUT", "PATCH"].contains(finalMethod) ? self.random.chance(85) : self.random.chance(8)
        if wantsBody {
            body = self.body()
            if self.random.chance(70) {
                headers.append(("Content-Type", self.contentType()))
            }
            if self.random.chance(3) {
                headers.append(("Expect", "100-continue"))
            }
        }
        let chunked = body != nil && self.random.chance(25)
        if body != nil, chunked, self.random.chance(4) {
            // Both framings at once (request smuggling): must be refused.
            headers.append(("Content-Length", String(body?.count ?? 0)))
            wellFormed = false
        }
        if self.random.chance(2) {
            // A header line without a colon.
            headers.append(("X-Broken\r\nNoColon", "x"))
            wellFormed = false
        }
        if self.random.chance(4) {
            headers.append(("Connection", "close"))
        }
        return RandomRequest(
            method: finalMethod,
            target: target,
            headers: headers,
            body: body,
            chunked: chunked,
            wellFormed: wellFormed
        )
    }

    // MARK: paths and queries

    private mutating func path(_ template: String) -> String {
        var path = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest.firstIndex(of: "}") {
            path += rest[..<open]
            path += self.segment(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return path + rest
    }

    private mutating func segment(_ kind: String) -> String {
        switch self.random.below(10) {
        case 0..<5:
            switch kind {
            case "u": return SecurityProbe.percentEncoded(self.random.pick(self.context.usernames))
            case "s": return self.random.pick(self.context.slugs)
            default: return String(self.random.pick(self.context.commentIDs))
            }
        case 5, 6:
            return self.token(self.random.between(1, 24))
        case 7:
            return self.encoded(self.random.pick(Self.hostile))
        case 8:
            return String(self.random.pick([0, -1, 1, Int.max, Int.min, 999_999_999]))
        default:
            return self.encodedBytes(self.random.between(0, 40))
        }
    }

    private mutating func query() -> String {
        var pairs: [String] = []
        for _ in 0..<self.random.between(1, 5) {
            let name = self.random.weighted([
                (3, "tag"), (3, "author"), (3, "favorited"), (4, "limit"), (4, "offset"), (1, self.token(4)),
            ])
            let value: String
            switch self.random.below(8) {
            case 0, 1: value = String(self.random.pick([0, 1, 20, 100, 101, -1, -99999, Int.max, Int.min]))
            case 2: value = self.random.pick(["", "1.5", "1e3", "0x10", "+5", " 5", "ten", "99999999999999999999999"])
            case 3: value = SecurityProbe.percentEncoded(self.random.pick(self.context.usernames))
            case 4: value = self.encoded(self.random.pick(Self.hostile))
            case 5: value = self.encodedBytes(self.random.between(0, 30))
            default: value = self.token(self.random.between(0, 12))
            }
            pairs.append(self.random.chance(5) ? name : "\(name)=\(value)")
        }
        return pairs.joined(separator: self.random.chance(5) ? "&&" : "&")
    }

    // MARK: headers

    private mutating func headers() -> [(String, String)] {
        var headers: [(String, String)] = []
        if self.random.chance(45) {
            headers.append(("Authorization", self.authorization()))
        }
        if self.random.chance(15) {
            let id =
                self.random.chance(50)
                ? self.token(self.random.between(1, 40)) : self.printable(self.random.between(1, 200))
            headers.append(("X-Request-Id", id))
        }
        if self.random.chance(15) {
            headers.append(
                ("Accept", self.random.pick(["*/*", "application/json", "text/html", "application/xml;q=0.9", ""]))
            )
        }
        if self.random.chance(8) {
            headers.append(("Origin", self.random.pick(["https://evil.example", "null", "http://127.0.0.1:3000"])))
        }
        if self.random.chance(4) {
            headers.append(("Access-Control-Request-Headers", self.printable(self.random.between(0, 60))))
        }
        if self.random.chance(6) {
            headers.append(("X-Forwarded-For", "\(self.random.between(1, 254)).\(self.random.between(0, 255)).0.1"))
        }
        if self.random.chance(4) {
            headers.append(("Cookie", "session=\(self.token(16))"))
        }
        if self.random.chance(3) {
            headers.append(("Accept-Encoding", "gzip, deflate, br"))
        }
        for index in 0..<self.random.weighted([(80, 0), (15, 2), (5, 12)]) {
            headers.append(("X-Fuzz-\(index)", self.printable(self.random.between(0, 80))))
        }
        return headers
    }

    private mutating func authorization() -> String {
        let valid = self.random.pick(self.context.tokens)
        switch self.random.below(12) {
        case 0, 1, 2: return "Token \(valid)"
        case 3: return "Bearer \(valid)"
        case 4: return "token \(valid)"
        case 5: return "Token \(valid.dropLast())"
        case 6: return "Token \(self.token(20)).\(self.token(30)).\(self.token(43))"
        case 7: return "Basic dXNlcjpwYXNzd29yZA=="
        case 8: return self.random.pick(["Token", "Bearer", "Token ", "", "Token  \(valid)", "Token \(valid) x"])
        case 9: return "Token eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIiwiZXhwIjo5OTk5OTk5OTk5fQ."
        case 10: return self.printable(self.random.between(1, 300))
        default: return "Token " + String(repeating: "A", count: self.random.between(4000, 5000))
        }
    }

    private mutating func contentType() -> String {
        self.random.pick([
            "application/json", "application/json; charset=utf-8", "application/json; charset=latin1",
            "application/json; charset=utf-16", "text/plain", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=----fuzz", "application/xml", "text/html", "", "a/b/c", "*/*",
        ])
    }

    // MARK: bodies

    private mutating func body() -> [UInt8] {
        switch self.random.below(20) {
        case 0..<10: return Array(self.apiShapedJSON().utf8)
        case 10, 11, 12: return Array(self.jsonValue(depth: 0).utf8)
        case 13:
            let depth = self.random.between(50, 3000)
            let open = self.random.chance(50) ? "[" : "{\"a\":"
            let close = open == "[" ? "]" : "}"
            return Array(
                ("{\"user\":" + String(repeating: open, count: depth) + "1" + String(repeating: close, count: depth)
                    + "}").utf8
            )
        case 14: return (0..<self.random.between(1, 400)).map { _ in self.random.byte() }
        case 15:
            let text = self.apiShapedJSON()
            return Array(text.utf8.prefix(self.random.below(max(text.utf8.count, 1))))
        case 16: return []
        case 17: return Array("user[username]=x&user[email]=y&user[password]=z".utf8)
        case 18: return [0xEF, 0xBB, 0xBF] + Array(self.apiShapedJSON().utf8)
        default:
            return Array(String(repeating: "{\"a\":\"\(self.token(50))\"}", count: self.random.between(10, 1200)).utf8)
        }
    }

    private mutating func apiShapedJSON() -> String {
        let (root, fields): (String, [String]) = self.random.weighted([
            (3, ("user", ["username", "email", "password", "bio", "image"])),
            (4, ("article", ["title", "description", "body", "tagList"])),
            (3, ("comment", ["body"])),
        ])
        var members: [String] = []
        for field in fields where self.random.chance(75) {
            members.append("\"\(field)\":" + self.fieldValue(field))
        }
        if self.random.chance(10) {
            members.append("\"\(self.token(6))\":" + self.jsonValue(depth: 2))
        }
        let object = "{" + members.joined(separator: ",") + "}"
        switch self.random.below(20) {
        case 0: return "{\"\(root)\":" + self.jsonValue(depth: 3) + "}"
        case 1: return "[" + object + "]"
        case 2: return "{\"\(root)\":" + object + ",\"\(root)\":" + object + "}"
        default: return "{\"\(root)\":" + object + "}"
        }
    }

    private mutating func fieldValue(_ field: String) -> String {
        guard self.random.chance(70) else { return self.jsonValue(depth: 2) }
        switch field {
        case "email": return self.jsonString("\(self.token(8))@\(self.token(5)).io")
        case "image": return self.jsonString("https://example.com/\(self.token(8)).png")
        case "tagList":
            return "["
                + (0..<self.random.between(0, 25)).map { _ in self.jsonString(self.text(12)) }.joined(separator: ",")
                + "]"
        case "password": return self.jsonString(self.token(self.random.between(0, 140)))
        default: return self.jsonString(self.text(self.random.weighted([(8, 40), (2, 2000)])))
        }
    }

    private mutating func jsonValue(depth: Int) -> String {
        let kind = self.random.below(depth >= 4 ? 6 : 8)
        switch kind {
        case 0, 1: return self.jsonString(self.text(30))
        case 2: return String(self.random.pick([0, -1, 1, 42, Int.max, Int.min]))
        case 3: return self.random.pick(["1.5", "-0.0", "1e308", "1e309", "-1e-400", "123456789012345678901234567890"])
        case 4: return self.random.pick(["true", "false"])
        case 5: return "null"
        case 6:
            return "["
                + (0..<self.random.between(0, 4)).map { _ in self.jsonValue(depth: depth + 1) }.joined(separator: ",")
                + "]"
        default:
            return "{"
                + (0..<self.random.between(0, 4)).map { _ in "\"\(self.token(5))\":" + self.jsonValue(depth: depth + 1)
                }
                .joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal; now and then a broken escape, which makes the body invalid JSON.
    private mutating func jsonString(_ text: String) -> String {
        var literal = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": literal += "\\\""
            case "\\": literal += "\\\\"
            case _ where scalar.value < 0x20: literal += String(format: "\\u%04x", scalar.value)
            default: literal.unicodeScalars.append(scalar)
            }
        }
        if self.random.chance(2) {
            literal += self.random.pick(["\\x", "\\u12", "\\ud800"])
        }
        return literal + "\""
    }

    // MARK: strings

    private static let tokenCharacters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")

    private mutating func token(_ length: Int) -> String {
        String((0..<length).map { _ in self.random.pick(Self.tokenCharacters) })
    }

    /// Visible ASCII and spaces (a valid header value), no leading or trailing space.
    private mutating func printable(_ length: Int) -> String {
        let text = String((0..<length).map { _ in Character(Unicode.Scalar(UInt8(self.random.between(0x21, 0x7E)))) })
        return text
    }

    /// Text for JSON strings: words, markup, quotes, non-ASCII, control characters, payloads.
    private mutating func text(_ length: Int) -> String {
        var result = ""
        while result.count < length {
            switch self.random.below(10) {
            case 0: result += self.random.pick(Self.hostile)
            case 1: result += self.random.pick(["é", "ß", "漢", "🦆", "\u{0301}", "\u{202E}", "\u{2028}", "\u{FFFD}"])
            case 2: result += String(Unicode.Scalar(UInt8(self.random.below(0x20))))
            default: result += self.token(self.random.between(1, 8)) + " "
            }
        }
        return result
    }

    private mutating func encoded(_ text: String) -> String {
        SecurityProbe.percentEncoded(text)
    }

    private mutating func encodedBytes(_ count: Int) -> String {
        (0..<count).map { _ in String(format: "%%%02X", self.random.byte()) }.joined()
    }
}
