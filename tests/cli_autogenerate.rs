//! `new --autogenerate` and `check --autogenerate`, run as a process against fresh databases: the
//! migrations written from a database changed by hand are the ones `cli_fixtures.rs` compiles
//! (`blog_generated_*`, `blog_baseline_*`), the chain with them builds the live schema, and a
//! diesel `schema.rs` edited by hand gives its ops.
//!
//! `MIGRATE_BLESS_AUTOGENERATE=1` writes what the CLI wrote over the files under
//! `cli_fixtures/autogenerate/` instead of comparing: review the diff, then rebuild.

use std::path::PathBuf;

use migrate_runtime::core::render::Dialect;
use migrate_runtime::testing::stairway;
use migrate_runtime::Database;

use super::support::{schema, TestDb};
use super::{both, fails, ok, TempDir};

/// The golden files of `dialect`, which `cli_fixtures.rs` compiles.
fn golden_dir(dialect: Dialect) -> PathBuf {
    let name = match dialect {
        Dialect::Postgres => "postgres",
        _ => "sqlite",
    };
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("cli_fixtures/autogenerate")
        .join(name)
}

/// A `migrations/` folder in `dir`, which `new` writes into as it would in an app.
fn migrations_dir(dir: &TempDir) -> PathBuf {
    let migrations = dir.0.join("migrations");
    std::fs::create_dir(&migrations).unwrap();
    migrations
}

/// `written` is the file the compiled fixture includes, or becomes it when blessing.
fn assert_golden(dialect: Dialect, name: &str, written: &str) {
    let path = golden_dir(dialect).join(name);
    if std::env::var_os("MIGRATE_BLESS_AUTOGENERATE").is_some() {
        std::fs::write(&path, written).unwrap();
        return;
    }
    let golden = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        written,
        golden,
        "{} is not what the CLI writes now; rerun with MIGRATE_BLESS_AUTOGENERATE=1 and review",
        path.display()
    );
}

/// What the blog's `0002` and `0003` do, done by hand: on PostgreSQL the statements `sql` prints
/// for them, one at a time as `psql` sends them; on SQLite what a person writes (the runtime
/// rebuilds a table there for a foreign key, which no script holds).
fn extend_by_hand(db: &TestDb) {
    let mut conn = db.any();
    match conn.dialect() {
        Dialect::Postgres => {
            let script = ok("blog", Some(db), &["sql", "0001:head"]);
            for statement in script.split(";\n") {
                let statement: String = statement
                    .lines()
                    .filter(|line| !line.starts_with("--"))
                    .collect::<Vec<_>>()
                    .join("\n");
                if !statement.trim().is_empty() {
                    conn.batch_execute(&statement).unwrap();
                }
            }
        }
        _ => conn
            .batch_execute(
                "ALTER TABLE users ADD COLUMN bio TEXT;
                 ALTER TABLE users ADD COLUMN logins INTEGER NOT NULL DEFAULT 0;
                 ALTER TABLE posts ADD COLUMN published_at TEXT;
                 CREATE TABLE comments (
                     id INTEGER PRIMARY KEY AUTOINCREMENT,
                     post_id BIGINT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
                     body TEXT NOT NULL,
                     created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
                     CONSTRAINT ck_comments_body_not_empty CHECK (body <> '')
                 );
                 CREATE INDEX ix_comments_post_id ON comments (post_id);
                 CREATE INDEX ix_posts_published_at ON posts (published_at) WHERE published_at IS NOT NULL;",
            )
            .unwrap(),
    }
}

fn generated_set(dialect: Dialect, kind: &str) -> String {
    match dialect {
        Dialect::Postgres => format!("blog_{kind}_postgres"),
        _ => format!("blog_{kind}_sqlite"),
    }
}

fn generated_migrations(dialect: Dialect) -> &'static migrate_runtime::Migrations {
    match dialect {
        Dialect::Postgres => &super::fixtures::blog_generated_postgres::MIGRATIONS,
        _ => &super::fixtures::blog_generated_sqlite::MIGRATIONS,
    }
}

