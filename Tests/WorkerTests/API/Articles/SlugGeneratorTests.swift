import TestSupport
import XCTest

@testable import Worker

final class SlugGeneratorTests: XCTestCase {
    func testLowercasesAndJoinsWordsWithSingleDashes() {
        XCTAssertEqual(SlugGenerator.slug(for: "How to train your Dragon"), "how-to-train-your-dragon")
        XCTAssertEqual(SlugGenerator.slug(for: "  Hello,   World!!  "), "hello-world")
        XCTAssertEqual(SlugGenerator.slug(for: "a--b__c"), "a-b-c")
        XCTAssertEqual(SlugGenerator.slug(for: "Swift 6.1 is out"), "swift-6-1-is-out")
    }

    func testTransliteratesLatinLettersAndDropsTheRest() {
        XCTAssertEqual(SlugGenerator.slug(for: "Crème brûlée à la française"), "creme-brulee-a-la-francaise")
        XCTAssertEqual(SlugGenerator.slug(for: "Straße Øl Łódź"), "strasse-ol-lodz")
        XCTAssertEqual(SlugGenerator.slug(for: "日本語 title"), "title")
        XCTAssertEqual(SlugGenerator.slug(for: "emoji 🐉 dragon"), "emoji-dragon")
        // Precomposed and combining accents give the same slug; so do rarer Latin letters.
        XCTAssertEqual(SlugGenerator.slug(for: "Ŵàłéś Ćžř"), "wales-czr")
        XCTAssertEqual(SlugGenerator.slug(for: "Cafe\u{301} Ol\u{E9}"), "cafe-ole")
        XCTAssertEqual(SlugGenerator.slug(for: "ǅemal ǈub"), "demal-lub", "digraphs keep their first letter")
        XCTAssertEqual(SlugGenerator.slug(for: "Ελληνικά и кириллица"), "article")
    }

    func testEmptyResultFallsBackToArticle() {
        XCTAssertEqual(SlugGenerator.slug(for: ""), "article")
        XCTAssertEqual(SlugGenerator.slug(for: "!!! ---"), "article")
        XCTAssertEqual(SlugGenerator.slug(for: "日本語"), "article")
    }

    func testLongTitlesAreCutAtAWordBoundary() {
        let title = String(repeating: "word ", count: 40)
        let slug = SlugGenerator.slug(for: title)
        XCTAssertLessThanOrEqual(slug.count, SlugGenerator.maxLength)
        XCTAssertFalse(slug.hasSuffix("-"))
        XCTAssertTrue(slug.hasSuffix("word"))
        let oneWord = String(repeating: "x", count: 200)
        XCTAssertEqual(SlugGenerator.slug(for: oneWord), String(repeating: "x", count: SlugGenerator.maxLength))
    }

    func testFallbackHasARandomSuffix() {
        var generator = SplitMix64(seed: 42)
        let candidates = SlugGenerator.candidates(for: "Dup Title", using: &generator)
        XCTAssertEqual(candidates.preferred, "dup-title")
        XCTAssertTrue(candidates.fallback.hasPrefix("dup-title-"))
        let suffix = candidates.fallback.dropFirst("dup-title-".count)
        XCTAssertEqual(suffix.count, SlugGenerator.suffixLength)
        XCTAssertTrue(suffix.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber) })
        let other = SlugGenerator.candidates(for: "Dup Title", using: &generator)
        XCTAssertNotEqual(candidates.fallback, other.fallback)
    }

    func testReservedSlugsGoStraightToTheFallback() {
        let candidates = SlugGenerator.candidates(for: "Feed")
        XCTAssertNotEqual(candidates.preferred, "feed")
        XCTAssertEqual(candidates.preferred, candidates.fallback)
        XCTAssertTrue(candidates.preferred.hasPrefix("feed-"))
    }
}
