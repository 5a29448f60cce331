//! The `migrate` CLI driven as a process (`cli-probe`, the CLI mounted on the sets of
//! `cli_fixtures.rs`), against fresh PostgreSQL and SQLite databases: every command, the errors a
//! user acts on, a branch-and-merge workflow, and the proof that `sql` prints what a run executes.

// A failed `unwrap` in a test is the test failing, with the error in the message.
#![allow(clippy::unwrap_used)]

#[path = "support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use migrate_runtime::core::render::Dialect;
use migrate_runtime::{DataConnection, Database, Migrator, Target};

use support::{tables, TestDb};

#[path = "cli_day_two.rs"]
mod day_two;

#[path = "cli_autogenerate.rs"]
mod autogenerate;

#[path = "cli_fixtures.rs"]
mod fixtures;

#[path = "cli_squash.rs"]
mod squash;

/// What one run of `cli-probe` printed.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `cli-probe <set> <args…>` with `DATABASE_URL` set to `db`'s, or unset.
fn probe(set: &str, db: Option<&TestDb>, args: &[&str]) -> Run {
    probe_env(set, db, args, &[])
}

/// [`probe`], with more environment variables set.
fn probe_env(set: &str, db: Option<&TestDb>, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cli-probe"));
    command
        .arg(set)
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("MIGRATE_ALLOW_UNKNOWN")
        .envs(env.iter().copied());
    if let Some(db) = db {
        command.env("DATABASE_URL", &db.url);
    }
    let output = command.output().expect("start cli-probe");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// The stdout of a run that must succeed.
fn ok(set: &str, db: Option<&TestDb>, args: &[&str]) -> String {
    let run = probe(set, db, args);
    assert_eq!(
        run.code,
        Some(0),
        "`cli-probe {set} {}` failed:\n{}",
        args.join(" "),
        run.stderr
    );
    run.stdout
}

/// The stderr of a run that must fail: status 1, nothing on stdout, `error: ` first.
fn fails(set: &str, db: Option<&TestDb>, args: &[&str]) -> String {
    let run = probe(set, db, args);
    assert_eq!(
        run.code,
        Some(1),
        "`cli-probe {set} {}` should fail: {run:?}",
        args.join(" ")
    );
    assert_eq!(run.stdout, "", "a failed command prints nothing on stdout");
    assert!(
        run.stderr.starts_with("error: "),
        "the message starts with `error: `: {}",
        run.stderr
    );
    run.stderr
}

/// The migration ids of `applied …` / `reverted …` lines, checking each line's shape.
fn ran(stdout: &str, verb: &str) -> Vec<String> {
    stdout
        .lines()
        .map(|line| {
            let rest = line
                .strip_prefix(verb)
                .unwrap_or_else(|| panic!("`{line}` does not start with `{verb}`"));
            let mut words = rest.split_whitespace();
            let id = words.next().unwrap().to_owned();
            let time = words.next().unwrap();
            assert!(
                time.ends_with('s'),
                "each line ends with the time taken: `{line}`"
            );
            id
        })
        .collect()
}

fn both() -> [TestDb; 2] {
    [TestDb::postgres(), TestDb::sqlite()]
}

/// A directory that is removed at the end of the test.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "migrate_cli_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }

    /// The path as `new` and `merge` print it: resolved.
    fn shown(&self) -> String {
        std::fs::canonicalize(&self.0)
            .unwrap()
            .display()
            .to_string()
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.0.join(name), text).unwrap();
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.0.join(name)).unwrap()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const CHAIN: [&str; 4] = [
    "0001_create_users",
    "0002_create_posts",
    "0003_add_user_name",
    "0004_create_tags",
];

#[test]
fn upgrade_status_current_and_history_report_what_is_applied() {
    for db in both() {
        let db = Some(&db);
        assert_eq!(
            ok("chain", db, &["status"]),
            "current: base (nothing applied)\npending: 4\n  0001_create_users\n  0002_create_posts\n  0003_add_user_name\n  0004_create_tags\n"
        );
        assert_eq!(ok("chain", db, &["current"]), "base (nothing applied)\n");
        assert_eq!(ran(&ok("chain", db, &["upgrade"]), "applied"), CHAIN);
        assert_eq!(
            ok("chain", db, &["upgrade"]),
            "nothing to apply: the database is at `head` already\n"
        );
        assert_eq!(ok("chain", db, &["current"]), "0004_create_tags\n");
        assert_eq!(
            ok("chain", db, &["current", "--json"]),
            "{\"current\":[\"0004_create_tags\"]}\n"
        );
        assert_eq!(
            ok("chain", db, &["status"]),
            "current: 0004_create_tags\npending: none, the database is up to date\n"
        );
        assert_eq!(
            ok("chain", db, &["status", "--json"]),
            "{\"current\":[\"0004_create_tags\"],\"pending\":[],\"interrupted\":[],\"drifted\":[],\"schema_drift\":[],\"unknown_applied\":[]}\n"
        );

        let history = ok("chain", db, &["history"]);
        let lines: Vec<&str> = history.lines().collect();
        assert_eq!(lines.len(), 4, "{history}");
        for (line, id) in lines.iter().zip(CHAIN) {
            assert!(line.starts_with(&format!("[x] {id} ")), "{line}");
            // applied_at (UTC) and the time the migration took.
            assert!(line.contains("Z ") && line.contains(" ms"), "{line}");
        }
        assert!(lines[3].ends_with("(head)"), "{}", lines[3]);

        let verbose = ok("chain", db, &["history", "--verbose"]);
        assert!(
            verbose.contains("    parents:   0003_add_user_name\n"),
            "{verbose}"
        );
        assert!(verbose.contains("    Posts get tags.\n"), "{verbose}");
        assert!(verbose.contains("    checksum:  "), "{verbose}");

        let json = ok("chain", db, &["history", "--json"]);
        assert!(json.starts_with("{\"history\":[{\"id\":\"0001_create_users\",\"parents\":[],\"head\":false,\"applied\":true,\"applied_at\":\""), "{json}");
        assert!(
            json.contains("\"doc\":\"Posts get tags.\"}],\"unknown_applied\":[]}\n"),
            "{json}"
        );

        // `--quiet` prints nothing, and still does the work.
        assert_eq!(ok("chain", db, &["--quiet", "downgrade", "base"]), "");
        assert_eq!(
            ok("chain", db, &["status", "--json"]),
            "{\"current\":[],\"pending\":[\"0001_create_users\",\"0002_create_posts\",\"0003_add_user_name\",\"0004_create_tags\"],\"interrupted\":[],\"drifted\":[],\"schema_drift\":[],\"unknown_applied\":[]}\n"
        );
        let run = probe("chain", db, &["history"]);
        assert!(
            run.stdout.lines().all(|line| line.starts_with("[ ] ")),
            "{run:?}"
        );
    }
}