/// A database at `0001` whose `0002` and `0003` were done by hand gives two migrations: the
/// changes, and the index on a table with rows, built concurrently in a migration of its own.
/// The chain with them builds exactly the live schema, a fresh database built by them is the one
/// the original migrations build, and every downgrade undoes its upgrade.
#[test]
fn a_database_changed_by_hand_gives_the_migrations_that_changed_it() {
    for database in both() {
        let db = Some(&database);
        let dialect = database.any().dialect();
        ok("blog", db, &["upgrade", "0001"]);
        extend_by_hand(&database);

        let differs = fails("blog_base", db, &["check", "--autogenerate"]);
        assert!(
            differs.starts_with("error: the migrations do not build the database ")
                && differs.contains("\n  create_table(comments, { id: bigint identity, post_id: bigint, body: text, ")
                && differs.contains("\n  add_column(users, bio: text nullable)\n"),
            "{differs}"
        );

        let dir = TempDir::new();
        let migrations = migrations_dir(&dir);
        let written = ok(
            "blog_base",
            db,
            &[
                "new",
                "--autogenerate",
                "-m",
                "Extend the blog",
                "--dir",
                migrations.to_str().unwrap(),
            ],
        );
        let shown = std::fs::canonicalize(&migrations)
            .unwrap()
            .display()
            .to_string();
        assert_eq!(
            written,
            format!("created {shown}/m0002_extend_the_blog.rs (parent 0001_create_blog)\ncreated {shown}/m0003_extend_the_blog_concurrently.rs (parent 0002_extend_the_blog)\nreview it, then build: the compiler checks it like any migration you write\n")
        );
        for name in [
            "m0002_extend_the_blog.rs",
            "m0003_extend_the_blog_concurrently.rs",
        ] {
            assert_golden(
                dialect,
                name,
                &std::fs::read_to_string(migrations.join(name)).unwrap(),
            );
        }

        // The files as `blog_generated_*` compiled them: recorded as applied, the chain with them
        // is the live schema, and there is nothing left to generate.
        let generated = generated_set(dialect, "generated");
        ok(&generated, db, &["stamp", "head"]);
        let checked = ok(&generated, db, &["check"]);
        assert!(checked.contains("no drift"), "{checked}");
        assert_eq!(
            ok(&generated, db, &["check", "--autogenerate"]),
            format!(
                "the migrations build the database {}'s schema: nothing to generate\n",
                database.url
            )
        );

        let by_originals = TestDb::for_dialect(dialect);
        ok("blog", Some(&by_originals), &["upgrade"]);
        let by_generated = TestDb::for_dialect(dialect);
        stairway(generated_migrations(dialect), &mut by_generated.any()).unwrap();
        assert_eq!(
            schema(&mut by_generated.any()),
            schema(&mut by_originals.any())
        );
    }
}

/// A database that predates migrate gives, with no migration yet, the baseline of its schema
/// under its own names, and is told to `stamp` it rather than run it.
#[test]
fn with_no_migrations_a_database_gives_its_baseline() {
    for database in both() {
        let db = Some(&database);
        let dialect = database.any().dialect();
        ok("blog", db, &["upgrade"]);
        database
            .any()
            .batch_execute("DROP TABLE migrate_versions; DROP TABLE migrate_progress;")
            .unwrap();

        let dir = TempDir::new();
        let migrations = migrations_dir(&dir);
        let written = ok(
            "empty",
            db,
            &[
                "new",
                "--autogenerate",
                "-m",
                "Baseline",
                "--dir",
                migrations.to_str().unwrap(),
            ],
        );
        assert!(
            written.ends_with(&format!("baseline: the database {} already has this schema; once the app is rebuilt, record it there (and on every database that has it) with `migrate stamp 0001_baseline` instead of upgrading\n", database.url)),
            "{written}"
        );
        let baseline = std::fs::read_to_string(migrations.join("m0001_baseline.rs")).unwrap();
        assert!(baseline.contains("    names: adopted,\n"), "{baseline}");
        assert_golden(dialect, "m0001_baseline.rs", &baseline);

        let set = generated_set(dialect, "baseline");
        ok(&set, db, &["stamp", "0001_baseline"]);
        let checked = ok(&set, db, &["check"]);
        assert!(checked.contains("no drift"), "{checked}");
    }
}

