-- Fills a migrated, otherwise empty Rookery (RealWorld) database with a realistic data set,
-- set-based (generate_series), in well under two minutes:
--   10 000 users   user1 … user10000, email userN@example.com, all with the password of
--                  the user named by :seed_user (registered through the API first, so the
--                  hash is a real scrypt hash and every seeded user can log in with it)
--      200 tags    topic1 … topic200, popularity skewed (a few tags are on many articles)
--   50 000 articles seed-article-1 … seed-article-50000, 1–5 tags each, authors skewed,
--                  created over the last 365 days
--  ~190 000 follows, ~200 000 favorites (articles.favorites_count kept in step), 100 000 comments
--
--   psql -v ON_ERROR_STOP=1 -v seed_user=loadtest -f seed.sql 'host=… dbname=rookery user=postgres'
--
-- Random choices use setseed, so two runs produce the same data set.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SELECT setseed(0.42);

BEGIN;
SELECT password_hash AS seed_hash, (SELECT coalesce(max(id), 0) FROM users) AS user_base
FROM users WHERE username = :'seed_user' \gset
SELECT coalesce(max(id), 0) AS article_base FROM articles \gset

INSERT INTO users (id, username, email, password_hash, bio, image, created_at, updated_at)
OVERRIDING SYSTEM VALUE
SELECT :user_base + n, 'user' || n, 'user' || n || '@example.com', :'seed_hash',
       CASE WHEN n % 3 = 0 THEN NULL ELSE 'I write about topic' || (n % 200 + 1) || '.' END,
       CASE WHEN n % 4 = 0 THEN NULL ELSE 'https://api.realworld.io/images/smiley-cyrus.jpeg' END,
       now() - make_interval(days => 400 - n % 30), now() - make_interval(days => 400 - n % 30)
FROM generate_series(1, 10000) AS n;

INSERT INTO tags (name)
SELECT 'topic' || n FROM generate_series(1, 200) AS n
ON CONFLICT DO NOTHING;

-- Authors: 1 + 10000·r² puts most articles on the first few hundred users.
INSERT INTO articles (id, slug, author_id, title, description, body, created_at, updated_at)
OVERRIDING SYSTEM VALUE
SELECT :article_base + n, 'seed-article-' || n,
       :user_base + 1 + floor(10000 * power(random(), 2))::int,
       'Seed article ' || n, 'What seed article ' || n || ' is about, in one sentence.',
       repeat('Lorem ipsum dolor sit amet, consectetur adipiscing elit. ', 4 + n % 12),
       t, t
FROM generate_series(1, 50000) AS n,
     LATERAL (SELECT now() - make_interval(secs => (50000 - n) * 630.0 + random() * 600)) AS c(t);

-- 1–5 tags per article; tag popularity 1 + 200·r³. Duplicate draws are dropped, so an
-- article keeps at least one tag.
SELECT array_agg(id ORDER BY id) AS tag_ids FROM tags WHERE name ~ '^topic[0-9]+$' \gset
INSERT INTO article_tags (article_id, tag_id, position)
SELECT n, (:'tag_ids'::bigint[])[1 + floor(200 * power(random(), 3))::int], j
FROM generate_series(:article_base + 1, :article_base + 50000) AS n,
     LATERAL generate_series(1, 1 + n * 7919 % 5) AS j
ON CONFLICT DO NOTHING;

-- Follows: each of 19 000·10 draws picks a follower uniformly and a followee skewed to
-- popular users (1 + 10000·r³).
INSERT INTO follows (follower_id, followee_id)
SELECT :user_base + 1 + floor(10000 * random())::int, :user_base + 1 + floor(10000 * power(random(), 3))::int
FROM generate_series(1, 190000)
ON CONFLICT DO NOTHING;
DELETE FROM follows WHERE follower_id = followee_id;

INSERT INTO favorites (user_id, article_id)
SELECT :user_base + 1 + floor(10000 * random())::int, :article_base + 1 + floor(50000 * power(random(), 2))::int
FROM generate_series(1, 200000)
ON CONFLICT DO NOTHING;
UPDATE articles a SET favorites_count = f.n
FROM (SELECT article_id, count(*) AS n FROM favorites GROUP BY article_id) AS f
WHERE a.id = f.article_id AND a.id > :article_base;

INSERT INTO comments (article_id, author_id, body, created_at, updated_at)
SELECT :article_base + 1 + floor(50000 * power(random(), 2))::int, :user_base + 1 + floor(10000 * random())::int,
       'Seed comment ' || n || ': thanks for writing this.', now() - make_interval(secs => n), now() - make_interval(secs => n)
FROM generate_series(1, 100000) AS n;

SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users));
SELECT setval(pg_get_serial_sequence('articles', 'id'), (SELECT max(id) FROM articles));
COMMIT;

VACUUM ANALYZE;
SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM articles) AS articles,
       (SELECT count(*) FROM article_tags) AS article_tags, (SELECT count(*) FROM follows) AS follows,
       (SELECT count(*) FROM favorites) AS favorites, (SELECT count(*) FROM comments) AS comments;