#[test]
fn targets_by_prefix_relative_heads_and_base() {
    for db in both() {
        let db = Some(&db);
        assert_eq!(
            ran(&ok("chain", db, &["upgrade", "0002"]), "applied"),
            &CHAIN[..2]
        );
        assert_eq!(
            ran(&ok("chain", db, &["upgrade", "+1"]), "applied"),
            ["0003_add_user_name"]
        );
        assert_eq!(
            ran(&ok("chain", db, &["downgrade", "-1"]), "reverted"),
            ["0003_add_user_name"]
        );
        assert_eq!(
            ran(
                &ok("chain", db, &["downgrade", "0001_create_users"]),
                "reverted"
            ),
            ["0002_create_posts"]
        );
        assert_eq!(
            ran(&ok("chain", db, &["upgrade", "heads"]), "applied"),
            &CHAIN[1..]
        );
        assert_eq!(
            ok("chain", db, &["downgrade", "0004"]),
            "nothing to downgrade: nothing applied is above `0004`\n"
        );
        assert_eq!(
            ran(&ok("chain", db, &["downgrade", "base"]), "reverted"),
            [
                "0004_create_tags",
                "0003_add_user_name",
                "0002_create_posts",
                "0001_create_users"
            ]
        );
    }
}

#[test]
fn unknown_ambiguous_and_misdirected_revisions_say_what_to_use() {
    let db = TestDb::sqlite();
    let db = Some(&db);
    let stderr = fails("chain", db, &["upgrade", "0002_create_psts"]);
    assert_eq!(
        stderr,
        "error: unknown revision \"0002_create_psts\"; did you mean \"0002_create_posts\"?\n  hint: `migrate history` lists every revision\n"
    );
    let stderr = fails("chain", db, &["downgrade", "000"]);
    assert!(
        stderr.starts_with("error: revision \"000\" is ambiguous: it starts 0001_create_users, 0002_create_posts, 0003_add_user_name, 0004_create_tags\n"),
        "{stderr}"
    );
    assert!(fails("chain", db, &["stamp", "0009"]).starts_with("error: unknown revision \"0009\""));
    assert!(
        fails("chain", None, &["sql", "0009:head", "--dialect", "sqlite"])
            .starts_with("error: unknown revision \"0009\"")
    );
    assert_eq!(
        fails("chain", db, &["downgrade", "head"]),
        "error: `head` is not a target for downgrade\n"
    );
    assert_eq!(
        fails("chain", db, &["upgrade", "-1"]),
        "error: `-1` is not a target for upgrade\n"
    );
}

#[test]
fn heads_and_check_need_no_database() {
    assert_eq!(ok("chain", None, &["heads"]), "0004_create_tags\n");
    assert_eq!(
        ok("branches", None, &["heads"]),
        "0002_create_posts\n0003_create_tags\n"
    );
    assert_eq!(
        ok("branches", None, &["heads", "--json"]),
        "{\"heads\":[\"0002_create_posts\",\"0003_create_tags\"]}\n"
    );
    assert_eq!(
        ok("chain", None, &["check"]),
        "graph: 4 migrations, one head (0004_create_tags); their compile-time checks passed when this binary was built\ndatabase: not checked (pass --database-url or set DATABASE_URL to check drift and pending migrations)\n"
    );
    assert_eq!(
        fails("branches", None, &["check"]),
        "error: multiple heads: 0002_create_posts, 0003_create_tags — create a merge migration (`parents: [...]`), or upgrade to `heads`\n  hint: join them with `migrate merge -m \"<message>\" 0002_create_posts 0003_create_tags`, or apply every branch with `migrate upgrade heads`\n"
    );
}

#[test]
fn check_fails_on_pending_migrations_and_on_drift() {
    for database in both() {
        let db = Some(&database);
        assert_eq!(
            fails("chain", db, &["check"]),
            "error: the database is not up to date: 4 pending (0001_create_users, 0002_create_posts, 0003_add_user_name, 0004_create_tags)\n  hint: apply them with `migrate upgrade`\n"
        );
        ok("chain", db, &["upgrade"]);
        assert!(ok("chain", db, &["check"]).ends_with(
            "\ndatabase: 4 applied, no drift, up to date; its schema is the one the migrations build\n"
        ));
        // A change made by hand, outside the migrations, is drift of the schema.
        let url = &database.url;
        migrate_runtime::AnyConnection::establish(url)
            .unwrap()
            .batch_execute("CREATE INDEX ix_by_hand ON users (name)")
            .unwrap();
        assert_eq!(
            fails("chain", db, &["check"]),
            "error: the database's schema is not the one the migrations build:\n  index ix_by_hand (on users (name)) is in the database but no migration builds it\n  hint: write a migration for a change that should stay (`migrate schema` prints what the migrations build), or undo it by hand\n"
        );
        assert!(ok("chain", db, &["status"]).ends_with(
            "schema: not the one the migrations build (`check` fails until a migration or a fix makes them agree):\n  index ix_by_hand (on users (name)) is in the database but no migration builds it\n"
        ));
        migrate_runtime::AnyConnection::establish(url)
            .unwrap()
            .batch_execute("DROP INDEX ix_by_hand")
            .unwrap();
        // A later build edited 0002 after it was applied: `check` and `upgrade` name it.
        for command in ["check", "upgrade"] {
            let stderr = fails("chain_edited", db, &[command]);
            assert!(
                stderr.starts_with(
                    "error: migration 0002_create_posts was edited after it was applied (checksum "
                ),
                "{stderr}"
            );
            assert!(
                stderr.contains("restore it and write a new migration for the change"),
                "{stderr}"
            );
        }
    }
}

