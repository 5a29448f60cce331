//! `migrate squash` on a copy of the example app's migrations crate: the files it writes and
//! deletes, what it says, and the crate built from the result (with cargo, in the shared folder of
//! `tests/discovery.rs`), run against databases the original build migrated and fresh ones.

use std::path::{Path, PathBuf};
use std::process::Command;

use migrate_runtime::core::render::Dialect;
use migrate_runtime::Database;

use super::{fails, ok, probe, TestDb};
use crate::support::schema;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The target folder `tests/discovery.rs` builds its crates in, so dependencies build once.
fn target() -> PathBuf {
    workspace().join("target/discovery/target")
}

/// A copy of `examples/todo-migrations` as a crate of its own, with a binary that upgrades the
/// database its argument names and says what it did.
struct Copy {
    root: PathBuf,
}

impl Copy {
    fn new() -> Copy {
        let root = workspace()
            .join("target/discovery")
            .join(format!("squash_{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("src/migrations")).unwrap();
        let example = workspace().join("examples/todo-migrations");
        for file in ["build.rs", "src/lib.rs", "src/data.rs"] {
            std::fs::copy(example.join(file), root.join(file)).unwrap();
        }
        for entry in std::fs::read_dir(example.join("src/migrations")).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(
                &path,
                root.join("src/migrations").join(path.file_name().unwrap()),
            )
            .unwrap();
        }
        std::fs::copy(workspace().join("Cargo.lock"), root.join("Cargo.lock")).unwrap();
        let runtime = workspace().join("migrate-runtime").canonicalize().unwrap();
        // The example's own manifest, outside the workspace: the same settings, paths instead
        // of workspace inheritance.
        let manifest = format!(
            "[package]\nname = \"todo-migrations\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [package.metadata.migrate]\nschema = \"sqlite\"\ntargets = [\"postgres\", \"sqlite\", \"mysql\"]\n\n\
             [dependencies]\nmigrate-runtime = {{ path = {:?} }}\ndiesel = {{ version = \"2.2\", default-features = false, features = [\"sqlite\"] }}\n\n[workspace]\n",
            runtime.display().to_string()
        );
        std::fs::write(root.join("Cargo.toml"), manifest).unwrap();
        // The binary is the CLI on the squashed migrations, as the example app mounts it.
        std::fs::write(
            root.join("src/main.rs"),
            "fn main() -> std::process::ExitCode {\n    migrate_runtime::cli::main(&todo_migrations::MIGRATIONS)\n}\n",
        )
        .unwrap();
        Copy { root }
    }

    fn migrations(&self) -> PathBuf {
        self.root.join("src/migrations").canonicalize().unwrap()
    }

    /// `cargo build`: a crate that does not build fails the test with the compiler's errors.
    fn build(&self) {
        let output = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--offline"])
            .current_dir(&self.root)
            .env("CARGO_TARGET_DIR", target())
            .env_remove("RUSTFLAGS")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "the squashed crate does not build:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// The built binary run with `args` and `DATABASE_URL` set to `db`'s: whether it succeeded,
    /// its stdout and its stderr.
    fn run(&self, db: &TestDb, args: &[&str]) -> (bool, String, String) {
        let output = Command::new(target().join("debug/todo-migrations"))
            .args(args)
            .env("DATABASE_URL", &db.url)
            .env_remove("MIGRATE_ALLOW_UNKNOWN")
            .output()
            .unwrap();
        (
            output.status.success(),
            String::from_utf8(output.stdout).unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        )
    }

    /// The stdout of a command that must succeed.
    fn ok(&self, db: &TestDb, args: &[&str]) -> String {
        let (success, stdout, stderr) = self.run(db, args);
        assert!(success, "`{}` failed: {stderr}", args.join(" "));
        stdout
    }
}

impl Drop for Copy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

const ORIGINALS: [&str; 8] = [
    "0001_create_users",
    "0002_create_todos",
    "0003_create_sessions",
    "0004_add_todo_priority",
    "0005_index_open_todos",
    "0006_add_archived_status",
    "0007_rename_todos_to_tasks",
    "0008_retire_sessions",
];

#[test]
fn squash_replaces_the_example_chain_and_the_result_builds_and_runs() {
    let copy = Copy::new();
    let dir = copy.migrations();
    let shown = dir.display().to_string();
    let stdout = ok(
        "todo",
        None,
        &[
            "squash",
            "0001:0008",
            "-m",
            "The todo schema",
            "--dir",
            &shown,
        ],
    );
    let mut expected = format!(
        "squashed 8 migrations, 0001_create_users to 0008_retire_sessions, into 0009_the_todo_schema\ncreated {shown}/m0009_the_todo_schema.rs\n"
    );
    for id in ORIGINALS {
        expected.push_str(&format!("deleted {shown}/m{id}.rs\n"));
    }
    expected.push_str(concat!(
        "carried after the schema:\n",
        "  from 0007_rename_todos_to_tasks, verbatim: review it, its SQL may name what a later migration renamed: execute(\"CREATE VIEW open_tasks AS SELECT id, user_id, title, priority, created_at FROM tasks WHERE …\n",
        "not carried (2 steps; do by hand what a new database still needs):\n",
        "  0004_add_todo_priority op 2 `backfill(todos, set: \"priority = 0\", where: \"priority IS NULL\", batch: 5000)`: a backfill: it fills rows a new database does not have, and a database that applied 0004_add_todo_priority ran it already\n",
        "  0008_retire_sessions op 5 `run(up: crate::data::name_blank_accounts, down: migrate_runtime::data::nothing_to_undo)`: a Rust data step (`crate::data::name_blank_accounts`): it changes rows a new database does not have, and a database that applied 0008_retire_sessions ran it already\n",
        "deploy: a new database runs 0009_the_todo_schema alone, and one that applied 0001_create_users to 0008_retire_sessions counts it as applied; a database part-way through them must be upgraded to 0008_retire_sessions by a build that still has them before this one is deployed (this one refuses it)\n",
    ));
    assert_eq!(stdout, expected);
    let left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["m0009_the_todo_schema.rs"]);
    let written = std::fs::read_to_string(dir.join("m0009_the_todo_schema.rs")).unwrap();
    assert!(
        written.starts_with("migrate_runtime::migration! {\n    /// The todo schema\n    ///\n    /// Replaces 0001_create_users to 0008_retire_sessions (`migrate squash`):"),
        "{written}"
    );
    assert!(written.contains("    id: \"0009_the_todo_schema\",\n    parent: none,\n    replaces: [\n        \"0001_create_users\",\n"), "{written}");
    copy.build();

    for (at_head, fresh, part_way) in [
        (TestDb::postgres(), TestDb::postgres(), TestDb::postgres()),
        (TestDb::sqlite(), TestDb::sqlite(), TestDb::sqlite()),
    ] {
        // A database the original build took to head runs nothing and is at the squash.
        ok("todo", Some(&at_head), &["upgrade"]);
        let before = schema(&mut at_head.any());
        assert_eq!(
            copy.ok(&at_head, &["upgrade"]),
            "nothing to apply: the database is at `head` already\n"
        );
        assert_eq!(schema(&mut at_head.any()), before);
        assert_eq!(copy.ok(&at_head, &["current"]), "0009_the_todo_schema\n");
        assert_eq!(
            copy.ok(&at_head, &["check"]),
            "graph: 1 migrations, one head (0009_the_todo_schema); their compile-time checks passed when this binary was built\ndatabase: 1 applied, no drift, up to date; its schema is the one the migrations build\n"
        );
        let history = copy.ok(&at_head, &["history"]);
        assert!(
            history.starts_with("[x] 0009_the_todo_schema  ")
                && history.ends_with("ms  (head)  (recorded as the 8 migrations it replaces)\n"),
            "{history}"
        );
        assert!(copy
            .ok(&at_head, &["history", "--json"])
            .contains(r#""recorded_as":["0001_create_users","0002_create_todos","#));

        // A new one runs the squash alone, and gets the same schema.
        let applied = copy.ok(&fresh, &["upgrade"]);
        assert!(
            applied.starts_with("applied 0009_the_todo_schema "),
            "{applied}"
        );
        let comparable = |db: &TestDb| -> Vec<String> {
            let mut conn = db.any();
            match conn.dialect() {
                // SQLite keeps each statement's text: where a rename rewrote one, it quoted the
                // new name.
                Dialect::Sqlite => schema(&mut conn)
                    .iter()
                    .map(|line| line.replace('"', ""))
                    .collect(),
                _ => schema(&mut conn),
            }
        };
        assert_eq!(comparable(&fresh), comparable(&at_head), "{}", fresh.url);
        assert!(copy
            .ok(&fresh, &["check"])
            .ends_with("database: 1 applied, no drift, up to date; its schema is the one the migrations build\n"));

        // One part-way through the range is refused; the build with the originals finishes it.
        ok("todo", Some(&part_way), &["upgrade", "0005"]);
        let (success, stdout, stderr) = copy.run(&part_way, &["upgrade"]);
        assert!(!success && stdout.is_empty());
        assert_eq!(
            stderr,
            "error: the database applied 5 of the 8 migrations that 0009_the_todo_schema replaces (0001_create_users, 0002_create_todos, 0003_create_sessions, 0004_add_todo_priority, 0005_index_open_todos; not 0006_add_archived_status, 0007_rename_todos_to_tasks, 0008_retire_sessions): this build has only 0009_the_todo_schema, which runs the whole range or nothing; upgrade with a build that still has the migrations 0009_the_todo_schema replaces first (to 0008_retire_sessions at least), then deploy this one\n  hint: if the database already has everything 0009_the_todo_schema builds (the rest was applied by hand), record it with `migrate stamp 0009_the_todo_schema`\n"
        );
        ok("todo", Some(&part_way), &["upgrade"]);
        assert_eq!(
            copy.ok(&part_way, &["upgrade"]),
            "nothing to apply: the database is at `head` already\n"
        );

        // Down and up again: the squash's downgrade, then its own row.
        let reverted = copy.ok(&at_head, &["downgrade", "base"]);
        assert!(
            reverted.starts_with("reverted 0009_the_todo_schema "),
            "{reverted}"
        );
        assert_eq!(copy.ok(&at_head, &["current"]), "base (nothing applied)\n");
        copy.ok(&at_head, &["upgrade"]);
        assert!(copy.ok(&at_head, &["history"]).ends_with("ms  (head)\n"));
    }

    // The ranges it refuses say why, and write nothing.
    let again = Copy::new();
    let shown = again.migrations().display().to_string();
    assert_eq!(
        fails("todo", None, &["squash", "0002:0008", "--dir", &shown]),
        "error: cannot squash 0002_create_todos:0008_retire_sessions: a squash must start at the first migration: 0002_create_todos has parents (0001_create_users), so the squash would run on databases that have rows, where it must do what each migration of the range did (a rename as a rename, a backfill, a data step), which the schema at its end does not say; squash from the first migration\n"
    );
    assert_eq!(
        fails("todo", None, &["squash", "0008", "--dir", &shown]),
        "error: `0008` is not a range to squash: write <from>:<to>, as in 0001:0008\n"
    );
    let run = probe("todo", None, &["squash", "0008:0001", "--dir", &shown]);
    assert_eq!(
        run.stderr,
        "error: cannot squash 0008_retire_sessions:0001_create_users: 0008_retire_sessions is not an ancestor of 0001_create_users: a squash replaces a run of migrations, each the parent of the next, from the first to the last\n"
    );
    assert_eq!(std::fs::read_dir(again.migrations()).unwrap().count(), 8);
}

/// In a directory that lists its migrations with `mod` lines, the lines of the replaced files
/// go and the squash's comes; a file holding more than its migration is not deleted.
#[test]
fn squash_updates_the_mod_lines_of_a_module_list() {
    let dir = super::TempDir::new();
    dir.write(
        "mod.rs",
        "//! The migrations.\n\nmod m0001_create_users;\nmod m0002_create_posts;\nmod m0003_add_user_name;\nmod m0004_create_tags;\n\nmigrate_runtime::migrations!();\n",
    );
    let file = |id: &str| format!("migrate_runtime::migration! {{\n    id: \"{id}\",\n}}\n");
    for id in [
        "0001_create_users",
        "0002_create_posts",
        "0003_add_user_name",
        "0004_create_tags",
    ] {
        dir.write(&format!("m{id}.rs"), &file(id));
    }
    let shown = dir.shown();
    assert_eq!(
        ok("chain", None, &["squash", "0001:0003", "--dir", dir.path()]),
        format!(
            "squashed 3 migrations, 0001_create_users to 0003_add_user_name, into 0005_squash\n\
             created {shown}/m0005_squash.rs\n\
             registered `mod m0005_squash;` in {shown}/mod.rs\n\
             deleted {shown}/m0001_create_users.rs\n\
             deleted {shown}/m0002_create_posts.rs\n\
             deleted {shown}/m0003_add_user_name.rs\n\
             deploy: a new database runs 0005_squash alone, and one that applied 0001_create_users to 0003_add_user_name counts it as applied; a database part-way through them must be upgraded to 0003_add_user_name by a build that still has them before this one is deployed (this one refuses it)\n"
        )
    );
    assert_eq!(
        dir.read("mod.rs"),
        "//! The migrations.\n\nmod m0004_create_tags;\nmod m0005_squash;\n\nmigrate_runtime::migrations!();\n"
    );
    let squash = dir.read("m0005_squash.rs");
    assert!(squash.contains("        create_table(users, {\n            id: bigint identity,\n            email: text,\n            name: text nullable,\n        }, primary_key: pk_users(id));\n"), "{squash}");
    // 0004 still names 0003, which now means the squash: its file is not touched.
    assert_eq!(dir.read("m0004_create_tags.rs"), file("0004_create_tags"));

    // A replaced migration sharing its file with other code: refused, nothing written.
    let shared = super::TempDir::new();
    shared.write(
        "mod.rs",
        "mod m0001_create_users;\nmigrate_runtime::migrations!();\n",
    );
    shared.write(
        "m0001_create_users.rs",
        &format!(
            "{}\nmigrate_runtime::migration! {{ id: \"0002_create_posts\", }}\n",
            file("0001_create_users")
        ),
    );
    assert_eq!(
        fails("chain", None, &["squash", "0001:0002", "--dir", shared.path()]),
        format!("error: {}/m0001_create_users.rs declares migration 0001_create_users and other code: `squash` deletes the file of each migration it replaces, so each must be alone in its file; move the rest out first\n", shared.shown())
    );
    assert!(!shared.0.join("m0003_squash.rs").exists());
}
