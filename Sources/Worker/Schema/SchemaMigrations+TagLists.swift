extension SchemaMigrations {
    /// Migration 4: each article carries its tag list (`articles.tag_list`), kept equal to its
    /// `article_tags` rows by triggers, so a list page reads an article's tags with the article
    /// row instead of one index scan of `article_tags` per item (about a fifth of the server's
    /// time per list page). `article_tags` stays the source of truth and serves `?tag=`.
    static let articleTagLists = """
        -- Schema migration 4, "article tag lists": articles.tag_list = the article's tag names in
        -- position order, i.e. ARRAY(SELECT tag_name FROM article_tags WHERE article_id = id ORDER BY
        -- position), in every snapshot. One transaction (MigrationRunner); the SHARE ROW EXCLUSIVE lock
        -- keeps writers out until the triggers are in place.
        --
        -- Under concurrent writes: every statement that changes article_tags refreshes the tag lists
        -- of the articles it touched at its end (AFTER STATEMENT), in the same transaction, so the
        -- list commits or rolls back with the links. The refresh first locks the article rows (in id
        -- order) and only then reads the links, in a new snapshot (each statement of a plpgsql
        -- function takes one in READ COMMITTED): a writer that changed the same article's links
        -- concurrently either committed before the lock was granted (and is seen) or waits for it
        -- and refreshes after this one commits. The API's writers already hold the row lock (update:
        -- the UPDATE of the article; create: the row is its own; delete: the row is gone), so the
        -- refresh adds no lock wait to them; only operators' writes (renaming a tag, moving
        -- created_at) can wait here.
        LOCK TABLE articles, article_tags IN SHARE ROW EXCLUSIVE MODE;

        ALTER TABLE articles ADD COLUMN tag_list text[] NOT NULL DEFAULT '{}';
        UPDATE articles a SET tag_list = l.names
        FROM (
            SELECT article_id, array_agg(tag_name ORDER BY position) AS names
            FROM article_tags GROUP BY article_id
        ) l
        WHERE l.article_id = a.id;

        CREATE FUNCTION articles_refresh_tag_lists(article_ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM 1 FROM articles a WHERE a.id = ANY (article_ids) ORDER BY a.id FOR NO KEY UPDATE;
            UPDATE articles a
            SET tag_list = ARRAY(SELECT at.tag_name FROM article_tags at WHERE at.article_id = a.id ORDER BY at.position)
            WHERE a.id = ANY (article_ids)
                AND a.tag_list IS DISTINCT FROM
                    ARRAY(SELECT at.tag_name FROM article_tags at WHERE at.article_id = a.id ORDER BY at.position);
        END
        $$;
        CREATE FUNCTION article_tag_lists_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM articles_refresh_tag_lists(ARRAY(SELECT DISTINCT article_id FROM inserted_links));
            RETURN NULL;
        END
        $$;
        CREATE FUNCTION article_tag_lists_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM articles_refresh_tag_lists(ARRAY(SELECT DISTINCT article_id FROM deleted_links));
            RETURN NULL;
        END
        $$;
        CREATE FUNCTION article_tag_lists_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM articles_refresh_tag_lists(ARRAY(
                SELECT article_id FROM old_links UNION SELECT article_id FROM new_links
            ));
            RETURN NULL;
        END
        $$;
        CREATE FUNCTION article_tag_lists_after_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE articles SET tag_list = '{}' WHERE tag_list <> '{}';
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER article_tag_lists_insert AFTER INSERT ON article_tags
            REFERENCING NEW TABLE AS inserted_links
            FOR EACH STATEMENT EXECUTE FUNCTION article_tag_lists_after_insert();
        CREATE TRIGGER article_tag_lists_delete AFTER DELETE ON article_tags
            REFERENCING OLD TABLE AS deleted_links
            FOR EACH STATEMENT EXECUTE FUNCTION article_tag_lists_after_delete();
        CREATE TRIGGER article_tag_lists_update AFTER UPDATE ON article_tags
            REFERENCING OLD TABLE AS old_links NEW TABLE AS new_links
            FOR EACH STATEMENT EXECUTE FUNCTION article_tag_lists_after_update();
        CREATE TRIGGER article_tag_lists_truncate AFTER TRUNCATE ON article_tags
            FOR EACH STATEMENT EXECUTE FUNCTION article_tag_lists_after_truncate();
        """
}
