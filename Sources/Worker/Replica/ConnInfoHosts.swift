/// Spreads workers over the hosts of a multi-host connection string.
///
/// libpq tries the hosts of `host=a,b,c` (or `postgresql://a,b,c/db`) in order, and libpq 15 has
/// no `load_balance_hosts`: every worker would read from the first standby. So each worker
/// rotates the list by its own number; libpq still falls back to the others in order when its
/// first host is down.
enum ConnInfoHosts {
    /// `conninfo` with its host list (and the matching `hostaddr` and `port` lists) rotated left by
    /// `offset`; unchanged when it names one host or cannot be parsed.
    static func rotated(_ conninfo: String, by offset: Int) -> String {
        if conninfo.hasPrefix("postgresql://") || conninfo.hasPrefix("postgres://") {
            return Self.rotatedURL(conninfo, by: offset)
        }
        guard var pairs = Self.parseKeywords(conninfo) else { return conninfo }
        guard let hosts = pairs.first(where: { $0.key == "host" || $0.key == "hostaddr" }) else { return conninfo }
        let count = hosts.value.split(separator: ",", omittingEmptySubsequences: false).count
        guard count > 1 else { return conninfo }
        for index in pairs.indices where ["host", "hostaddr", "port"].contains(pairs[index].key) {
            let items = pairs[index].value.split(separator: ",", omittingEmptySubsequences: false)
            guard items.count == count else { continue }
            pairs[index].value = Self.rotate(items.map(String.init), by: offset).joined(separator: ",")
        }
        return pairs.map { "\($0.key)=\(Self.quoted($0.value))" }.joined(separator: " ")
    }

    private static func rotate(_ items: [String], by offset: Int) -> [String] {
        let shift = ((offset % items.count) + items.count) % items.count
        return Array(items[shift...] + items[..<shift])
    }

    /// `postgresql://user@a:1,b:2/db?x=y`: the host list is the authority after `@`, up to `/` or `?`.
    private static func rotatedURL(_ url: String, by offset: Int) -> String {
        guard let colon = url.firstIndex(of: ":") else { return url }
        let rest = url[colon...].dropFirst(3)  // "://", checked by the caller's prefix test
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let hostsStart = authority.lastIndex(of: "@").map { authority.index(after: $0) } ?? authority.startIndex
        let hosts = authority[hostsStart...].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard hosts.count > 1 else { return url }
        return String(url[..<hostsStart]) + Self.rotate(hosts, by: offset).joined(separator: ",")
            + String(rest[authorityEnd...])
    }

    /// `key=value` pairs of a libpq keyword string (values may be single-quoted with `\` escapes).
    static func parseKeywords(_ text: String) -> [(key: String, value: String)]? {
        var pairs: [(key: String, value: String)] = []
        var characters = Substring(text)
        func skipSpaces() { characters = characters.drop { $0 == " " || $0 == "\t" || $0 == "\n" } }
        skipSpaces()
        while !characters.isEmpty {
            let key = characters.prefix { $0 != "=" && $0 != " " }
            characters = characters.dropFirst(key.count)
            skipSpaces()
            guard !key.isEmpty, characters.first == "=" else { return nil }
            characters = characters.dropFirst()
            skipSpaces()
            var value = ""
            if characters.first == "'" {
                characters = characters.dropFirst()
                var closed = false
                while let character = characters.first {
                    characters = characters.dropFirst()
                    if character == "\\", let next = characters.first {
                        value.append(next)
                        characters = characters.dropFirst()
                    } else if character == "'" {
                        closed = true
                        break
                    } else {
                        value.append(character)
                    }
                }
                guard closed else { return nil }
            } else {
                value = String(characters.prefix { $0 != " " && $0 != "\t" && $0 != "\n" })
                characters = characters.dropFirst(value.count)
            }
            pairs.append((String(key), value))
            skipSpaces()
        }
        return pairs
    }

    private static func quoted(_ value: String) -> String {
        var escaped = "'"
        for character in value {
            if character == "'" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped + "'"
    }
}
