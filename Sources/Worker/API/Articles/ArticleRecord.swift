import FoundationEssentials

/// One article as the viewer sees it, decoded from the column layout of `ArticleSQL.columns`.
struct ArticleRecord: Equatable {
    var slug: String
    var title: String
    var description: String
    /// `nil` in list responses, which omit the body.
    var body: String?
    var tagList: [String]
    var createdAt: Date
    var updatedAt: Date
    var favorited: Bool
    var favoritesCount: Int
    var author: AuthorProfile

    /// Number of columns `init(row:at:)` reads.
    static let columnCount = 13

    /// Decodes the columns starting at `first`, in the order of `ArticleSQL.columns`.
    init(row: PostgresRow, at first: Int = 0) throws {
        self.slug = try row.string(first)
        self.title = try row.string(first + 1)
        self.description = try row.string(first + 2)
        self.body = try row.optionalString(first + 3)
        self.createdAt = try row.date(first + 4)
        self.updatedAt = try row.date(first + 5)
        self.favoritesCount = try row.int(first + 6)
        self.favorited = try row.bool(first + 7)
        self.tagList = try row.stringArray(first + 8)
        self.author = AuthorProfile(
            username: try row.string(first + 9),
            bio: try row.optionalString(first + 10),
            image: try row.optionalString(first + 11),
            following: try row.bool(first + 12)
        )
    }

    init(
        slug: String,
        title: String,
        description: String,
        body: String?,
        tagList: [String],
        createdAt: Date,
        updatedAt: Date,
        favorited: Bool,
        favoritesCount: Int,
        author: AuthorProfile
    ) {
        self.slug = slug
        self.title = title
        self.description = description
        self.body = body
        self.tagList = tagList
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.favorited = favorited
        self.favoritesCount = favoritesCount
        self.author = author
    }
}
