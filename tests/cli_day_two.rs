//! The day-two escape hatches of the CLI, run as a process against fresh databases: an older
//! build on a database a newer one migrated (`--allow-unknown`), `repair` of an applied migration
//! edited on purpose, and `database create|drop|reset`.

use migrate_runtime::Database;

use super::support::{tables, TestDb};
use super::{both, fails, ok, probe, probe_env, ran};

/// What a newer build of the `chain` app did: add `posts.body` in its migration
/// `0005_add_post_body`, recorded under the same owner as the rest.
fn newer_build_applied_0005(db: &TestDb) {
    db.any()
        .batch_execute(
            "ALTER TABLE posts ADD COLUMN body text;
             INSERT INTO migrate_versions (id, checksum, execution_ms, owner)
             SELECT '0005_add_post_body', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 3, owner
             FROM migrate_versions WHERE id = '0001_create_users'",
        )
        .unwrap();
}

const UNKNOWN_WARNING: &str = "warning: the database has a migration this build does not have: 0005_add_post_body; it is newer than this build's, applied by a newer build, and this build leaves it alone\n";

/// A deploy rolled back: the older build finds the migration the newer one applied. Without the
/// flag it refuses and says how to go on; with it, it applies what its own migrations need and
/// says what it leaves alone; it never downgrades below the newer migration.
#[test]
fn an_older_build_goes_on_with_allow_unknown_and_never_downgrades_below_newer_migrations() {
    for database in both() {
        let db = Some(&database);
        ok("chain", db, &["upgrade", "0003"]);
        newer_build_applied_0005(&database);

        let refused = fails("chain", db, &["upgrade"]);
        assert_eq!(
            refused,
            "error: the database has migrations these migrations do not have: 0005_add_post_body; a newer build of the app applied them: deploy that build, or downgrade with it before deploying this one\n  hint: if this build is older on purpose (a deploy rolled back), pass --allow-unknown (or set MIGRATE_ALLOW_UNKNOWN=true) to go on without them; `migrate history` lists them\n"
        );
        assert!(!tables(&mut database.any()).contains(&"tags".to_owned()));

        // The plan ignores the unknown id: this build's pending 0004 runs, and only it.
        let run = probe("chain", db, &["upgrade", "--allow-unknown"]);
        assert_eq!(run.code, Some(0), "{run:?}");
        assert_eq!(ran(&run.stdout, "applied"), ["0004_create_tags"]);
        assert_eq!(run.stderr, UNKNOWN_WARNING);
        assert!(tables(&mut database.any()).contains(&"tags".to_owned()));

        // The environment variable says the same.
        let run = probe_env(
            "chain",
            db,
            &["upgrade"],
            &[("MIGRATE_ALLOW_UNKNOWN", "true")],
        );
        assert_eq!(
            (run.code, run.stdout.as_str(), run.stderr.as_str()),
            (
                Some(0),
                "nothing to apply: the database is at `head` already\n",
                UNKNOWN_WARNING
            )
        );

        // `0` (or `false`, `no`, `off`) says no; `1`, `yes` and `on` say yes.
        for (value, code) in [
            ("0", Some(1)),
            ("off", Some(1)),
            ("1", Some(0)),
            ("yes", Some(0)),
        ] {
            let run = probe_env("chain", db, &["check"], &[("MIGRATE_ALLOW_UNKNOWN", value)]);
            assert_eq!(run.code, code, "{value}: {run:?}");
        }

        // `current` shows this build's migrations, and says what it leaves out.
        let run = probe("chain", db, &["current"]);
        assert_eq!(
            (run.code, run.stdout.as_str(), run.stderr.as_str()),
            (Some(0), "0004_create_tags\n", UNKNOWN_WARNING)
        );

        let status = ok("chain", db, &["status"]);
        let applied_at = status
            .split("  0005_add_post_body  applied ")
            .nth(1)
            .unwrap()
            .trim_end();
        assert_eq!(
            status,
            format!("current: 0004_create_tags\npending: none\nunknown: 1 applied migration this build does not have, newer than its own, applied by a newer build (`upgrade` and `check` refuse to run without --allow-unknown, `downgrade` refuses):\n  0005_add_post_body  applied {applied_at}\n")
        );
        assert!(applied_at.ends_with('Z'), "{applied_at}");
        assert!(ok("chain", db, &["status", "--json"])
            .ends_with(",\"schema_drift\":[],\"unknown_applied\":[\"0005_add_post_body\"]}\n"));

        // `check` is the gate: it refuses, unless told; then it does not compare the schema,
        // which has `posts.body` that no migration of this build adds.
        assert!(fails("chain", db, &["check"]).starts_with(
            "error: the database has migrations these migrations do not have: 0005_add_post_body;"
        ));
        let run = probe("chain", db, &["check", "--allow-unknown"]);
        assert_eq!(run.code, Some(0), "{run:?}");
        assert!(run.stdout.ends_with("\ndatabase: 4 applied, no drift, up to date; 1 applied migration this build does not have (0005_add_post_body) changed the schema too, so it was not compared\n"), "{run:?}");
        assert_eq!(run.stderr, UNKNOWN_WARNING);

        // Undoing 0004 could undo what 0005 builds on, and this build cannot undo 0005.
        assert!(fails("chain", db, &["downgrade", "-1"]).starts_with(
            "error: the database has migrations these migrations do not have: 0005_add_post_body;"
        ));
        for target in ["-1", "base", "0001"] {
            let run = probe("chain", db, &["downgrade", target, "--allow-unknown"]);
            assert_eq!(run.code, Some(1), "{target}: {run:?}");
            assert_eq!(run.stdout, "");
            assert_eq!(
                run.stderr,
                format!("{UNKNOWN_WARNING}error: cannot downgrade 0004_create_tags while the database has migrations this build does not have (0005_add_post_body): they are newer migrations, which may build on 0004_create_tags, and only the build that has them can undo them; downgrade with that build first, below them\n")
            );
        }
        // A downgrade with nothing to undo is no danger.
        let run = probe("chain", db, &["downgrade", "0004", "--allow-unknown"]);
        assert_eq!(
            (run.code, run.stdout.as_str()),
            (
                Some(0),
                "nothing to downgrade: nothing applied is above `0004`\n"
            )
        );
        // Nothing was undone.
        assert_eq!(ok("chain", db, &["current"]), "0004_create_tags\n");
        assert!(tables(&mut database.any()).contains(&"tags".to_owned()));
    }
}