/// The checksum `set`'s build has for migration `id`, as `history --json` prints it.
fn checksum(set: &str, db: Option<&TestDb>, id: &str) -> String {
    let json = ok(set, db, &["history", "--json"]);
    let entry = &json[json.find(&format!("{{\"id\":\"{id}\"")).unwrap()..];
    let start = entry.find("\"checksum\":\"").unwrap() + "\"checksum\":\"".len();
    entry[start..start + 64].to_owned()
}

/// `status` reports what `check` and `upgrade` refuse: an applied migration whose recorded
/// checksum is not the one this build has. It reports and succeeds; `check` is the gate.
#[test]
fn status_flags_an_applied_migration_edited_since() {
    for db in both() {
        let db = Some(&db);
        ok("chain", db, &["upgrade"]);
        let recorded = checksum("chain", db, "0002_create_posts");
        let current = checksum("chain_edited", db, "0002_create_posts");
        assert_ne!(recorded, current);
        assert_eq!(
            ok("chain_edited", db, &["status"]),
            format!(
                "current: 0004_create_tags\npending: none\ndrifted: 1 migration was edited after it was applied; restore it and write a new migration for the change, or record an edit the database already has with `migrate repair <id>` (`upgrade` and `check` refuse to run until then)\n  0002_create_posts  checksum {recorded} in the database, {current} in this build\n"
            )
        );
        assert_eq!(
            ok("chain_edited", db, &["status", "--json"]),
            format!(
                "{{\"current\":[\"0004_create_tags\"],\"pending\":[],\"interrupted\":[],\"drifted\":[{{\"id\":\"0002_create_posts\",\"recorded\":\"{recorded}\",\"current\":\"{current}\"}}],\"schema_drift\":[],\"unknown_applied\":[]}}\n"
            )
        );
        // The build that applied them sees no drift.
        assert_eq!(
            ok("chain", db, &["status"]),
            "current: 0004_create_tags\npending: none, the database is up to date\n"
        );
    }
}

#[test]
fn status_and_check_report_an_interrupted_migration_and_what_a_retry_does() {
    let test_db = TestDb::postgres();
    let db = Some(&test_db);
    ok("stepwise", db, &["upgrade", "0001"]);
    let mut conn = test_db.any();
    conn.batch_execute("INSERT INTO items (id, code) VALUES (1, 'a'), (2, NULL), (3, 'c')")
        .unwrap();
    let error = fails("stepwise", db, &["upgrade"]);
    assert!(error.contains("0002_require_item_code"), "{error}");

    let status = ok("stepwise", db, &["status"]);
    assert!(
        status.contains("interrupted:\n  0002_require_item_code (upgrade) stopped after 1 of its "),
        "{status}"
    );
    assert!(
        status.contains("    done: -- in primary-key order, 2 rows a batch, until no row is left: each batch reads the key of its last row\n          --   SELECT CAST(\"id\" AS text) AS a"),
        "{status}"
    );
    assert!(
        status.contains("    next: ALTER TABLE \"items\" ADD CONSTRAINT"),
        "{status}"
    );
    assert!(
        status.contains("    the next upgrade resumes it at step 2 of "),
        "{status}"
    );
    let json = ok("stepwise", db, &["status", "--json"]);
    assert!(
        json.contains("\"interrupted\":[{\"id\":\"0002_require_item_code\",\"direction\":\"upgrade\",\"steps_done\":1,"),
        "{json}"
    );
    let check = fails("stepwise", db, &["check"]);
    assert!(
        check.starts_with("error: a migration run stopped part-way:\n  0002_require_item_code (upgrade) stopped after 1 of its "),
        "{check}"
    );

    // The data fixed, the retry finishes it, and nothing is reported any more.
    conn.batch_execute("UPDATE items SET code = 'b' WHERE id = 2")
        .unwrap();
    assert_eq!(
        ran(&ok("stepwise", db, &["upgrade"]), "applied"),
        ["0002_require_item_code"]
    );
    assert!(!ok("stepwise", db, &["status"]).contains("interrupted"));
    ok("stepwise", db, &["check"]);
}

