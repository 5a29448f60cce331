//! `migrations!()` finds the migration files by itself, and cargo rebuilds when one is added: a
//! real crate in a temporary folder, built with cargo after each change to its `src/migrations/`.
//!
//! The crate is built into its own target folder (`target/discovery`), so the first run compiles
//! its dependencies once; later runs reuse them.

// A failed `unwrap` in a test is the test failing, with the error in the message.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A crate whose lib declares `migrations!()` and whose binary prints the migrations it links.
struct Project {
    root: PathBuf,
}

impl Project {
    /// A crate named after the test, with `metadata` as its `[package.metadata.migrate]`.
    fn new(name: &str, metadata: &str) -> Project {
        let root = workspace()
            .join("target/discovery")
            .join(format!("{name}_{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("src/migrations")).unwrap();
        let runtime = workspace().join("migrate-runtime").canonicalize().unwrap();
        let project = Project { root };
        project.write(
            "Cargo.toml",
            &format!(
                "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
                 [dependencies]\nmigrate-runtime = {{ path = {:?} }}\n\n[package.metadata.migrate]\n{metadata}\n\n[workspace]\n",
                runtime.display().to_string()
            ),
        );
        std::fs::copy(
            workspace().join("Cargo.lock"),
            project.root.join("Cargo.lock"),
        )
        .unwrap();
        project.write(
            "build.rs",
            "fn main() {\n    println!(\"cargo:rerun-if-changed=src/migrations\");\n}\n",
        );
        project.write("src/lib.rs", "migrate_runtime::migrations!();\n");
        // Named apart, as the crates share a target folder.
        project.write(
            "src/main.rs",
            &format!("fn main() {{\n    let migrator = migrate_runtime::Migrator::new(&{name}::MIGRATIONS).unwrap();\n    for migration in migrator.migrations() {{\n        println!(\"{{}}\", migration.id);\n    }}\n}}\n"),
        );
        project
    }

    fn write(&self, path: &str, text: &str) {
        std::fs::write(self.root.join(path), text).unwrap();
    }

    fn remove(&self, path: &str) {
        std::fs::remove_file(self.root.join(path)).unwrap();
    }

    /// `cargo run`: the ids the binary links, or the compiler's errors.
    fn run(&self) -> Result<Vec<String>, String> {
        let output = Command::new(env!("CARGO"))
            .args(["run", "--quiet", "--offline"])
            .current_dir(&self.root)
            .env(
                "CARGO_TARGET_DIR",
                workspace().join("target/discovery/target"),
            )
            .env_remove("RUSTFLAGS")
            .output()
            .unwrap();
        if output.status.success() {
            Ok(String::from_utf8(output.stdout)
                .unwrap()
                .lines()
                .map(str::to_owned)
                .collect())
        } else {
            Err(String::from_utf8(output.stderr).unwrap())
        }
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn migration(id: &str, parent: &str, body: &str) -> String {
    format!(
        "migrate_runtime::migration! {{\n    id: \"{id}\",\n    parent: {parent},\n    change {{\n        {body}\n    }}\n}}\n"
    )
}

#[test]
fn files_added_to_the_folder_are_found_and_checked_as_a_chain() {
    let project = Project::new("found", "");
    project.write(
        "src/migrations/m0001_create_users.rs",
        &migration(
            "0001_create_users",
            "none",
            "create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id));",
        ),
    );
    assert_eq!(project.run().unwrap(), ["0001_create_users"]);

    // A new file, with a typo only the chain can see: the build fails, naming the file and line.
    project.write(
        "src/migrations/m0002_add_user_name.rs",
        &format!(
            "// Names are optional.\n{}",
            migration(
                "0002_add_user_name",
                "\"0001_create_users\"",
                "add_column(user, name: text nullable);"
            )
        ),
    );
    let error = project.run().unwrap_err();
    assert!(
        error.contains("error: src/migrations/m0002_add_user_name.rs:2: migration 0002_add_user_name, op 1 `add_column(user, name: text nullable)`: table `user` does not exist at this point of the chain"),
        "{error}"
    );

    // Fixed, it is built in: no `mod` line anywhere.
    project.write(
        "src/migrations/m0002_add_user_name.rs",
        &migration(
            "0002_add_user_name",
            "\"0001_create_users\"",
            "add_column(users, name: text nullable);",
        ),
    );
    assert_eq!(
        project.run().unwrap(),
        ["0001_create_users", "0002_add_user_name"]
    );

    // A parent typo, in a file of its own.
    project.write(
        "src/migrations/m0003_index_user_names.rs",
        &migration(
            "0003_index_user_names",
            "\"0002_add_user_nmae\"",
            "create_index(ix_users_name, users(name), concurrently);",
        ),
    );
    let error = project.run().unwrap_err();
    assert!(
        error.contains("error: src/migrations/m0003_index_user_names.rs:1: migration 0003_index_user_names: parent \"0002_add_user_nmae\" is not a migration of this set [unknown_parent]")
            && error.contains("help: did you mean \"0002_add_user_name\"?"),
        "{error}"
    );
    project.remove("src/migrations/m0003_index_user_names.rs");

    // A file that does not parse is rustc's to report; the chain says nothing of it.
    project.write(
        "src/migrations/m0003_broken.rs",
        "migrate_runtime::migration! {\n    id: \"0003_broken\",\n",
    );
    let error = project.run().unwrap_err();
    assert!(
        error.contains("unclosed delimiter") && !error.contains("holds 0"),
        "{error}"
    );
    project.remove("src/migrations/m0003_broken.rs");

    // Only migrations live in the folder.
    project.write("src/migrations/helpers.rs", "pub fn helper() {}\n");
    let error = project.run().unwrap_err();
    assert!(
        error.contains("src/migrations/helpers.rs holds 0 `migration!`"),
        "{error}"
    );

    // A file with functions of its own is compiled as a module, its data step linked, beside
    // the files `migrations!()` embeds itself.
    project.remove("src/migrations/helpers.rs");
    project.write(
        "src/migrations/m0003_greet_users.rs",
        &format!(
            "use migrate_runtime::{{BoxError, DataConnection}};

             pub fn greet(_: &mut DataConnection<'_>) -> Result<(), BoxError> {{
    Ok(())
}}

{}",
            migration(
                "0003_greet_users",
                "\"0002_add_user_name\"",
                "run(up: self::greet, down: self::greet);"
            )
        ),
    );
    assert_eq!(
        project.run().unwrap(),
        [
            "0001_create_users",
            "0002_add_user_name",
            "0003_greet_users"
        ]
    );

    // An edit of a file already built is seen.
    project.write(
        "src/migrations/m0002_add_user_name.rs",
        &migration(
            "0002_add_user_names",
            "\"0001_create_users\"",
            "add_column(users, name: text nullable);",
        ),
    );
    project.remove("src/migrations/m0003_greet_users.rs");
    assert_eq!(
        project.run().unwrap(),
        ["0001_create_users", "0002_add_user_names"]
    );

    // A build script that watches something else would miss the next edit: refused.
    project.write(
        "build.rs",
        "fn main() {\n    println!(\"cargo:rerun-if-env-changed=PROFILE\");\n}\n",
    );
    let error = project.run().unwrap_err();
    assert!(
        error.contains("build.rs tells cargo when to re-run it (`rerun-if-…`) but does not watch the migrations folder"),
        "{error}"
    );
    project.write(
        "build.rs",
        "fn main() {\n    println!(\"cargo:rerun-if-changed=src/migrations\");\n}\n",
    );

    // And a removed file is gone from the build.
    project.remove("src/migrations/m0002_add_user_name.rs");
    assert_eq!(project.run().unwrap(), ["0001_create_users"]);
}

/// `migrations!()` keeps what it checked in the crate's `OUT_DIR`: an unchanged file is not parsed
/// and checked again, but the chain still is, with the file's waivers.
#[test]
fn unchanged_files_are_taken_from_the_last_build_with_their_waivers() {
    let project = Project::new("cached", "targets = [\"postgres\", \"mysql\"]");
    project.write(
        "src/migrations/m0001_create_users.rs",
        &migration(
            "0001_create_users",
            "none",
            "create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id));",
        ),
    );
    let waived = migration(
        "0002_unique_emails",
        "\"0001_create_users\"",
        "#[allow(mysql_unbounded_key, reason = \"emails are short; a prefix key is added on MySQL\")]\n        add_unique(uq_users_email, users(email));",
    );
    project.write("src/migrations/m0002_unique_emails.rs", &waived);
    assert_eq!(
        project.run().unwrap(),
        ["0001_create_users", "0002_unique_emails"]
    );
    let cache = std::fs::read_dir(workspace().join("target/discovery/target/debug/build"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("cached-")
        })
        .map(|path| path.join("out/migrate-macros.cache"))
        .filter(|path| path.exists())
        .max_by_key(|path| path.metadata().unwrap().modified().unwrap())
        .unwrap();
    let kept = String::from_utf8_lossy(&std::fs::read(&cache).unwrap()).into_owned();
    assert!(kept.contains("m0002_unique_emails.rs"), "{kept}");

    // Another file edited: 0002 comes from the cache, and its waiver still silences the chain's rule.
    project.write(
        "src/migrations/m0001_create_users.rs",
        &format!(
            "// Accounts.\n{}",
            migration(
                "0001_create_users",
                "none",
                "create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id));",
            )
        ),
    );
    assert_eq!(
        project.run().unwrap(),
        ["0001_create_users", "0002_unique_emails"]
    );

    // Without the waiver, the chain's rule is reported again.
    project.write(
        "src/migrations/m0002_unique_emails.rs",
        &waived.replace("#[allow(mysql_unbounded_key, reason = \"emails are short; a prefix key is added on MySQL\")]\n        ", ""),
    );
    let error = project.run().unwrap_err();
    assert!(error.contains("[mysql_unbounded_key]"), "{error}");
}
