extension SchemaMigrations {
    /// Migration 6: `articles.tag_list` lists the tag names in name order (UTF-8 byte order,
    /// `COLLATE "C"`) instead of the order the author gave them, so every representation of an
    /// article (single, list, feed) shows its tags sorted, as the RealWorld reference
    /// implementation does. The API already sorts the tags it writes (`ArticleValidator.tags`);
    /// this makes the triggers sort the links written by anyone else (`seed.sql`, an operator)
    /// and re-sorts the lists stored before.
    static let sortedTagLists = """
        -- Schema migration 6, "sorted tag lists": articles.tag_list = the article's tag names in name
        -- order, i.e. ARRAY(SELECT tag_name FROM article_tags WHERE article_id = id ORDER BY tag_name
        -- COLLATE "C"). article_tags.position keeps the order the author gave; nothing reads it.
        -- Migration 4 explains why the refresh stays exact under concurrent writers; only its ORDER BY
        -- changes. One transaction (MigrationRunner); the lock keeps writers out until the function
        -- and the lists are both replaced.
        LOCK TABLE articles, article_tags IN SHARE ROW EXCLUSIVE MODE;

        CREATE OR REPLACE FUNCTION articles_refresh_tag_lists(article_ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM 1 FROM articles a WHERE a.id = ANY (article_ids) ORDER BY a.id FOR NO KEY UPDATE;
            UPDATE articles a
            SET tag_list = ARRAY(
                SELECT at.tag_name FROM article_tags at WHERE at.article_id = a.id ORDER BY at.tag_name COLLATE "C"
            )
            WHERE a.id = ANY (article_ids)
                AND a.tag_list IS DISTINCT FROM ARRAY(
                    SELECT at.tag_name FROM article_tags at WHERE at.article_id = a.id ORDER BY at.tag_name COLLATE "C"
                );
        END
        $$;

        UPDATE articles a
        SET tag_list = ARRAY(SELECT t FROM unnest(a.tag_list) AS t ORDER BY t COLLATE "C")
        WHERE cardinality(a.tag_list) > 1
            AND a.tag_list IS DISTINCT FROM ARRAY(SELECT t FROM unnest(a.tag_list) AS t ORDER BY t COLLATE "C");
        """
}