#[test]
fn schema_prints_what_the_chain_builds_without_a_database() {
    assert_eq!(
        ok("chain", None, &["schema", "0002", "--dialect", "postgres"]),
        concat!(
            "CREATE TABLE \"users\" (\"id\" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL, \"email\" text NOT NULL, CONSTRAINT \"pk_users\" PRIMARY KEY (\"id\"));\n",
            "CREATE TABLE \"posts\" (\"id\" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL, \"user_id\" bigint NOT NULL, \"title\" text NOT NULL, CONSTRAINT \"pk_posts\" PRIMARY KEY (\"id\"));\n",
            "CREATE UNIQUE INDEX \"ix_users_email\" ON \"users\" (\"email\");\n",
            "CREATE INDEX \"ix_posts_user_id\" ON \"posts\" (\"user_id\");\n",
        )
    );
    // At head, 0003 added `users.name`: the diesel module has it, nullable, and says why `tags`
    // (no primary key) is not there.
    let diesel = ok("chain", None, &["schema", "--diesel"]);
    assert!(diesel.contains("    users (id) {\n        id -> Int8,\n        email -> Text,\n        name -> Nullable<Text>,\n    }"), "{diesel}");
    assert!(
        diesel.contains("// `tags` is left out: diesel needs a primary key to name its rows."),
        "{diesel}"
    );
    assert_eq!(
        ok("chain", None, &["schema", "0001", "--json"]),
        "{\"tables\":[{\"name\":\"users\",\"columns\":[{\"name\":\"id\",\"type\":\"bigint\",\"nullable\":false,\"default\":null,\"identity\":true,\"generated\":null},{\"name\":\"email\",\"type\":\"text\",\"nullable\":false,\"default\":null,\"identity\":false,\"generated\":null}],\"primary_key\":[\"id\"]}],\"enums\":[],\"indexes\":[\"create_index(ix_users_email, users(email), unique)\"],\"constraints\":[],\"opaque\":[]}\n"
    );
    assert!(fails("chain", None, &["schema", "0009"]).starts_with("error: unknown revision"));

    // SQLite has no `ADD CONSTRAINT`: foreign keys and checks are declared in `CREATE TABLE`, and
    // the script builds the schema on an empty database.
    for dialect in ["sqlite", "postgres"] {
        let ddl = ok("todo", None, &["schema", "--dialect", dialect]);
        assert!(!ddl.contains("-- rebuild"), "{ddl}");
        let db = match dialect {
            "sqlite" => TestDb::sqlite(),
            _ => TestDb::postgres(),
        };
        db.any().batch_execute(&ddl).unwrap();
        assert_eq!(tables(&mut db.any()), ["tasks", "users"], "{dialect}");
    }
    let sqlite = ok("todo", None, &["schema", "--dialect", "sqlite"]);
    assert!(
        sqlite.contains(r#"CONSTRAINT "fk_todos_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE);"#),
        "{sqlite}"
    );
}

#[test]
fn stamp_adopts_a_database_without_running_anything() {
    for db in both() {
        // A database whose schema was created outside migrate: the script of 0001 and 0002.
        let script = ok(
            "chain",
            None,
            &["sql", "base:0002", "--dialect", db.any().dialect().name()],
        );
        db.any().batch_execute(&script).unwrap();
        let database = db;
        let db = Some(&database);
        assert_eq!(
            ok("chain", db, &["stamp", "0002"]),
            "recorded   0001_create_users (nothing run)\nrecorded   0002_create_posts (nothing run)\n"
        );
        assert_eq!(ok("chain", db, &["current"]), "0002_create_posts\n");
        // The upgrade runs only what the schema lacks.
        assert_eq!(ran(&ok("chain", db, &["upgrade"]), "applied"), &CHAIN[2..]);
        assert_eq!(
            ok("chain", db, &["stamp", "0001"]),
            "unrecorded 0004_create_tags (nothing run)\nunrecorded 0003_add_user_name (nothing run)\nunrecorded 0002_create_posts (nothing run)\n"
        );
        assert_eq!(
            ok("chain", db, &["stamp", "0001"]),
            "nothing to stamp: the version table is at `0001` already\n"
        );
        assert_eq!(
            ok("chain", db, &["stamp", "base"]),
            "unrecorded 0001_create_users (nothing run)\n"
        );
        // Nothing ran: every table is still there.
        let mut conn = database.any();
        for table in ["posts", "tags", "users"] {
            assert!(tables(&mut conn).contains(&table.to_owned()), "{table}");
        }
        assert_eq!(ok("chain", db, &["current"]), "base (nothing applied)\n");
    }
}

#[test]
fn sql_prints_a_range_without_a_database() {
    let up = ok(
        "chain",
        None,
        &["sql", "base:head", "--dialect", "postgres"],
    );
    assert_eq!(
        ok("chain", None, &["sql", "head", "--dialect", "postgres"]),
        up
    );
    assert!(up.starts_with("-- 0001_create_users (upgrade, in one transaction)\n-- op 1: create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id))\nCREATE TABLE \"users\" ("), "{up}");
    let headers = |script: &str| -> Vec<String> {
        script
            .lines()
            .filter(|line| line.starts_with("-- 000"))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(
        headers(&ok(
            "chain",
            None,
            &["sql", "0002:0004", "--dialect", "postgres"]
        )),
        [
            "-- 0003_add_user_name (upgrade, in one transaction)",
            "-- 0004_create_tags (upgrade, in one transaction)"
        ]
    );
    let down = ok(
        "chain",
        None,
        &["sql", "0004:0002", "--dialect", "postgres"],
    );
    assert_eq!(
        down,
        "-- 0004_create_tags (downgrade, in one transaction)\n-- op 1: drop_index(ix_tags_post_id, tags(post_id))\nDROP INDEX \"ix_tags_post_id\";\n-- op 2: drop_table(tags, { post_id: bigint, tag: text })\nDROP TABLE \"tags\";\n\n-- 0003_add_user_name (downgrade, in one transaction)\n-- op 1: drop_column(users, name: text nullable)\nALTER TABLE \"users\" DROP COLUMN \"name\";\n\n"
    );
    assert_eq!(
        ok("chain", None, &["sql", "0003:0003", "--dialect", "sqlite"]),
        "-- nothing to run from 0003:0003\n"
    );
    // The dialect follows the database URL, which `sql` does not connect to.
    let run = Command::new(env!("CARGO_BIN_EXE_cli-probe"))
        .args(["chain", "sql", "0003:0004"])
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/nowhere")
        .output()
        .unwrap();
    assert!(run.status.success());
    assert_eq!(
        String::from_utf8(run.stdout).unwrap(),
        ok(
            "chain",
            None,
            &["sql", "0003:0004", "--dialect", "postgres"]
        )
    );
    assert_eq!(
        fails("chain", None, &["sql", "head"]),
        "error: `sql` needs a dialect: pass --dialect postgres, --dialect mysql or --dialect sqlite\n"
    );
    // An irreversible migration in a downgrade range: no script at all.
    assert_eq!(
        fails("irreversible", None, &["sql", "head:base", "--dialect", "postgres"]),
        "error: migration 0002_add_meh cannot be downgraded: the app stores meh in rows it cannot find again\n"
    );
}

/// A script that leaves steps out is refused, naming each, unless `--allow-partial` is given;
/// then it is printed with those steps as comments, and they are still listed on stderr.
#[test]
fn sql_refuses_a_script_that_leaves_steps_out() {
    let retire = "0008_retire_sessions op 5 `run(up: crate::data::name_blank_accounts, down: migrate_runtime::data::nothing_to_undo)`: a Rust data step: `crate::data::name_blank_accounts` runs as Rust code, which no SQL script holds";
    // A Rust data step, on every dialect (SQLite also rebuilds `sessions` to drop its key).
    let rebuild = "0008_retire_sessions op 1 `drop_foreign_key(fk_sessions_user_id, sessions(user_id), references: users(id), on_delete: cascade)`: SQLite cannot make this change in place: the runtime rebuilds table `sessions`, with statements written from the live table's definition";
    for dialect in ["postgres", "sqlite", "mysql"] {
        let missing = match dialect {
            "sqlite" => format!("2 steps that have no SQL:\n  {rebuild}\n  {retire}"),
            _ => format!("1 step that has no SQL:\n  {retire}"),
        };
        assert_eq!(
            fails("todo", None, &["sql", "0007:0008", "--dialect", dialect]),
            format!(
                "error: the script of 0007:0008 would not do what the migrations do: it leaves out {missing}\n  hint: let `migrate upgrade` (or `downgrade`) run the range; or pass --allow-partial to print the script with these steps as comments, and do them yourself before `migrate stamp`\n"
            )
        );
        let run = probe(
            "todo",
            None,
            &["sql", "0007:0008", "--dialect", dialect, "--allow-partial"],
        );
        assert_eq!(run.code, Some(0), "{run:?}");
        assert!(
            run.stdout.contains(
                "-- op 5: run(up: crate::data::name_blank_accounts, down: migrate_runtime::data::nothing_to_undo)\n-- Rust: crate::data::name_blank_accounts\n"
            ),
            "{}",
            run.stdout
        );
        let (count, it) = match dialect {
            "sqlite" => ("2 steps that have no SQL", "them"),
            _ => ("1 step that has no SQL", "it"),
        };
        assert!(
            run.stderr.starts_with(&format!(
                "warning: the script of 0007:0008 leaves out {count}; run {it} before `migrate stamp`:\n"
            )) && run.stderr.ends_with(&format!("\n  {retire}\n")),
            "{}",
            run.stderr
        );
    }
    // Going down, the step that runs is the `down:`: `nothing_to_undo` needs no SQL.
    let down = ok("todo", None, &["sql", "0008:0007", "--dialect", "postgres"]);
    assert!(
        down.starts_with("-- 0008_retire_sessions (downgrade, in one transaction)\n-- op 1: run(up: migrate_runtime::data::nothing_to_undo, down: crate::data::name_blank_accounts)\n-- Rust: migrate_runtime::data::nothing_to_undo\n-- op 2: create_table(sessions"),
        "{down}"
    );

    // SQLite rebuilds the table for `set_not_null`: missing there, plain SQL on PostgreSQL.
    let sqlite = fails("todo", None, &["sql", "0003:0004", "--dialect", "sqlite"]);
    assert!(
        sqlite.starts_with("error: the script of 0003:0004 would not do what the migrations do: it leaves out 1 step that has no SQL:\n  0004_add_todo_priority op 3 `alter_column(todos, priority, set_not_null)`: SQLite cannot make this change in place: the runtime rebuilds table `todos`, with statements written from the live table's definition\n"),
        "{sqlite}"
    );
    let run = probe(
        "todo",
        None,
        &["sql", "0003:0004", "--dialect", "sqlite", "--allow-partial"],
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout.contains(
            "-- rebuild of table \"todos\" for: alter_column(todos, priority, set_not_null)\n"
        ),
        "{}",
        run.stdout
    );
    assert!(run.stderr.starts_with("warning: the script of 0003:0004 leaves out 1 step that has no SQL; run it before `migrate stamp`:\n  0004_add_todo_priority op 3 "), "{}", run.stderr);

    // A range of SQL only prints the same with or without the flag, and nothing on stderr.
    for (set, range, dialect) in [
        ("todo", "0003:0004", "postgres"),
        ("todo", "0003:0004", "mysql"),
        ("chain", "base:head", "sqlite"),
    ] {
        let plain = probe(set, None, &["sql", range, "--dialect", dialect]);
        let allowed = probe(
            set,
            None,
            &["sql", range, "--dialect", dialect, "--allow-partial"],
        );
        assert_eq!(
            (plain.code, plain.stderr.as_str()),
            (Some(0), ""),
            "{set} {range} {dialect}"
        );
        assert!(plain.stdout.contains(";\n"), "{}", plain.stdout);
        assert_eq!(allowed.stdout, plain.stdout);
        assert_eq!(allowed.stderr, "");
    }
}

/// A connection that records the SQL it is asked to run, delegating everything to `inner`.
struct Recording<C> {
    inner: C,
    statements: Vec<String>,
}

impl<C: Database> Database for Recording<C> {
    fn dialect(&self) -> Dialect {
        self.inner.dialect()
    }
    fn execute(&mut self, sql: &str) -> diesel::QueryResult<usize> {
        self.statements.push(sql.to_owned());
        self.inner.execute(sql)
    }
    fn batch_execute(&mut self, sql: &str) -> diesel::QueryResult<()> {
        self.statements.push(sql.to_owned());
        self.inner.batch_execute(sql)
    }
    fn query_i64(&mut self, sql: &str) -> diesel::QueryResult<Option<i64>> {
        self.inner.query_i64(sql)
    }
    fn query_bool(&mut self, sql: &str) -> diesel::QueryResult<bool> {
        self.inner.query_bool(sql)
    }
    fn query_texts(&mut self, sql: &str) -> diesel::QueryResult<Vec<[Option<String>; 4]>> {
        self.inner.query_texts(sql)
    }
    fn begin(&mut self, sql: Option<&str>) -> diesel::QueryResult<()> {
        self.inner.begin(sql)
    }
    fn commit(&mut self) -> diesel::QueryResult<()> {
        self.inner.commit()
    }
    fn rollback(&mut self) -> diesel::QueryResult<()> {
        self.inner.rollback()
    }
    fn data_connection(&mut self) -> DataConnection<'_> {
        self.inner.data_connection()
    }
}

/// The statements a run sent, each with the `;` the script ends them with, minus the runtime's
/// own bookkeeping: the version and progress tables, `SET`/`RESET` of timeouts, SQLite's
/// `PRAGMA foreign_keys` (the lock is taken with queries, which are not recorded). A step of a
/// non-transactional migration is sent in one batch with its progress record, `<step>; DELETE
/// FROM migrate_progress …`: its part before the record is the step. A backfill sends its batch
/// until no row is updated: consecutive repeats count once, as the script shows it once.
fn executed(recorded: &[String]) -> Vec<String> {
    let bookkeeping = |sql: &str| {
        sql.contains("migrate_versions")
            || sql.contains("migrate_progress")
            || sql.starts_with("SET ")
            || sql.starts_with("RESET ")
            || sql.starts_with("PRAGMA ")
    };
    let mut statements: Vec<String> = Vec::new();
    for sql in recorded {
        let sql = match sql.split_once("; DELETE FROM migrate_progress ") {
            Some((step, _)) => step,
            None => sql,
        };
        if bookkeeping(sql) {
            continue;
        }
        let statement = format!("{sql};");
        if statements.last() != Some(&statement) {
            statements.push(statement);
        }
    }
    statements
}

/// What the script says will run: its statements, with three kinds of step told apart by the
/// comment the script puts before them. `-- only if …` is conditional (dropping an INVALID index
/// a failed concurrent build left; a healthy run never sends it); `-- rebuild of table …` is
/// SQLite's table rebuild, whose statements come from the live table; `-- in primary-key order`
/// is a backfill's walk, whose ranges come from the rows, down to the scan that follows it. A
/// rebuild, or several in a row, and a walk stand for the run of recorded statements up to the
/// script's next one, which must not be empty.
fn expected(script: &str, recorded: &[String]) -> Vec<String> {
    enum Item {
        Sql(String),
        FromTheRun,
    }
    let mut items = Vec::new();
    let (mut statement, mut conditional) = (Vec::new(), false);
    // Inside a walk: `Some(true)` once its last statement, the scan, is next.
    let mut walk: Option<bool> = None;
    for line in script.lines() {
        if let Some(comment) = line.strip_prefix("-- ") {
            if comment.starts_with("rebuild of table") {
                items.push(Item::FromTheRun);
            }
            if comment.starts_with("in primary-key order") {
                items.push(Item::FromTheRun);
                walk = Some(false);
            }
            if walk.is_some() && comment.starts_with("then, while rows written behind the walk") {
                walk = Some(true);
            }
            conditional = comment.starts_with("only if");
            continue;
        }
        if line.is_empty() {
            continue;
        }
        statement.push(line);
        if line.ends_with(';') {
            if walk.is_none() && !conditional {
                items.push(Item::Sql(statement.join("\n")));
            }
            if walk == Some(true) {
                walk = None;
            }
            statement.clear();
            conditional = false;
        }
    }
    let mut resolved = Vec::new();
    let mut at = 0;
    for (index, item) in items.iter().enumerate() {
        match item {
            Item::Sql(sql) => {
                resolved.push(sql.clone());
                at += 1;
            }
            // Rebuilds in a row (two ops on one table) share one run of statements.
            Item::FromTheRun if index > 0 && matches!(items[index - 1], Item::FromTheRun) => {}
            Item::FromTheRun => {
                let next = items[index + 1..].iter().find_map(|item| match item {
                    Item::Sql(sql) => Some(sql),
                    Item::FromTheRun => None,
                });
                let start = at;
                while at < recorded.len() && Some(&recorded[at]) != next {
                    at += 1;
                }
                assert!(at > start, "a table rebuild or a backfill runs statements");
                resolved.extend_from_slice(&recorded[start..at]);
            }
        }
    }
    resolved
}

/// Runs `run` on a recording connection and compares what it sent with `sql <range>`.
fn assert_script_is_what_runs(
    db: &TestDb,
    range: &str,
    run: impl FnOnce(&mut Recording<migrate_runtime::AnyConnection>),
) {
    let mut conn = Recording {
        inner: db.any(),
        statements: Vec::new(),
    };
    let dialect = conn.dialect().name();
    run(&mut conn);
    // The rebuilds and Rust steps are comments: `expected` matches them with what the run sent.
    let script = ok(
        "todo",
        None,
        &["sql", range, "--dialect", dialect, "--allow-partial"],
    );
    let sent = executed(&conn.statements);
    assert!(!sent.is_empty(), "the run sent migration SQL");
    assert_eq!(
        expected(&script, &sent),
        sent,
        "`sql {range} --dialect {dialect}` differs from what the run sent; the script:\n{script}"
    );
}

/// The example app's migrations hold every op family: tables, enums, indexes built concurrently,
/// foreign keys, checks, a backfill over real rows, Rust data steps, renames, raw SQL, and on
/// SQLite the table rebuilds.
#[test]
fn sql_prints_what_the_runtime_executes() {
    let migrator = Migrator::new(&todo_migrations::MIGRATIONS).unwrap();
    for db in both() {
        assert_script_is_what_runs(&db, "base:0003", |conn| {
            migrator
                .upgrade(conn, Target::Revision("0003".into()))
                .unwrap();
        });
        // Rows for the backfill of 0004 to fill, batch after batch.
        db.any()
            .batch_execute(
                "INSERT INTO users (email, name) VALUES ('a@example.com', 'A');
                 INSERT INTO todos (user_id, title) SELECT id, 'one' FROM users;
                 INSERT INTO todos (user_id, title) SELECT id, 'two' FROM users;",
            )
            .unwrap();
        assert_script_is_what_runs(&db, "0003:head", |conn| {
            migrator.upgrade(conn, Target::Head).unwrap();
        });
        // Down to 0005: through 0006's removal of an enum label, which re-creates the type.
        assert_script_is_what_runs(&db, "head:0005", |conn| {
            migrator
                .downgrade(conn, Target::Revision("0005".into()))
                .unwrap();
        });
    }
}

#[test]
fn new_writes_the_next_migration_on_the_head_and_registers_it() {
    let dir = TempDir::new();
    dir.write(
        "lib.rs",
        "//! The migrations.\n\nmod data;\n\nmod m0001_create_users;\nmod m0004_create_tags;\n\nmigrate_runtime::migrations!();\n",
    );
    assert_eq!(
        ok("chain", None, &["new", "-m", "Add due dates to posts!", "--dir", dir.path()]),
        format!(
            "created {0}/m0005_add_due_dates_to_posts.rs (parent 0004_create_tags)\nregistered `mod m0005_add_due_dates_to_posts;` in {0}/lib.rs\n",
            dir.shown()
        )
    );
    assert_eq!(
        dir.read("m0005_add_due_dates_to_posts.rs"),
        "migrate_runtime::migration! {\n    /// Add due dates to posts!\n    id: \"0005_add_due_dates_to_posts\",\n    parent: \"0004_create_tags\",\n    change {\n    }\n}\n"
    );
    assert_eq!(
        dir.read("lib.rs"),
        "//! The migrations.\n\nmod data;\n\nmod m0001_create_users;\nmod m0004_create_tags;\nmod m0005_add_due_dates_to_posts;\n\nmigrate_runtime::migrations!();\n"
    );
    // The build does not have 0005 yet: a second `new` would give it a sibling with its id.
    assert_eq!(
        fails("chain", None, &["new", "-m", "More", "--dir", dir.path()]),
        format!("error: {}/m0005_add_due_dates_to_posts.rs declares migration \"0005_add_due_dates_to_posts\", which this build does not have: rebuild the app (`cargo run` does) before writing the next migration\n", dir.shown())
    );

    // The first migration of a crate has no parent.
    let first = TempDir::new();
    first.write("mod.rs", "migrate_runtime::migrations!();\n");
    ok(
        "empty",
        None,
        &["new", "--message", "Create users", "--dir", first.path()],
    );
    assert_eq!(
        first.read("m0001_create_users.rs"),
        "migrate_runtime::migration! {\n    /// Create users\n    id: \"0001_create_users\",\n    parent: none,\n    change {\n    }\n}\n"
    );
    assert_eq!(
        first.read("mod.rs"),
        "mod m0001_create_users;\nmigrate_runtime::migrations!();\n"
    );

    // In a `migrations/` folder that `migrations!()` discovers, the file is all `new` writes.
    let crate_dir = TempDir::new();
    let discovered = crate_dir.0.join("migrations");
    std::fs::create_dir(&discovered).unwrap();
    let discovered = discovered.to_str().unwrap();
    assert_eq!(
        ok(
            "chain",
            None,
            &["new", "-m", "Add due dates", "--dir", discovered]
        ),
        format!(
            "created {}/migrations/m0005_add_due_dates.rs (parent 0004_create_tags)\n",
            crate_dir.shown()
        )
    );
    let written: Vec<_> = std::fs::read_dir(discovered).unwrap().collect();
    assert_eq!(written.len(), 1);

    // Errors: several heads, no directory, no token in it, nothing to name the file after.
    let stderr = fails("branches", None, &["new", "-m", "x", "--dir", first.path()]);
    assert!(
        stderr.starts_with(
            "error: multiple heads: 0002_create_posts, 0003_create_tags — create a merge migration"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("hint: join them with `migrate merge -m \"<message>\" 0002_create_posts 0003_create_tags`"), "{stderr}");
    assert_eq!(
        fails("chain", None, &["new", "-m", "x"]),
        "error: `new` needs the directory of the migrations: pass --dir <path>, the `migrations/` folder that `migrations!()` discovers (or the directory whose lib.rs or mod.rs declares `migrations!()` and lists `mod` lines)\n"
    );
    let bare = TempDir::new();
    let error = fails("chain", None, &["new", "-m", "x", "--dir", bare.path()]);
    assert!(
        error.ends_with(" is neither a `migrations/` folder nor a directory with a file that declares `migrations!()`: pass --dir <path>, the folder of the migration files\n"),
        "{error}"
    );
    assert_eq!(
        fails("chain", None, &["new", "-m", "?!", "--dir", dir.path()]),
        "error: the message \"?!\" has no letter or digit to name the migration after\n"
    );
}

/// Two branches written from one parent, both applied, joined by a merge migration, then undone
/// across the merge point: on PostgreSQL and SQLite.
#[test]
fn branches_are_applied_merged_and_downgraded_across_the_merge() {
    for database in both() {
        let db = Some(&database);
        assert_eq!(
            ok("branches", db, &["heads"]),
            "0002_create_posts\n0003_create_tags\n"
        );
        let stderr = fails("branches", db, &["upgrade"]);
        assert!(
            stderr.starts_with("error: multiple heads: 0002_create_posts, 0003_create_tags — create a merge migration"),
            "{stderr}"
        );
        assert_eq!(
            ran(&ok("branches", db, &["upgrade", "heads"]), "applied"),
            ["0001_create_users", "0002_create_posts", "0003_create_tags"]
        );
        assert_eq!(
            ok("branches", db, &["current"]),
            "0002_create_posts\n0003_create_tags\n"
        );

        // The merge migration `merge` writes is the one the `merged` build compiled.
        let dir = TempDir::new();
        dir.write("lib.rs", "mod m0001_create_users;\nmod m0002_create_posts;\nmod m0003_create_tags;\nmigrate_runtime::migrations!();\n");
        assert_eq!(
            ok("branches", None, &["merge", "-m", "Merge posts and tags", "0002", "0003_create_tags", "--dir", dir.path()]),
            format!("created {0}/m0004_merge_posts_and_tags.rs (parents 0002_create_posts, 0003_create_tags)\nregistered `mod m0004_merge_posts_and_tags;` in {0}/lib.rs\n", dir.shown())
        );
        assert_eq!(
            dir.read("m0004_merge_posts_and_tags.rs"),
            include_str!("cli_fixtures/m0004_merge_posts_and_tags.rs")
        );

        assert_eq!(
            ok("merged", db, &["status"]),
            "current: 0002_create_posts, 0003_create_tags\npending: 1\n  0004_merge_posts_and_tags\n"
        );
        assert_eq!(
            ran(&ok("merged", db, &["upgrade"]), "applied"),
            ["0004_merge_posts_and_tags"]
        );
        assert_eq!(
            ok("merged", db, &["current"]),
            "0004_merge_posts_and_tags\n"
        );
        let history = ok("merged", db, &["history"]);
        assert!(
            history.lines().next().unwrap().ends_with("(branch point)"),
            "{history}"
        );
        assert!(
            history
                .lines()
                .last()
                .unwrap()
                .ends_with("(head, merge point)"),
            "{history}"
        );
        ok("merged", db, &["check"]);

        // Back across the merge point: to one branch, then below both.
        assert_eq!(
            ran(&ok("merged", db, &["downgrade", "0002"]), "reverted"),
            ["0004_merge_posts_and_tags"]
        );
        assert_eq!(
            ok("merged", db, &["current"]),
            "0002_create_posts\n0003_create_tags\n"
        );
        assert_eq!(
            ran(&ok("merged", db, &["downgrade", "0001"]), "reverted"),
            ["0003_create_tags", "0002_create_posts"]
        );
        assert_eq!(ok("merged", db, &["current"]), "0001_create_users\n");
        assert_eq!(
            ran(&ok("merged", db, &["upgrade"]), "applied"),
            [
                "0002_create_posts",
                "0003_create_tags",
                "0004_merge_posts_and_tags"
            ]
        );
        assert_eq!(
            ran(&ok("merged", db, &["downgrade", "-2"]), "reverted"),
            ["0004_merge_posts_and_tags", "0003_create_tags"]
        );
        let mut conn = database.any();
        assert!(!tables(&mut conn).contains(&"tags".to_owned()));
        assert!(tables(&mut conn).contains(&"posts".to_owned()));
    }
}

#[test]
fn merge_refuses_what_is_not_two_branches() {
    let dir = TempDir::new();
    dir.write("lib.rs", "migrate_runtime::migrations!();\n");
    assert_eq!(
        fails(
            "merged",
            None,
            &["merge", "-m", "x", "0001", "0004", "--dir", dir.path()]
        ),
        "error: nothing to merge: 0001_create_users is an ancestor of 0004_merge_posts_and_tags\n"
    );
    assert_eq!(
        fails(
            "branches",
            None,
            &[
                "merge",
                "-m",
                "x",
                "0002",
                "0002_create_posts",
                "--dir",
                dir.path()
            ]
        ),
        "error: `merge` needs two different revisions; 0002_create_posts is given twice\n"
    );
    assert!(fails(
        "branches",
        None,
        &["merge", "-m", "x", "0002", "0009", "--dir", dir.path()]
    )
    .starts_with("error: unknown revision \"0009\""));
    // clap's own usage errors exit with 2.
    let run = probe("branches", None, &["merge", "-m", "x", "0002"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.starts_with("error: "), "{run:?}");
    assert_eq!(std::fs::read_dir(Path::new(dir.path())).unwrap().count(), 1);
}

#[test]
fn connection_errors_and_a_missing_database_say_what_to_check() {
    let stderr = fails(
        "chain",
        None,
        &[
            "status",
            "--database-url",
            "postgres://postgres:secret@127.0.0.1:1/nowhere",
        ],
    );
    assert!(
        stderr
            .starts_with("error: cannot connect to postgres://postgres:***@127.0.0.1:1/nowhere: "),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "hint: is the server running, and is the URL (--database-url or DATABASE_URL) right?"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("secret"));
    for command in ["upgrade", "current", "history", "status", "stamp head"] {
        let args: Vec<&str> = command.split(' ').collect();
        assert_eq!(
            fails("chain", None, &args),
            format!(
                "error: `{}` needs a database: pass --database-url <url> or set DATABASE_URL\n",
                args[0]
            )
        );
    }
    let run = probe("chain", None, &["upgrade", "--lock-wait", "soon"]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr.contains("`soon` is not a number of seconds"),
        "{run:?}"
    );
}

/// PostgreSQL's advisory lock key, fixed forever so every version of the runtime excludes every
/// other (see `lock.rs`).
const ADVISORY_KEY: i64 = 0x6d69_6772_6174_6531;

#[test]
fn a_lock_held_by_another_instance_times_out_with_lock_wait() {
    for db in both() {
        let mut holder = db.any();
        match holder.dialect() {
            Dialect::Postgres => {
                assert!(holder
                    .query_bool(&format!(
                        "SELECT pg_try_advisory_lock({ADVISORY_KEY}) AS value"
                    ))
                    .unwrap());
            }
            _ => holder.begin(Some("BEGIN IMMEDIATE")).unwrap(),
        }
        for command in ["upgrade", "downgrade base", "stamp head"] {
            let mut args: Vec<&str> = command.split(' ').collect();
            args.extend(["--lock-wait", "0.3"]);
            let run = probe("chain", Some(&db), &args);
            assert_eq!(run.code, Some(1), "{command}: {run:?}");
            assert!(
                run.stderr
                    .contains("another instance holds the migration lock; waiting for it"),
                "{run:?}"
            );
            assert!(
                run.stderr
                    .contains("error: gave up waiting for the migration lock after "),
                "{run:?}"
            );
            assert!(
                run.stderr.contains(
                    "hint: wait for the other instance to finish, or pass a longer --lock-wait"
                ),
                "{run:?}"
            );
            // PostgreSQL says who holds the lock, in the log line and in the error.
            if holder.dialect() == Dialect::Postgres {
                let pid = holder
                    .query_i64("SELECT CAST(pg_backend_pid() AS bigint) AS value")
                    .unwrap()
                    .unwrap();
                let who = format!("PostgreSQL backend pid {pid}, no application_name, from ");
                assert!(
                    run.stderr.contains(&format!("holder={who}"))
                        && run
                            .stderr
                            .contains(&format!("another instance is migrating ({who}")),
                    "{run:?}"
                );
            }
        }
        match holder.dialect() {
            Dialect::Postgres => {
                holder
                    .query_bool(&format!(
                        "SELECT pg_advisory_unlock({ADVISORY_KEY}) AS value"
                    ))
                    .unwrap();
            }
            _ => holder.commit().unwrap(),
        }
        assert_eq!(
            ran(
                &ok("chain", Some(&db), &["upgrade", "--lock-wait", "5"]),
                "applied"
            ),
            CHAIN
        );
    }
}
