import FoundationEssentials

/// Turns article titles into URL slugs: `"How to train your Dragon!"` → `how-to-train-your-dragon`.
///
/// Slugs are lowercase ASCII letters and digits joined by single dashes. Accented Latin letters
/// lose their accents (`é` → `e`), a few letters with no decomposition are spelled out
/// (`ß` → `ss`), and everything else separates words. Titles are not unique, so every slug
/// comes with a fallback carrying a random suffix; the insert uses the fallback when the
/// preferred slug is taken, and retries with new suffixes if a concurrent insert wins the race.
enum SlugGenerator {
    /// Slugs are cut at this many characters (before the suffix), at a word boundary when possible.
    static let maxLength = 80
    /// Length of the random part of a fallback slug: 36^6 ≈ 2·10⁹ values per title.
    static let suffixLength = 6
    /// Used when a title has no letter or digit we can spell in ASCII.
    static let emptyTitleSlug = "article"
    /// Slugs that would collide with fixed routes under `/api/articles/`.
    static let reservedSlugs: Set<String> = ["feed"]

    /// The preferred slug for a title and a fallback with a random suffix.
    struct Candidates: Equatable {
        var preferred: String
        var fallback: String
    }

    static func candidates<Generator: RandomNumberGenerator>(
        for title: String,
        using generator: inout Generator
    ) -> Candidates {
        let base = self.slug(for: title)
        let fallback = base + "-" + self.randomSuffix(using: &generator)
        // A reserved slug is never usable as is, so go straight to the fallback.
        return Candidates(preferred: self.reservedSlugs.contains(base) ? fallback : base, fallback: fallback)
    }

    static func candidates(for title: String) -> Candidates {
        var generator = SystemRandomNumberGenerator()
        return self.candidates(for: title, using: &generator)
    }

    /// The slug for a title, without any suffix.
    static func slug(for title: String) -> String {
        var slug = ""
        slug.reserveCapacity(min(title.utf8.count, self.maxLength))
        var pendingDash = false
        for scalar in title.unicodeScalars {
            if let spelled = self.asciiSpelling(of: scalar) ?? self.baseLetter(of: scalar) {
                if pendingDash && !slug.isEmpty {
                    slug.append("-")
                }
                pendingDash = false
                slug.append(spelled)
            } else if scalar.properties.generalCategory == .nonspacingMark {
                // A combining accent: part of the previous letter.
                continue
            } else {
                pendingDash = true
            }
            if slug.utf8.count > self.maxLength {
                break
            }
        }
        slug = self.truncate(slug)
        return slug.isEmpty ? self.emptyTitleSlug : slug
    }

    /// Cuts a slug to `maxLength`, preferring the last word boundary in the second half.
    private static func truncate(_ slug: String) -> String {
        guard slug.utf8.count > self.maxLength else {
            return slug
        }
        var cut = String(slug.prefix(self.maxLength))
        if let dash = cut.lastIndex(of: "-"), cut.distance(from: cut.startIndex, to: dash) >= self.maxLength / 2 {
            cut = String(cut[..<dash])
        }
        while cut.hasSuffix("-") {
            cut.removeLast()
        }
        return cut
    }

    private static func asciiSpelling(of scalar: Unicode.Scalar) -> String? {
        switch scalar.value {
        case 0x30...0x39, 0x61...0x7A:
            return String(Character(scalar))
        case 0x41...0x5A:
            return String(Character(Unicode.Scalar(scalar.value + 0x20) ?? scalar))
        default:
            return self.transliterations[scalar]
        }
    }

    /// The ASCII base letter of an accented Latin letter ("é" → "e", "Ŵ" → "w"), read from its
    /// Unicode name (`LATIN SMALL LETTER E WITH ACUTE`): what canonical decomposition gives for
    /// these letters, without Foundation (the worker stays off it to stay small).
    private static func baseLetter(of scalar: Unicode.Scalar) -> String? {
        guard scalar.value >= 0xC0, let name = scalar.properties.name else { return nil }
        for prefix in ["LATIN SMALL LETTER ", "LATIN CAPITAL LETTER "] where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let letter = rest.first, letter.isASCII, letter.isLetter, rest.dropFirst().hasPrefix(" WITH ") else {
                return nil
            }
            return letter.lowercased()
        }
        return nil
    }

    /// Latin letters that are not a base letter with marks, spelled out in ASCII.
    private static let transliterations: [Unicode.Scalar: String] = [
        "ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o",
        "đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "ł": "l", "Ł": "l", "þ": "th", "Þ": "th",
        "ı": "i", "ħ": "h", "Ħ": "h",
    ]

    private static let suffixAlphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")

    private static func randomSuffix<Generator: RandomNumberGenerator>(using generator: inout Generator) -> String {
        var suffix = ""
        for _ in 0..<self.suffixLength {
            suffix.append(self.suffixAlphabet[Int.random(in: 0..<self.suffixAlphabet.count, using: &generator)])
        }
        return suffix
    }
}
