extension SchemaMigrations {
    /// Migration 5: each article carries its author's `username`, `bio` and `image`
    /// (`articles.author_*`), kept equal to the `users` row by triggers, so a list page reads
    /// everything an item shows from the article row instead of one `users` lookup per item.
    /// With the page read straight from `articles_newest_idx`, PostgreSQL's time per page of 20
    /// fell by about a third (docs/performance.md). `users` stays the source of truth.
    static let articleAuthors = """
        -- Schema migration 5, "article authors": articles.author_username, author_bio and author_image
        -- equal the author's users.username, bio and image, in every snapshot. One transaction
        -- (MigrationRunner); the SHARE ROW EXCLUSIVE locks keep writers out until the triggers are in
        -- place. On a populated database the backfill rewrites every article once; run
        -- `VACUUM ANALYZE articles` afterwards (or let autovacuum do it).
        --
        -- Two triggers keep the copies:
        --   * articles_author_copy (BEFORE INSERT, or UPDATE of author_id or a copy): copies the author's
        --     row into the new article row, after locking that users row FOR NO KEY UPDATE. A profile
        --     update locks the same row, so either it committed before the lock was granted (and its
        --     values are read, READ COMMITTED re-reads the latest version) or it waits until the
        --     article is committed, and then its own trigger sees the article.
        --   * users_author_copies (AFTER UPDATE of username, bio or image): rewrites the copies on the
        --     user's articles (one UPDATE; each article row passes through the first trigger again).
        --
        -- Lock order: users row, then article rows. An article insert takes its author's row first
        -- (migration 3's counter takes the same lock at the end of the statement anyway). The API's
        -- DELETE of an article locks the caller's users row before the article (ArticleSQL.delete), so
        -- a profile update by the same user cannot deadlock with it. Favorites and article updates
        -- lock only the article.
        LOCK TABLE users, articles IN SHARE ROW EXCLUSIVE MODE;

        ALTER TABLE articles ADD COLUMN author_username text, ADD COLUMN author_bio text, ADD COLUMN author_image text;
        UPDATE articles a SET author_username = u.username, author_bio = u.bio, author_image = u.image
        FROM users u WHERE u.id = a.author_id;
        ALTER TABLE articles ALTER COLUMN author_username SET NOT NULL;

        CREATE FUNCTION articles_copy_author() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            SELECT u.username, u.bio, u.image INTO NEW.author_username, NEW.author_bio, NEW.author_image
            FROM users u WHERE u.id = NEW.author_id FOR NO KEY UPDATE;
            IF NOT FOUND THEN
                -- No such user: leave the foreign key to reject the row (23503), not NOT NULL.
                NEW.author_username := '';
            END IF;
            RETURN NEW;
        END
        $$;
        CREATE TRIGGER articles_author_copy
            BEFORE INSERT OR UPDATE OF author_id, author_username, author_bio, author_image ON articles
            FOR EACH ROW EXECUTE FUNCTION articles_copy_author();

        CREATE FUNCTION users_refresh_author_copies() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE articles a SET author_username = NEW.username, author_bio = NEW.bio, author_image = NEW.image
            WHERE a.author_id = NEW.id;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER users_author_copies AFTER UPDATE OF username, bio, image ON users
            FOR EACH ROW
            WHEN (OLD.username IS DISTINCT FROM NEW.username OR OLD.bio IS DISTINCT FROM NEW.bio
                OR OLD.image IS DISTINCT FROM NEW.image)
            EXECUTE FUNCTION users_refresh_author_copies();
        """
}