/// The recorded checksum and definition of migration `id`, and whether the table has the column.
fn recorded(db: &TestDb, id: &str) -> (String, Option<String>) {
    let rows = db
        .any()
        .query_texts(&format!(
            "SELECT checksum AS a, definition AS b, NULL AS c, NULL AS d FROM migrate_versions WHERE id = '{id}'"
        ))
        .unwrap();
    let [checksum, definition, ..] = rows.into_iter().next().unwrap();
    (checksum.unwrap(), definition)
}

/// `0002_create_posts` edited on purpose after it was applied (`chain_edited` adds `posts.body`),
/// and the database given the column by hand: `repair` shows the edit, then records it.
#[test]
fn repair_shows_the_edit_of_an_applied_migration_then_records_it() {
    for database in both() {
        let db = Some(&database);
        ok("chain", db, &["upgrade"]);
        let applied = super::checksum("chain", db, "0002_create_posts");
        let edited = super::checksum("chain_edited", db, "0002_create_posts");
        // Each applied migration is recorded with its definition, the text its checksum hashes.
        let (checksum, definition) = recorded(&database, "0002_create_posts");
        assert_eq!(checksum, applied);
        let definition = definition.unwrap();
        assert_eq!(migrate_core::checksum::of_canonical(&definition), applied);
        assert!(
            definition.contains(
                "create_table(posts, { id: bigint identity, user_id: bigint, title: text }"
            ),
            "{definition}"
        );

        database
            .any()
            .batch_execute("ALTER TABLE posts ADD COLUMN body text")
            .unwrap();
        assert!(fails("chain_edited", db, &["upgrade"]).ends_with(
            "or, if the database already has what the edit says, record the edit with `migrate repair 0002_create_posts`\n"
        ));
        let shown = format!(
            "0002_create_posts was edited after it was applied:
  checksum {applied} as applied
  checksum {edited} in this build
its definition as applied (-) and in this build (+):
      id: \"0002_create_posts\"
      parents: [\"0001_create_users\"]
      mode: transactional
      upgrade {{
    -     create_table(posts, {{ id: bigint identity, user_id: bigint, title: text }}, primary_key: pk_posts(id));
    +     create_table(posts, {{ id: bigint identity, user_id: bigint, title: text, body: text nullable }}, primary_key: pk_posts(id));
          create_index(ix_posts_user_id, posts(user_id));
      }}
      downgrade {{
          drop_index(ix_posts_user_id, posts(user_id));
    -     drop_table(posts, {{ id: bigint identity, user_id: bigint, title: text }}, primary_key: pk_posts(id));
    +     drop_table(posts, {{ id: bigint identity, user_id: bigint, title: text, body: text nullable }}, primary_key: pk_posts(id));
      }}
"
        );
        assert_eq!(
            ok("chain_edited", db, &["repair", "0002", "--dry-run"]),
            format!("{shown}nothing recorded (--dry-run)\n")
        );
        assert_eq!(recorded(&database, "0002_create_posts").0, applied);
        assert_eq!(
            ok("chain_edited", db, &["repair", "0002"]),
            format!("{shown}recorded 0002_create_posts as this build has it (nothing run); `migrate check` compares the schema with what the migrations build\n")
        );
        let (checksum, definition) = recorded(&database, "0002_create_posts");
        assert_eq!(checksum, edited);
        assert_eq!(
            migrate_core::checksum::of_canonical(&definition.unwrap()),
            edited
        );
        assert_eq!(
            ok("chain_edited", db, &["repair", "0002_create_posts"]),
            format!("nothing to repair: 0002_create_posts is recorded as this build has it (checksum {edited})\n")
        );
        // The edited build upgrades and checks clean: the schema is the one it builds.
        assert_eq!(
            ok("chain_edited", db, &["upgrade"]),
            "nothing to apply: the database is at `head` already\n"
        );
        assert!(ok("chain_edited", db, &["check"])
            .ends_with("its schema is the one the migrations build\n"));

        // A record changed by hand has no definition its checksum was taken of to compare with.
        database
            .any()
            .batch_execute(
                "UPDATE migrate_versions SET checksum = 'edited' WHERE id = '0003_add_user_name'",
            )
            .unwrap();
        let run = ok("chain_edited", db, &["repair", "0003", "--dry-run"]);
        assert_eq!(
            run,
            "0003_add_user_name was edited after it was applied:
  checksum edited as applied
  checksum ".to_owned() + &super::checksum("chain_edited", db, "0003_add_user_name") + " in this build
the definition recorded with it is not the one its checksum was taken of (the row was changed by hand); its definition in this build:
    id: \"0003_add_user_name\"
    parents: [\"0002_create_posts\"]
    mode: transactional
    upgrade {
        add_column(users, name: text nullable);
    }
    downgrade {
        drop_column(users, name: text nullable);
    }
nothing recorded (--dry-run)
"
        );
    }
}

#[test]
fn repair_refuses_what_is_not_applied_or_not_known() {
    for database in both() {
        let db = Some(&database);
        ok("chain", db, &["upgrade", "0002"]);
        assert_eq!(
            fails("chain", db, &["repair", "0003"]),
            "error: migration 0003_add_user_name is not applied, so there is no record of it to repair; `migrate upgrade` applies it\n"
        );
        assert_eq!(
            fails("chain", db, &["repair", "0002_create_psts"]),
            "error: unknown revision \"0002_create_psts\"; did you mean \"0002_create_posts\"?\n  hint: `migrate history` lists every revision\n"
        );
        // Applied, but by a newer build: this one cannot say what it is.
        newer_build_applied_0005(&database);
        assert!(fails("chain", db, &["repair", "0005_add_post_body"])
            .starts_with("error: unknown revision \"0005_add_post_body\""));
        assert!(fails("chain", None, &["repair", "0001"])
            .starts_with("error: `repair` needs a database"));
    }
}

/// A version table that an earlier version of migrate created has no `definition` column: its
/// rows show this build's definition only, and the next run that writes adds the column.
#[test]
fn repair_works_on_a_version_table_an_earlier_version_created() {
    for database in both() {
        let db = Some(&database);
        ok("chain", db, &["upgrade"]);
        database
            .any()
            .batch_execute("ALTER TABLE migrate_versions DROP COLUMN definition")
            .unwrap();
        let preview = ok("chain_edited", db, &["repair", "0002", "--dry-run"]);
        assert!(
            preview.contains("\nthe version table has no definition of it as applied (an earlier version of migrate recorded its checksum only); its definition in this build:\n    id: \"0002_create_posts\"\n"),
            "{preview}"
        );
        assert!(preview.contains("\n        create_table(posts, { id: bigint identity, user_id: bigint, title: text, body: text nullable }, primary_key: pk_posts(id));\n"), "{preview}");
        // Reading added nothing.
        assert!(database
            .any()
            .query_texts(
                "SELECT definition AS a, NULL AS b, NULL AS c, NULL AS d FROM migrate_versions"
            )
            .is_err());

        let repaired = ok("chain_edited", db, &["repair", "0002"]);
        assert!(repaired.ends_with("recorded 0002_create_posts as this build has it (nothing run); `migrate check` compares the schema with what the migrations build\n"), "{repaired}");
        let edited = super::checksum("chain_edited", db, "0002_create_posts");
        let (checksum, definition) = recorded(&database, "0002_create_posts");
        assert_eq!(checksum, edited);
        assert_eq!(
            migrate_core::checksum::of_canonical(&definition.unwrap()),
            edited
        );
        // The rows recorded before the column existed keep none.
        assert_eq!(recorded(&database, "0001_create_users").1, None);
        assert_eq!(
            ok("chain_edited", db, &["upgrade"]),
            "nothing to apply: the database is at `head` already\n"
        );
    }
}

/// The URL of a database next to `db`'s, on the same server (or in the same directory), that
/// nothing has created yet; dropped, if it exists, when the test ends.
struct Scratch {
    url: String,
    name: String,
}

impl Scratch {
    fn next_to(db: &TestDb) -> Scratch {
        let (base, query) = db.url.split_once('?').unwrap_or((&db.url, ""));
        let base = match base.contains("://") {
            true => format!("{base}_made"),
            false => format!("{base}.made.sqlite3"),
        };
        let url = match query {
            "" => base,
            query => format!("{base}?{query}"),
        };
        let name = url
            .split('?')
            .next()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned();
        Scratch { url, name }
    }

    /// As `database …` names it: the database name, or the SQLite file's path.
    fn shown(&self) -> &str {
        match self.url.contains("://") {
            true => &self.name,
            false => &self.url,
        }
    }

    fn exists(&self) -> bool {
        migrate_runtime::database_exists(&self.url).unwrap()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = migrate_runtime::drop_database(&self.url);
    }
}

/// `database create`, `drop` and `reset` on the database the URL names, for `set`'s migrations
/// (`users` first, `0001_create_users`, in both sets used).
fn create_drop_and_reset(set: &str, next_to: &TestDb, applied: &[&str]) {
    let scratch = Scratch::next_to(next_to);
    let url = scratch.url.as_str();
    let name = scratch.shown();
    let args = |command: &[&'static str]| -> Vec<&str> {
        let mut args = vec!["--database-url", url];
        args.extend(command);
        args
    };
    assert!(!scratch.exists());
    assert_eq!(
        ok(set, None, &args(&["database", "create"])),
        format!("created database {name}\n")
    );
    assert!(scratch.exists());
    assert_eq!(
        ok(set, None, &args(&["database", "create"])),
        format!("database {name} exists already; nothing to create\n")
    );
    assert_eq!(ran(&ok(set, None, &args(&["upgrade"])), "applied"), applied);
    let mut conn = migrate_runtime::AnyConnection::establish(url).unwrap();
    conn.batch_execute("INSERT INTO users (email) VALUES ('a@example.com')")
        .unwrap();
    drop(conn);

    // Nothing is dropped without --yes.
    for command in ["drop", "reset"] {
        assert_eq!(
            fails(set, None, &args(&["database", command])),
            format!("error: `database {command}` drops the database {name} and everything in it, for good; pass --yes (-y) to do it\n")
        );
    }
    let users = |url: &str| {
        migrate_runtime::AnyConnection::establish(url)
            .unwrap()
            .query_i64("SELECT count(*) AS value FROM users")
            .unwrap()
    };
    assert_eq!(users(url), Some(1));

    // Reset: an empty database again, migrated to head.
    let reset = ok(set, None, &args(&["database", "reset", "-y"]));
    let (dropped_and_created, upgrade) = reset.split_at(
        reset
            .match_indices('\n')
            .nth(1)
            .map(|(at, _)| at + 1)
            .unwrap(),
    );
    assert_eq!(
        dropped_and_created,
        format!("dropped database {name}\ncreated database {name}\n")
    );
    assert_eq!(ran(upgrade, "applied"), applied);
    assert_eq!(users(url), Some(0));

    assert_eq!(
        ok(set, None, &args(&["database", "drop", "--yes"])),
        format!("dropped database {name}\n")
    );
    assert!(!scratch.exists());
    assert_eq!(
        ok(set, None, &args(&["database", "drop", "-y"])),
        format!("database {name} does not exist; nothing to drop\n")
    );
    // Reset creates what does not exist.
    assert!(
        ok(set, None, &args(&["database", "reset", "-y"])).starts_with(&format!(
            "database {name} does not exist; nothing to drop\ncreated database {name}\napplied "
        ))
    );
    assert_eq!(ok(set, None, &args(&["-q", "database", "drop", "-y"])), "");
    assert!(!scratch.exists());
}

#[test]
fn database_create_drop_and_reset_on_postgres_and_sqlite() {
    for db in both() {
        create_drop_and_reset("chain", &db, &super::CHAIN);
    }
}

#[test]
fn database_create_drop_and_reset_on_mariadb() {
    let db = TestDb::mysql();
    create_drop_and_reset(
        "portable",
        &db,
        &["0001_create_users", "0002_add_user_name"],
    );
}

#[test]
fn database_commands_say_what_is_wrong_with_the_url() {
    assert_eq!(
        fails("chain", None, &["database", "create"]),
        "error: `database create` needs a database: pass --database-url <url> or set DATABASE_URL\n"
    );
    let unreachable = fails(
        "chain",
        None,
        &[
            "database",
            "create",
            "--database-url",
            "postgres://postgres:secret@127.0.0.1:1/app",
        ],
    );
    assert!(
        unreachable
            .starts_with("error: cannot connect to postgres://postgres:***@127.0.0.1:1/postgres: "),
        "{unreachable}"
    );
    assert!(unreachable.ends_with("  hint: is the server running, and is the URL (--database-url or DATABASE_URL) right?\n"), "{unreachable}");
    assert_eq!(
        fails("chain", None, &["database", "drop", "-y", "--database-url", "postgres://127.0.0.1:5432"]),
        "error: \"postgres://127.0.0.1:5432\" is not a database URL: it names no database: end it with /<database name>, as in postgres://user@host:5432/dbname\n"
    );
    assert!(fails(
        "chain",
        None,
        &["database", "create", "--database-url", "postgress://127.0.0.1/app"]
    )
    .starts_with("error: \"postgress://127.0.0.1/app\" is not a database URL: `postgress:` is not a database URL scheme this crate knows; did you mean `postgres:`?"));
    assert_eq!(
        fails("chain", None, &["database", "create", "--database-url", ":memory:"]),
        "error: \":memory:\" is not a database URL: an in-memory SQLite database lives only as long as its connection; give the path of a file\n"
    );
}

/// `reset` refuses what its upgrade would refuse before it drops anything.
#[test]
fn database_reset_refuses_before_dropping_anything() {
    let database = TestDb::postgres();
    let db = Some(&database);
    ok("branches", db, &["upgrade", "heads"]);
    assert!(fails("branches", db, &["database", "reset", "-y"])
        .starts_with("error: multiple heads: 0002_create_posts, 0003_create_tags"));
    let mysql = TestDb::mysql();
    assert!(
        fails("chain", Some(&mysql), &["database", "reset", "-y"]).starts_with(
            "error: the migrations of `cli_probe::fixtures::chain` were not checked for MySQL"
        )
    );
    // Both databases are still there, as they were.
    assert_eq!(
        ok("branches", db, &["current"]),
        "0002_create_posts\n0003_create_tags\n"
    );
    assert!(migrate_runtime::database_exists(&mysql.url).unwrap());
}
