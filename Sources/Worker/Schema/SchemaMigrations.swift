/// Every schema migration, in order. Applied once, under an advisory lock, by `worker migrate`
/// (which the gateway runs before it starts serving). Never edit a released migration: add one.
enum SchemaMigrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "conduit schema", sql: conduitSchema),
        Migration(version: 2, name: "write outcomes", sql: writeOutcomes),
        // Recorded as "read mix counters" (the load-test scenario it was written for)
        // before it was named after what it creates.
        Migration(version: 3, name: "maintained counts", formerNames: ["read mix counters"], sql: maintainedCounts),
        Migration(version: 4, name: "article tag lists", sql: articleTagLists),
        Migration(version: 5, name: "article authors", sql: articleAuthors),
        Migration(version: 6, name: "sorted tag lists", sql: sortedTagLists),
    ]

    /// Users, follows, articles, tags, favorites and comments. docs/data-model.md explains
    /// every constraint and index.
    static let conduitSchema = """
        CREATE TABLE users (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            username text NOT NULL,
            email text NOT NULL,
            password_hash text NOT NULL,
            bio text,
            image text,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE UNIQUE INDEX users_username_key ON users (lower(username));
        CREATE UNIQUE INDEX users_email_key ON users (lower(email));

        CREATE TABLE follows (
            follower_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            followee_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (follower_id, followee_id)
        );
        CREATE INDEX follows_followee_idx ON follows (followee_id);

        CREATE TABLE articles (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            slug text NOT NULL,
            author_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            title text NOT NULL,
            description text NOT NULL,
            body text NOT NULL,
            favorites_count integer NOT NULL DEFAULT 0 CHECK (favorites_count >= 0),
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE UNIQUE INDEX articles_slug_key ON articles (slug);
        CREATE INDEX articles_newest_idx ON articles (created_at DESC, id DESC);
        CREATE INDEX articles_author_newest_idx ON articles (author_id, created_at DESC, id DESC);

        CREATE TABLE tags (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name text NOT NULL
        );
        CREATE UNIQUE INDEX tags_name_key ON tags (name);

        CREATE TABLE article_tags (
            article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            tag_id bigint NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
            position smallint NOT NULL,
            PRIMARY KEY (article_id, tag_id)
        );
        CREATE INDEX article_tags_tag_idx ON article_tags (tag_id, article_id);

        CREATE TABLE favorites (
            user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            created_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (user_id, article_id)
        );
        CREATE INDEX favorites_article_idx ON favorites (article_id);

        CREATE TABLE comments (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            author_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            body text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX comments_article_idx ON comments (article_id, id);
        CREATE INDEX comments_author_idx ON comments (author_id);
        """

    /// The write ledger (see `WriteLedger`): one row per committed 2xx write, keyed by the
    /// gateway's write key, kept for minutes. A row with a NULL status is a tombstone: the
    /// write was asked about after its worker died and had not committed.
    static let writeOutcomes = """
        CREATE TABLE request_outcomes (
            key text PRIMARY KEY,
            status smallint,
            route text,
            content_type text,
            body text,
            user_id bigint,
            created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX request_outcomes_created_idx ON request_outcomes (created_at);
        """

    /// What the read endpoints need to answer from an index or a maintained number instead of
    /// counting, walking or sorting whole tables: exact article counts (in total, per author,
    /// per tag) kept by triggers, copies of `articles.created_at` and `tags.name` on each
    /// `article_tags` row, and the indexes that use them. docs/data-model.md explains why the
    /// counts stay exact under concurrent writes.
    static let maintainedCounts = """
        -- Schema migration 3, "maintained counts" (recorded as "read mix counters" by earlier builds): what the read endpoints need to answer from an index or
        -- a maintained number instead of counting, walking or sorting whole tables.
        --
        -- Runs as one migration, i.e. inside one transaction (MigrationRunner), with the simple
        -- query protocol (several statements and $$-quoted bodies are fine). Works on an empty and on
        -- a populated database: plain CREATE INDEX (CONCURRENTLY cannot run in a transaction), the
        -- new columns and counters are filled from the existing rows under table locks that keep
        -- writers out until the triggers that maintain them are in place.
        --
        --   1. articles_count_shards    exact number of articles (unfiltered list's articlesCount)
        --      users.article_count     exact number of articles per author (`?author=`, the feed)
        --   2. article_tags copies      article_created_at and tag_name on each tag link, so `?tag=`
        --                               pages from one index range and a tag list is one index scan
        --   3. tags.article_count       exact number of articles per tag (`?tag=` articlesCount,
        --      + tag_count_deltas       GET /api/tags)
        --
        -- On a populated database, run `VACUUM ANALYZE users, tags, article_tags` afterwards (outside
        -- the transaction, e.g. by hand or let autovacuum do it): the backfills rewrite those rows, and
        -- index-only scans need the visibility map back.

        LOCK TABLE users, articles, tags, article_tags IN SHARE ROW EXCLUSIVE MODE;

        ------------------------------------------------------------------------------------------
        -- 1. Exact article counts: in total (sharded, so concurrent inserts do not queue on one row)
        -- and per author.
        --
        -- sum(articles_count_shards.n) = count(*) FROM articles, and users.article_count = the user's
        -- articles, in every snapshot: each statement that inserts or deletes articles applies its
        -- row counts in the same transaction, so they commit or roll back with the rows, and
        -- UPDATE ... SET n = n + delta re-reads the latest committed value after waiting for a
        -- concurrent writer's row lock (READ COMMITTED), so no increment is lost. Statement-level
        -- triggers: one UPDATE per statement however many rows it wrote (a user deleted with 500
        -- articles is one). The locks are taken at the end of the statement (AFTER STATEMENT), after
        -- every other lock the API's statements take: an article insert or delete locks its author's
        -- row (two article writes by the same author take turns there) and then one shard, and a
        -- backend always uses the same shard (pid % 16). Nothing waits while holding them but for locks
        -- it holds already, so they add waiting but no deadlock.
        CREATE TABLE articles_count_shards (
            shard smallint PRIMARY KEY,
            n bigint NOT NULL
        );
        INSERT INTO articles_count_shards (shard, n)
        SELECT s, CASE WHEN s = 0 THEN (SELECT count(*) FROM articles) ELSE 0 END
        FROM generate_series(0, 15) AS s;

        ALTER TABLE users ADD COLUMN article_count bigint NOT NULL DEFAULT 0;
        UPDATE users u SET article_count = c.n
        FROM (SELECT author_id, count(*) AS n FROM articles GROUP BY author_id) c
        WHERE c.author_id = u.id;

        CREATE FUNCTION articles_count_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            delta bigint;
        BEGIN
            SELECT count(*) INTO delta FROM inserted_articles;
            IF delta <> 0 THEN
                UPDATE users u SET article_count = u.article_count + c.n
                FROM (SELECT author_id, count(*) AS n FROM inserted_articles GROUP BY author_id) c
                WHERE u.id = c.author_id;
                UPDATE articles_count_shards SET n = n + delta WHERE shard = pg_backend_pid() % 16;
            END IF;
            RETURN NULL;
        END
        $$;
        CREATE FUNCTION articles_count_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            delta bigint;
        BEGIN
            SELECT count(*) INTO delta FROM deleted_articles;
            IF delta <> 0 THEN
                UPDATE users u SET article_count = u.article_count - c.n
                FROM (SELECT author_id, count(*) AS n FROM deleted_articles GROUP BY author_id) c
                WHERE u.id = c.author_id;
                UPDATE articles_count_shards SET n = n - delta WHERE shard = pg_backend_pid() % 16;
            END IF;
            RETURN NULL;
        END
        $$;
        -- The API never moves an article to another author; an operator might.
        CREATE FUNCTION articles_count_after_author_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE users SET article_count = article_count - 1 WHERE id = OLD.author_id;
            UPDATE users SET article_count = article_count + 1 WHERE id = NEW.author_id;
            RETURN NULL;
        END
        $$;
        CREATE FUNCTION articles_count_after_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE articles_count_shards SET n = 0 WHERE n <> 0;
            UPDATE users SET article_count = 0 WHERE article_count <> 0;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER articles_count_insert AFTER INSERT ON articles
            REFERENCING NEW TABLE AS inserted_articles
            FOR EACH STATEMENT EXECUTE FUNCTION articles_count_after_insert();
        CREATE TRIGGER articles_count_delete AFTER DELETE ON articles
            REFERENCING OLD TABLE AS deleted_articles
            FOR EACH STATEMENT EXECUTE FUNCTION articles_count_after_delete();
        CREATE TRIGGER articles_count_author_change AFTER UPDATE OF author_id ON articles
            FOR EACH ROW WHEN (OLD.author_id IS DISTINCT FROM NEW.author_id)
            EXECUTE FUNCTION articles_count_after_author_change();
        CREATE TRIGGER articles_count_truncate AFTER TRUNCATE ON articles
            FOR EACH STATEMENT EXECUTE FUNCTION articles_count_after_truncate();

        ------------------------------------------------------------------------------------------
        -- 2. Copies of the article's created_at and the tag's name on each link. Both are set by a
        -- BEFORE trigger from the parent rows, whatever the writer supplies (so every existing INSERT,
        -- seed.sql included, works unchanged), and follow the parents if those ever change (the API
        -- changes neither: created_at is never updated and tags are never renamed).
        ALTER TABLE article_tags ADD COLUMN article_created_at timestamptz, ADD COLUMN tag_name text;
        UPDATE article_tags at SET article_created_at = a.created_at, tag_name = t.name
        FROM articles a, tags t
        WHERE a.id = at.article_id AND t.id = at.tag_id;
        ALTER TABLE article_tags ALTER COLUMN article_created_at SET NOT NULL, ALTER COLUMN tag_name SET NOT NULL;

        CREATE FUNCTION article_tags_copy_parents() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.article_created_at := (SELECT a.created_at FROM articles a WHERE a.id = NEW.article_id);
            NEW.tag_name := (SELECT t.name FROM tags t WHERE t.id = NEW.tag_id);
            RETURN NEW;
        END
        $$;
        CREATE TRIGGER article_tags_copy_parents
            BEFORE INSERT OR UPDATE OF article_id, tag_id, article_created_at, tag_name ON article_tags
            FOR EACH ROW EXECUTE FUNCTION article_tags_copy_parents();

        CREATE FUNCTION articles_created_at_to_links() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE article_tags SET article_created_at = NEW.created_at WHERE article_id = NEW.id;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER articles_created_at_to_links AFTER UPDATE OF created_at ON articles
            FOR EACH ROW WHEN (OLD.created_at IS DISTINCT FROM NEW.created_at)
            EXECUTE FUNCTION articles_created_at_to_links();

        CREATE FUNCTION tags_name_to_links() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE article_tags SET tag_name = NEW.name WHERE tag_id = NEW.id;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER tags_name_to_links AFTER UPDATE OF name ON tags
            FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
            EXECUTE FUNCTION tags_name_to_links();

        -- `?tag=`: the page (ORDER BY created_at DESC, id DESC) is the first rows of one index
        -- range. Its tag_id prefix also serves the combined filters' `a.id IN (SELECT article_id ...
        -- WHERE tag_id = ...)` (article_id is in the index) and the cascade when a tag is deleted, so
        -- it replaces article_tags_tag_idx (tag_id, article_id).
        CREATE INDEX article_tags_tag_newest_idx ON article_tags (tag_id, article_created_at DESC, article_id DESC);
        DROP INDEX article_tags_tag_idx;

        -- An article's tag list, in order, from the index alone (every list item and article).
        CREATE INDEX article_tags_article_position_idx ON article_tags (article_id, position) INCLUDE (tag_name);

        ------------------------------------------------------------------------------------------
        -- 3. Exact number of articles per tag: tags.article_count + the tag's tag_count_deltas.
        --
        -- Adding links: the API's article writes already hold the row lock of every tag they link
        -- (the tags upsert's ON CONFLICT DO UPDATE, in name order), so the count is added to the tag
        -- rows directly, taking no new lock; other writers (seed.sql, an operator) lock the tag rows
        -- in the same name order first. Removing links (article delete, a tag dropped by an update)
        -- would have to lock tag rows out of that order, so it appends a negative delta row instead
        -- and takes no lock; the next statement that adds a link to the tag, holding its lock, folds
        -- the tag's delta rows into the row. Every change commits with the links it counts, so any
        -- snapshot sees article_count + sum(delta) = count(*) of that tag's links, which equals the
        -- number of its articles (one link per article and tag; links and articles commit together).
        ALTER TABLE tags ADD COLUMN article_count bigint NOT NULL DEFAULT 0;
        UPDATE tags t SET article_count = c.n
        FROM (SELECT tag_id, count(*) AS n FROM article_tags GROUP BY tag_id) c
        WHERE c.tag_id = t.id;

        CREATE TABLE tag_count_deltas (
            tag_id bigint NOT NULL,
            delta bigint NOT NULL
        );
        CREATE INDEX tag_count_deltas_tag_idx ON tag_count_deltas (tag_id);

        CREATE FUNCTION tag_counts_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM 1 FROM tags t WHERE t.id IN (SELECT tag_id FROM inserted_links) ORDER BY t.name FOR UPDATE;
            WITH folded AS (
                DELETE FROM tag_count_deltas d WHERE d.tag_id IN (SELECT tag_id FROM inserted_links)
                RETURNING d.tag_id, d.delta
            ),
            change AS (
                SELECT x.tag_id, sum(x.n) AS n FROM (
                    SELECT tag_id, count(*) AS n FROM inserted_links GROUP BY tag_id
                    UNION ALL
                    SELECT tag_id, sum(delta) FROM folded GROUP BY tag_id
                ) x GROUP BY x.tag_id
            )
            UPDATE tags t SET article_count = t.article_count + change.n
            FROM change WHERE t.id = change.tag_id;
            RETURN NULL;
        END
        $$;
        CREATE FUNCTION tag_counts_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO tag_count_deltas (tag_id, delta)
            SELECT tag_id, -count(*) FROM deleted_links GROUP BY tag_id;
            RETURN NULL;
        END
        $$;
        CREATE FUNCTION tag_counts_after_tag_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO tag_count_deltas (tag_id, delta) VALUES (OLD.tag_id, -1), (NEW.tag_id, 1);
            RETURN NULL;
        END
        $$;
        CREATE FUNCTION tag_counts_after_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE tags SET article_count = 0 WHERE article_count <> 0;
            DELETE FROM tag_count_deltas;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER tag_counts_insert AFTER INSERT ON article_tags
            REFERENCING NEW TABLE AS inserted_links
            FOR EACH STATEMENT EXECUTE FUNCTION tag_counts_after_insert();
        CREATE TRIGGER tag_counts_delete AFTER DELETE ON article_tags
            REFERENCING OLD TABLE AS deleted_links
            FOR EACH STATEMENT EXECUTE FUNCTION tag_counts_after_delete();
        CREATE TRIGGER tag_counts_tag_change AFTER UPDATE OF tag_id ON article_tags
            FOR EACH ROW WHEN (OLD.tag_id IS DISTINCT FROM NEW.tag_id)
            EXECUTE FUNCTION tag_counts_after_tag_change();
        CREATE TRIGGER tag_counts_truncate AFTER TRUNCATE ON article_tags
            FOR EACH STATEMENT EXECUTE FUNCTION tag_counts_after_truncate();

        ANALYZE articles_count_shards;
        ANALYZE users;
        ANALYZE tags;
        ANALYZE article_tags;
        """
}
