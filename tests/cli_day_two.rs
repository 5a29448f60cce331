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
        assert!(run.stdout.ends_with("\ndatabase: 4 applied, no drift, up to date, and 1 applied migration this build does not have (0005_add_post_body); its schema was not compared, which those changed\n"), "{run:?}");
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
