/// Every schema migration, in order. Applied once, under an advisory lock, by `worker migrate`
/// (which the gateway runs before it starts serving). Never edit a released migration: add one.
enum SchemaMigrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "conduit schema", sql: conduitSchema),
        Migration(version: 2, name: "write outcomes", sql: writeOutcomes),
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
}