/// A diesel `schema.rs` edited by hand (a column added, a table added, a column made nullable)
/// gives those ops, and only those: it shows no indexes, constraints or defaults, so none are
/// touched. The added NOT NULL column is written in its safe form, with the value to decide.
#[test]
fn a_diesel_schema_edited_by_hand_gives_its_ops() {
    let printed = ok(
        "blog",
        None,
        &["schema", "--diesel", "--dialect", "postgres"],
    );
    let edited = printed
        .replace(
            "        title -> Text,\n",
            "        title -> Nullable<Text>,\n        views -> Int4,\n",
        )
        .replace(
            "diesel::table! {\n    posts",
            "diesel::table! {\n    tags (id) {\n        id -> Int8,\n        #[max_length = 40]\n        name -> Varchar,\n    }\n}\n\ndiesel::table! {\n    posts",
        );
    assert_ne!(
        edited, printed,
        "the edits apply to what `schema --diesel` prints"
    );
    let dir = TempDir::new();
    dir.write("schema.rs", &edited);
    let schema_rs = dir.0.join("schema.rs");
    let schema_rs = schema_rs.to_str().unwrap();

    let differs = fails(
        "blog",
        None,
        &[
            "check",
            "--autogenerate",
            "--from-diesel",
            schema_rs,
            "--dialect",
            "postgres",
        ],
    );
    assert_eq!(
        differs,
        format!("error: the migrations do not build {schema_rs}'s schema; `migrate new --autogenerate` would write:\n  create_table(tags, {{ id: bigint, name: varchar(40) }}, primary_key: pk_tags(id))\n  add_column(posts, views: integer nullable)\n  backfill(posts, set: todo(\"the value of posts.views for the rows that exist: `set: \\\"views = …\\\"`\"), where: \"views IS NULL\", batch: 1000)\n  alter_column(posts, views, set_not_null)\n  alter_column(posts, title, drop_not_null)\n  hint: write the migration with `migrate new --autogenerate -m \"<message>\"` (with the same source), review it and commit it\n")
    );

    // A rename of what is not there is refused, not left out.
    let refused = fails(
        "blog",
        None,
        &[
            "check",
            "--autogenerate",
            "--from-diesel",
            schema_rs,
            "--dialect",
            "postgres",
            "--rename",
            "posts.hits=views",
        ],
    );
    assert!(
        refused.starts_with("error: --rename posts.hits=views: the migrations have no column `posts.hits`\n  hint: "),
        "{refused}"
    );

    let migrations = migrations_dir(&dir);
    let written = ok(
        "blog",
        None,
        &[
            "new",
            "--autogenerate",
            "--from-diesel",
            schema_rs,
            "--dialect",
            "postgres",
            "-m",
            "Count views",
            "--dir",
            migrations.to_str().unwrap(),
        ],
    );
    assert!(
        written.contains("decide: each `todo(\"…\")` is a value only you know"),
        "{written}"
    );
    assert_eq!(
        std::fs::read_to_string(migrations.join("m0004_count_views.rs")).unwrap(),
        format!("migrate_runtime::migration! {{\n    /// Count views\n    ///\n    /// Written by `migrate new --autogenerate` from {schema_rs}.\n    id: \"0004_count_views\",\n    parent: \"0003_index_published_posts\",\n    change {{\n        create_table(tags, {{\n            id: bigint,\n            name: varchar(40),\n        }}, primary_key: pk_tags(id));\n        // A NOT NULL column is added nullable, filled, then constrained: decide the value existing rows get.\n        add_column(posts, views: integer nullable);\n        backfill(posts, set: todo(\"the value of posts.views for the rows that exist: `set: \\\"views = …\\\"`\"), where: \"views IS NULL\", batch: 1000);\n        alter_column(posts, views, set_not_null);\n        alter_column(posts, title, drop_not_null);\n    }}\n}}\n")
    );
}
