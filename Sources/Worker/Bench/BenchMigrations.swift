/// The TechEmpower tables `world` (10000 rows) and `fortune` (the 12 TFB rows), created only
/// when bench routes are on. Versions start at 1001 so the Conduit schema's numbering stays
/// its own; `worker migrate` appends this list to `SchemaMigrations.all`.
///
/// The tables may already exist (the anchors' compare kit loads `tfb-schema.sql` first), so
/// every statement tolerates them and their rows.
enum BenchMigrations {
    static let all: [Migration] = [
        Migration(version: 1001, name: "tfb world and fortune", sql: tables)
    ]

    static let tables = """
        CREATE TABLE IF NOT EXISTS world (
            id integer NOT NULL,
            randomnumber integer NOT NULL DEFAULT 0,
            PRIMARY KEY (id)
        );
        INSERT INTO world (id, randomnumber)
        SELECT x.id, least(floor(random() * 10000 + 1), 10000)::integer
        FROM generate_series(1, 10000) AS x(id)
        ON CONFLICT (id) DO NOTHING;

        CREATE TABLE IF NOT EXISTS fortune (
            id integer NOT NULL,
            message varchar(2048) NOT NULL,
            PRIMARY KEY (id)
        );
        INSERT INTO fortune (id, message) VALUES
            (1, 'fortune: No such file or directory'),
            (2, 'A computer scientist is someone who fixes things that aren''t broken.'),
            (3, 'After enough decimal places, nobody gives a damn.'),
            (4, 'A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1'),
            (5, 'A computer program does what you tell it to do, not what you want it to do.'),
            (6, 'Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen'),
            (7, 'Any program that runs right is obsolete.'),
            (8, 'A list is only as strong as its weakest link. — Donald Knuth'),
            (9, 'Feature: A bug with seniority.'),
            (10, 'Computers make very fast, very accurate mistakes.'),
            (11, '<script>alert("This should not be displayed in a browser alert box.");</script>'),
            (12, 'フレームワークのベンチマーク')
        ON CONFLICT (id) DO NOTHING;

        ANALYZE world;
        ANALYZE fortune;
        """
}
