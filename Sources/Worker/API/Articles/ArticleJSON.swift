/// Renders articles in the RealWorld shapes, straight to bytes.
enum ArticleJSON {
    /// `{"article":{...}}` with the body.
    static func single(_ article: ArticleRecord) -> [UInt8] {
        var json = JSONWriter(capacity: 512 + (article.body?.utf8.count ?? 0))
        json.beginObject()
        json.key("article")
        self.write(article, to: &json)
        json.endObject()
        return json.bytes
    }

    /// `{"articles":[...],"articlesCount":N}`; items carry no `body` (list items are `nil` there).
    static func list(_ articles: [ArticleRecord], totalCount: Int) -> [UInt8] {
        var json = JSONWriter(capacity: 64 + 400 * articles.count)
        json.beginObject()
        json.key("articles")
        json.beginArray()
        for article in articles {
            self.write(article, to: &json)
        }
        json.endArray()
        json.key("articlesCount")
        json.int(totalCount)
        json.endObject()
        return json.bytes
    }

    /// One article object; `body` is written only when the record has one.
    static func write(_ article: ArticleRecord, to json: inout JSONWriter) {
        json.beginObject()
        json.key(ArticleJSONKey.slug)
        json.string(article.slug)
        json.key(ArticleJSONKey.title)
        json.string(article.title)
        json.key(ArticleJSONKey.description)
        json.string(article.description)
        if let body = article.body {
            json.key(ArticleJSONKey.body)
            json.string(body)
        }
        json.key(ArticleJSONKey.tagList)
        json.beginArray()
        for tag in article.tagList {
            json.string(tag)
        }
        json.endArray()
        json.key(ArticleJSONKey.createdAt)
        json.string(PostgresTimestamp.format(article.createdAt))
        json.key(ArticleJSONKey.updatedAt)
        json.string(PostgresTimestamp.format(article.updatedAt))
        json.key(ArticleJSONKey.favorited)
        json.bool(article.favorited)
        json.key(ArticleJSONKey.favoritesCount)
        json.int(article.favoritesCount)
        json.key(ArticleJSONKey.author)
        article.author.write(to: &json)
        json.endObject()
    }
}
