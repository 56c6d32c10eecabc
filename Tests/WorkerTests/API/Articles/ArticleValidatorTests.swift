import Foundation
import XCTest

@testable import Worker

final class ArticleValidatorTests: XCTestCase {
    private func errors(_ body: () throws -> Void) -> [String: [String]]? {
        do {
            try body()
            return nil
        } catch let error as APIError {
            XCTAssertEqual(error.status, 422)
            return error.errors
        } catch {
            XCTFail("unexpected error \(error)")
            return nil
        }
    }

    func testValidNewArticleIsTrimmedAndTagsNormalized() throws {
        let draft = try ArticleValidator.validate(
            NewArticleRequest.Fields(
                title: "  Dragons ",
                description: " How to ",
                body: "  Body stays as sent\n",
                tagList: [" b ", "a", "b", "a"]
            )
        )
        XCTAssertEqual(
            draft,
            ArticleDraft(title: "Dragons", description: "How to", body: "  Body stays as sent\n", tags: ["a", "b"])
        )
    }

    func testMissingAndBlankFieldsAreReportedTogether() {
        let errors = self.errors {
            _ = try ArticleValidator.validate(NewArticleRequest.Fields(title: " ", description: "", body: nil))
        }
        XCTAssertEqual(
            errors,
            ["title": ["can't be blank"], "description": ["can't be blank"], "body": ["can't be blank"]]
        )
    }

    func testLengthLimits() {
        let title = String(repeating: "t", count: ArticleValidator.maxTitleLength + 1)
        let description = String(repeating: "d", count: ArticleValidator.maxDescriptionLength + 1)
        let body = String(repeating: "b", count: ArticleValidator.maxBodyBytes + 1)
        let errors = self.errors {
            _ = try ArticleValidator.validate(
                NewArticleRequest.Fields(title: title, description: description, body: body)
            )
        }
        XCTAssertEqual(errors?["title"], ["is too long (maximum is 256 characters)"])
        XCTAssertEqual(errors?["description"], ["is too long (maximum is 1024 characters)"])
        XCTAssertEqual(errors?["body"], ["is too long (maximum is 65536 bytes)"])
        XCTAssertNoThrow(
            try ArticleValidator.validate(
                NewArticleRequest.Fields(
                    title: String(repeating: "é", count: ArticleValidator.maxTitleLength),
                    description: "d",
                    body: String(repeating: "b", count: ArticleValidator.maxBodyBytes)
                )
            )
        )
    }

    func testTagRules() {
        var errors: [String: [String]] = [:]
        XCTAssertNil(ArticleValidator.tags(["ok", "  "], errors: &errors))
        XCTAssertEqual(errors["tagList"], ["can't contain a blank tag"])
        errors = [:]
        XCTAssertNil(ArticleValidator.tags([String(repeating: "x", count: 65)], errors: &errors))
        XCTAssertEqual(errors["tagList"], ["can't contain a tag longer than 64 characters"])
        errors = [:]
        XCTAssertNil(ArticleValidator.tags((0...20).map { "t\($0)" }, errors: &errors))
        XCTAssertEqual(errors["tagList"], ["can't have more than 20 tags"])
        errors = [:]
        // Duplicates do not count against the limit.
        XCTAssertEqual(ArticleValidator.tags((0..<40).map { "t\($0 % 20)" }, errors: &errors)?.count, 20)
        XCTAssertEqual(ArticleValidator.tags([], errors: &errors), [])
        XCTAssertTrue(errors.isEmpty)
    }

    func testTagsAreTrimmedDedupedAndSortedByName() {
        var errors: [String: [String]] = [:]
        XCTAssertEqual(
            ArticleValidator.tags(
                ["training", " dragons ", "training", "Zebra", "ångström", "angular"],
                errors: &errors
            ),
            ["Zebra", "angular", "dragons", "training", "ångström"],
            "UTF-8 byte order, as PostgreSQL's COLLATE \"C\""
        )
        XCTAssertTrue(errors.isEmpty)
    }

    func testNULIsRejected() {
        let errors = self.errors {
            _ = try ArticleValidator.validate(
                NewArticleRequest.Fields(title: "a\u{0}b", description: "d", body: "b\u{0}", tagList: ["x\u{0}"])
            )
        }
        XCTAssertEqual(errors?["title"], ["can't contain a NUL character"])
        XCTAssertEqual(errors?["body"], ["can't contain a NUL character"])
        XCTAssertEqual(errors?["tagList"], ["can't contain a NUL character"])
    }

    func testUpdateKeepsOmittedFields() throws {
        let changes = try ArticleValidator.validate(UpdateArticleRequest.Fields(body: "new"))
        XCTAssertEqual(changes, ArticleChanges(title: nil, description: nil, body: "new", tags: nil))
        let cleared = try ArticleValidator.validate(UpdateArticleRequest.Fields(tagList: []))
        XCTAssertEqual(cleared.tags, [])
    }

    func testUpdateRejectsNullAndBlank() throws {
        let request = try JSONCoding.decoder.decode(
            UpdateArticleRequest.self,
            from: Data(#"{"article":{"tagList":null,"title":null,"body":"  "}}"#.utf8)
        )
        let errors = self.errors { _ = try ArticleValidator.validate(request.article) }
        XCTAssertEqual(
            errors,
            ["tagList": ["must be a list of strings"], "title": ["can't be blank"], "body": ["can't be blank"]]
        )
    }

    func testUpdateDecodingTellsAbsentFromNull() throws {
        let absent = try JSONCoding.decoder.decode(UpdateArticleRequest.self, from: Data(#"{"article":{}}"#.utf8))
        XCTAssertTrue(absent.article.nullFields.isEmpty)
        XCTAssertNil(absent.article.tagList)
        let empty = try JSONCoding.decoder.decode(
            UpdateArticleRequest.self,
            from: Data(#"{"article":{"tagList":[]}}"#.utf8)
        )
        XCTAssertEqual(empty.article.tagList, [])
        XCTAssertThrowsError(
            try JSONCoding.decoder.decode(UpdateArticleRequest.self, from: Data(#"{"article":{"tagList":"x"}}"#.utf8))
        )
    }

    func testCommentBodyRules() throws {
        XCTAssertEqual(try CommentsController.validate(NewCommentRequest.Fields(body: " hi ")), " hi ")
        XCTAssertThrowsError(try CommentsController.validate(NewCommentRequest.Fields(body: ""))) { error in
            XCTAssertEqual((error as? APIError)?.errors, ["body": ["can't be blank"]])
        }
        let long = String(repeating: "c", count: CommentsController.maxBodyBytes + 1)
        XCTAssertThrowsError(try CommentsController.validate(NewCommentRequest.Fields(body: long)))
    }
}
