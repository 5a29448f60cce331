//! Upgrade, downgrade, targets, drift and failures, on PostgreSQL and SQLite alike.

use migrate_runtime::{AnyConnection, Database, Error, Migrations, Migrator, Target};

use crate::fixtures;
use crate::support::{schema, tables, TestDb};

fn migrator(migrations: &Migrations) -> Migrator {
    Migrator::new(migrations).expect("a valid graph")
}

fn ids(applied: &[migrate_runtime::Applied]) -> Vec<&str> {
    applied.iter().map(|applied| applied.id.as_str()).collect()
}

/// Runs `test` once on a fresh PostgreSQL database and once on a fresh SQLite one.
fn on_both(test: impl Fn(&mut AnyConnection)) {
    for db in [TestDb::postgres(), TestDb::sqlite()] {
        test(&mut db.any());
    }
}

#[test]
fn upgrade_to_head_on_an_empty_database() {
    on_both(|conn| {
        let migrator = migrator(&fixtures::chain::MIGRATIONS);
        let applied = migrator.upgrade(conn, Target::Head).unwrap();
        assert_eq!(
            ids(&applied),
            [
                "0001_create_users",
                "0002_create_posts",
                "0003_add_user_role",
                "0004_rename_title"
            ]
        );
        assert_eq!(migrator.current(conn).unwrap(), ["0004_rename_title"]);
        assert!(migrator.pending(conn).unwrap().is_empty());
        // A second run finds nothing to do.
        assert!(migrator.upgrade(conn, Target::Head).unwrap().is_empty());
        let recorded: Vec<String> = migrator
            .applied(conn)
            .unwrap()
            .into_iter()
            .map(|row| row.id)
            .collect();
        assert_eq!(recorded.len(), 4);
    });
}

#[test]
fn the_backfill_fills_existing_rows_before_the_column_is_required() {
    on_both(|conn| {
        let migrator = migrator(&fixtures::chain::MIGRATIONS);
        migrator
            .upgrade(conn, Target::Revision("0002".into()))
            .unwrap();
        conn.batch_execute(
            "INSERT INTO users (email) VALUES ('a@x'), ('b@x'), ('c@x'), ('d@x'), ('e@x')",
        )
        .unwrap();
        migrator.upgrade(conn, Target::Head).unwrap();
        let members = conn
            .query_i64("SELECT CAST(count(*) AS bigint) AS value FROM users WHERE role = 'member'")
            .unwrap();
        assert_eq!(members, Some(5));
        // The column is now required.
        assert!(conn
            .batch_execute("INSERT INTO users (email) VALUES ('f@x')")
            .is_err());
    });
}

/// `migrate_runtime::testing::stairway`, the helper users call, on one of our sets.
fn stairway(conn: &mut AnyConnection, migrator: &Migrator, migrations: &Migrations) {
    assert!(!migrator.migrations().is_empty());
    if let Err(failure) = migrate_runtime::testing::stairway(migrations, conn) {
        panic!("{failure}");
    }
}

#[test]
fn stairway_of_the_chain() {
    on_both(|conn| {
        stairway(
            conn,
            &migrator(&fixtures::chain::MIGRATIONS),
            &fixtures::chain::MIGRATIONS,
        )
    });
}

/// The example app's migrations use every op family: each one runs, and undoes, on both databases.
#[test]
fn stairway_of_the_example_app() {
    on_both(|conn| {
        stairway(
            conn,
            &migrator(&todo_migrations::MIGRATIONS),
            &todo_migrations::MIGRATIONS,
        )
    });
}

#[test]
fn downgrade_to_base_leaves_only_the_version_tables() {
    on_both(|conn| {
        let migrator = migrator(&fixtures::chain::MIGRATIONS);
        migrator.upgrade(conn, Target::Head).unwrap();
        let undone = migrator.downgrade(conn, Target::Base).unwrap();
        assert_eq!(
            ids(&undone),
            [
                "0004_rename_title",
                "0003_add_user_role",
                "0002_create_posts",
                "0001_create_users"
            ]
        );
        assert_eq!(tables(conn), ["migrate_progress", "migrate_versions"]);
        assert!(migrator.current(conn).unwrap().is_empty());
    });
}

#[test]
fn relative_and_revision_targets() {
    on_both(|conn| {
        let migrator = migrator(&fixtures::chain::MIGRATIONS);
        assert_eq!(
            ids(&migrator.upgrade(conn, Target::Relative(2)).unwrap()),
            ["0001_create_users", "0002_create_posts"]
        );
        assert_eq!(
            ids(&migrator
                .upgrade(conn, "0003_add_user_role".parse().unwrap())
                .unwrap()),
            ["0003_add_user_role"]
        );
        assert_eq!(
            ids(&migrator.downgrade(conn, Target::Relative(-1)).unwrap()),
            ["0003_add_user_role"]
        );
        // A unique prefix names a revision.
        assert_eq!(
            ids(&migrator
                .upgrade(conn, Target::Revision("0004".into()))
                .unwrap()),
            ["0003_add_user_role", "0004_rename_title"]
        );
        // Downgrading to a revision undoes what came after it, not the revision itself.
        assert_eq!(
            ids(&migrator
                .downgrade(conn, Target::Revision("0002".into()))
                .unwrap()),
            ["0004_rename_title", "0003_add_user_role"]
        );
        assert_eq!(migrator.current(conn).unwrap(), ["0002_create_posts"]);
    });
}

#[test]
fn unknown_and_ambiguous_revisions_are_refused_with_a_hint() {
    on_both(|conn| {
        let migrator = migrator(&fixtures::chain::MIGRATIONS);
        let error = migrator.upgrade(conn, Target::Revision("0003_add_user_rol".into()));
        // A prefix of one id is that id.
        assert!(error.is_ok());
        let error = migrator
            .upgrade(conn, Target::Revision("0003_add_usr_role".into()))
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown revision \"0003_add_usr_role\"; did you mean \"0003_add_user_role\"?"
        );
        let error = migrator
            .upgrade(conn, Target::Revision("000".into()))
            .unwrap_err();
        assert!(matches!(error, Error::AmbiguousRevision { .. }), "{error}");
        let error = migrator.upgrade(conn, Target::Base).unwrap_err();
        assert_eq!(error.to_string(), "`base` is not a target for upgrade");
    });
}

#[test]
fn an_edited_applied_migration_is_drift_and_blocks_upgrades() {
    on_both(|conn| {
        let migrator = migrator(&fixtures::chain::MIGRATIONS);
        migrator.upgrade(conn, Target::Relative(2)).unwrap();
        conn.batch_execute(
            "UPDATE migrate_versions SET checksum = 'edited' WHERE id = '0002_create_posts'",
        )
        .unwrap();
        let error = migrator.upgrade(conn, Target::Head).unwrap_err();
        let Error::Drift {
            id,
            recorded,
            current,
        } = &error
        else {
            panic!("expected drift, got {error}")
        };
        assert_eq!(id, "0002_create_posts");
        assert_eq!(recorded, "edited");
        assert_eq!(current.len(), 64);
        assert!(error
            .to_string()
            .starts_with("migration 0002_create_posts was edited after it was applied"));
        // Nothing ran.
        assert_eq!(migrator.current(conn).unwrap(), ["0002_create_posts"]);
    });
}

#[test]
fn a_database_ahead_of_the_build_is_refused() {
    on_both(|conn| {
        let migrator = migrator(&fixtures::chain::MIGRATIONS);
        migrator.upgrade(conn, Target::Head).unwrap();
        // A newer build of the same migrations recorded one more.
        conn.batch_execute(
            "INSERT INTO migrate_versions (id, checksum, execution_ms, owner) VALUES ('0005_future', 'x', 0, 'integration::fixtures::chain')",
        )
        .unwrap();
        let error = migrator.upgrade(conn, Target::Head).unwrap_err();
        assert!(
            matches!(&error, Error::UnknownApplied { ids, newer_build: true } if ids == &["0005_future"]),
            "{error}"
        );
        assert!(
            error
                .to_string()
                .contains("a newer build of the app applied them: deploy that build"),
            "{error}"
        );
    });
}

/// A deploy rolled back: with `allow_unknown`, the older build plans without the newer
/// migrations, lists them, and refuses to undo anything they may build on.
#[test]
fn allow_unknown_goes_on_without_newer_migrations_and_never_below_them() {
    on_both(|conn| {
        let migrator = migrator(&fixtures::chain::MIGRATIONS);
        migrator.upgrade(conn, Target::Relative(2)).unwrap();
        conn.batch_execute(
            "INSERT INTO migrate_versions (id, checksum, execution_ms, owner) VALUES ('0005_future', 'x', 0, 'integration::fixtures::chain')",
        )
        .unwrap();
        assert_eq!(migrator.unknown_applied(conn).unwrap()[0].id, "0005_future");
        let migrator = migrator.allow_unknown(true);
        assert_eq!(
            ids(&migrator.upgrade(conn, Target::Head).unwrap()),
            ["0003_add_user_role", "0004_rename_title"]
        );
        assert!(migrator.pending(conn).unwrap().is_empty());
        assert_eq!(migrator.current(conn).unwrap(), ["0004_rename_title"]);
        let error = migrator.downgrade(conn, Target::Relative(-1)).unwrap_err();
        assert!(
            matches!(&error, Error::DowngradeBelowUnknown { id, unknown } if id == "0004_rename_title" && unknown == &["0005_future"]),
            "{error}"
        );
        assert_eq!(migrator.current(conn).unwrap(), ["0004_rename_title"]);
        // Not another set's rows, nor an applied migration edited since.
        conn.batch_execute(
            "INSERT INTO migrate_versions (id, checksum, execution_ms, owner) VALUES ('0001_theirs', 'x', 0, 'other_app::migrations')",
        )
        .unwrap();
        let error = migrator.upgrade(conn, Target::Head).unwrap_err();
        assert!(matches!(error, Error::ForeignApplied { .. }), "{error}");
        assert_eq!(
            migrator
                .unknown_applied(conn)
                .unwrap()
                .iter()
                .map(|row| row.id.as_str())
                .collect::<Vec<_>>(),
            ["0005_future"]
        );
        conn.batch_execute(
            "DELETE FROM migrate_versions WHERE id = '0001_theirs';
             UPDATE migrate_versions SET checksum = 'edited' WHERE id = '0002_create_posts'",
        )
        .unwrap();
        let error = migrator.upgrade(conn, Target::Head).unwrap_err();
        assert!(matches!(error, Error::Drift { .. }), "{error}");
    });
}

#[test]
fn another_apps_migrations_in_the_database_are_named_as_such() {
    on_both(|conn| {
        migrator(&fixtures::chain::MIGRATIONS)
            .upgrade(conn, Target::Head)
            .unwrap();
        let error = migrator(&fixtures::fixed::MIGRATIONS)
            .upgrade(conn, Target::Head)
            .unwrap_err();
        let Error::ForeignApplied { owner, ours, ids } = &error else {
            panic!("{error}")
        };
        assert_eq!(owner, "integration::fixtures::chain");
        assert_eq!(ours, "integration::fixtures::fixed");
        assert_eq!(ids.len(), 4);
        assert!(error
            .to_string()
            .contains("two sets of migrations share this database"));
    });
}

#[test]
fn a_shared_id_across_two_sets_is_not_called_an_edit() {
    on_both(|conn| {
        migrator(&fixtures::failing::MIGRATIONS)
            .upgrade(conn, Target::Head)
            .unwrap_err();
        // Another app whose first migration has the same id, recorded in the same table.
        conn.batch_execute(
            "UPDATE migrate_versions SET checksum = 'theirs', owner = 'other_app::migrations';
             INSERT INTO migrate_versions (id, checksum, execution_ms, owner) VALUES ('0002_their_next', 'x', 0, 'other_app::migrations')",
        )
        .unwrap();
        let error = migrator(&fixtures::fixed::MIGRATIONS)
            .upgrade(conn, Target::Head)
            .unwrap_err();
        assert!(
            matches!(&error, Error::SharedId { id, owner, .. } if id == "0001_create_accounts" && owner == "other_app::migrations"),
            "{error}"
        );
        assert!(!error.to_string().contains("edited"), "{error}");
    });
}

#[test]
fn rows_recorded_before_owners_were_may_be_a_newer_build_or_another_app() {
    on_both(|conn| {
        let migrator = migrator(&fixtures::chain::MIGRATIONS);
        migrator.upgrade(conn, Target::Head).unwrap();
        conn.batch_execute(
            "INSERT INTO migrate_versions (id, checksum, execution_ms) VALUES ('0005_future', 'x', 0)",
        )
        .unwrap();
        let error = migrator.upgrade(conn, Target::Head).unwrap_err();
        assert!(
            matches!(
                &error,
                Error::UnknownApplied {
                    newer_build: false,
                    ..
                }
            ),
            "{error}"
        );
        assert!(error
            .to_string()
            .contains("or another set of migrations shares this database"));
    });
}

#[test]
fn migrations_moved_to_another_module_are_still_ours() {
    on_both(|conn| {
        let migrator = migrator(&fixtures::chain::MIGRATIONS);
        migrator.upgrade(conn, Target::Relative(2)).unwrap();
        conn.batch_execute("UPDATE migrate_versions SET owner = 'old_crate::migrations'")
            .unwrap();
        assert_eq!(migrator.upgrade(conn, Target::Head).unwrap().len(), 2);
        // And an edit of one of them is drift, not another app's migration.
        conn.batch_execute(
            "UPDATE migrate_versions SET checksum = 'edited', owner = 'old_crate::migrations' WHERE id = '0001_create_users'",
        )
        .unwrap();
        let error = migrator.upgrade(conn, Target::Head).unwrap_err();
        assert!(matches!(error, Error::Drift { .. }), "{error}");
    });
}

#[test]
fn a_failing_migration_leaves_no_partial_state_and_a_fixed_build_succeeds() {
    on_both(|conn| {
        let error = migrator(&fixtures::failing::MIGRATIONS)
            .upgrade(conn, Target::Head)
            .unwrap_err();
        let Error::Step(step) = &error else {
            panic!("{error}")
        };
        let migrate_runtime::StepError {
            migration,
            op_number,
            op,
            sql,
            message,
            outcome,
            completed,
            ..
        } = &**step;
        assert_eq!(migration, "0002_audit");
        assert_eq!(*op_number, 2);
        assert!(
            op.starts_with("execute(\"INSERT INTO no_such_table"),
            "{op}"
        );
        assert_eq!(sql, "INSERT INTO no_such_table VALUES (1);");
        assert!(
            message.contains("no_such_table"),
            "the server's message is kept: {message}"
        );
        assert!(
            outcome.contains("rolled back: nothing of this migration was kept"),
            "{outcome}"
        );
        assert_eq!(completed, &["0001_create_accounts"]);
        // Migration 1 is applied; migration 2 left nothing behind.
        let migrator = migrator(&fixtures::fixed::MIGRATIONS);
        assert_eq!(migrator.current(conn).unwrap(), ["0001_create_accounts"]);
        assert!(!tables(conn).contains(&"audit".to_owned()));
        // The next build, with the migration fixed, applies it.
        assert_eq!(
            ids(&migrator.upgrade(conn, Target::Head).unwrap()),
            ["0002_audit"]
        );
        assert_eq!(
            conn.query_i64("SELECT CAST(count(*) AS bigint) AS value FROM audit")
                .unwrap(),
            Some(1)
        );
    });
}

/// PostgreSQL refuses `CREATE INDEX CONCURRENTLY` inside a transaction block, so its acceptance
/// proves the migration ran outside one; a failed build's INVALID index is dropped before the retry.
#[test]
fn concurrent_index_runs_outside_a_transaction_and_recovers_from_a_failed_build() {
    let db = TestDb::postgres();
    let mut conn = db.pg();
    let migrator = migrator(&fixtures::concurrent::MIGRATIONS);
    migrator.upgrade(&mut conn, Target::Relative(1)).unwrap();
    conn.batch_execute("INSERT INTO items VALUES (1, 'a'), (2, 'a')")
        .unwrap();

    let error = migrator.upgrade(&mut conn, Target::Head).unwrap_err();
    assert!(
        error.to_string().contains("could not create unique index"),
        "{error}"
    );
    let invalid = "SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'ix_items_code' AND NOT i.indisvalid) AS value";
    assert!(
        conn.query_bool(invalid).unwrap(),
        "the failed build left an INVALID index"
    );

    conn.batch_execute("DELETE FROM items WHERE id = 2")
        .unwrap();
    assert_eq!(
        ids(&migrator.upgrade(&mut conn, Target::Head).unwrap()),
        ["0002_index_item_codes"]
    );
    assert!(!conn.query_bool(invalid).unwrap());
    let valid = "SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'ix_items_code' AND i.indisvalid AND i.indisunique) AS value";
    assert!(conn.query_bool(valid).unwrap());
    // And back: DROP INDEX CONCURRENTLY is accepted too.
    assert_eq!(
        ids(&migrator.downgrade(&mut conn, Target::Relative(-1)).unwrap()),
        ["0002_index_item_codes"]
    );
    assert!(!conn.query_bool(valid).unwrap());
}

#[test]
fn an_irreversible_migration_refuses_to_downgrade_before_anything_runs() {
    mod enums {
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_mood",
                parent: none,
                change { create_enum(mood, ["happy", "sad"]); }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_add_ok",
                parent: "0001_create_mood",
                upgrade { add_enum_value(mood, "ok", after: "happy"); }
                downgrade { irreversible("enum values cannot be removed in PostgreSQL"); }
            }
        }
        migrate_runtime::migrations!();
    }
    on_both(|conn| {
        let migrator = migrator(&enums::MIGRATIONS);
        migrator.upgrade(conn, Target::Head).unwrap();
        let error = migrator.downgrade(conn, Target::Base).unwrap_err();
        assert_eq!(
            error.to_string(),
            "migration 0002_add_ok cannot be downgraded: enum values cannot be removed in PostgreSQL"
        );
        assert_eq!(migrator.current(conn).unwrap(), ["0002_add_ok"]);
    });
}

#[test]
fn schema_snapshot_sees_columns_indexes_and_constraints() {
    on_both(|conn| {
        migrator(&fixtures::chain::MIGRATIONS)
            .upgrade(conn, Target::Head)
            .unwrap();
        let snapshot = schema(conn).join("\n");
        for expected in [
            "headline",
            "ix_users_email",
            "fk_posts_user_id",
            "ck_posts_headline_not_empty",
        ] {
            assert!(
                snapshot.contains(expected),
                "{expected} missing from:\n{snapshot}"
            );
        }
        assert!(!snapshot.contains("migrate_versions"));
    });
}

/// SQLite rebuilds a table to alter a column; dropping the old parent table must not cascade
/// into its children, and foreign keys are enforced again afterwards.
#[test]
fn sqlite_table_rebuild_keeps_the_rows_of_child_tables() {
    let db = TestDb::sqlite();
    let mut conn = db.any();
    let migrator = migrator(&fixtures::rebuild_parent::MIGRATIONS);
    migrator.upgrade(&mut conn, Target::Relative(1)).unwrap();
    conn.batch_execute(
        "INSERT INTO teams VALUES (1, 'a'); INSERT INTO members VALUES (10, 1), (11, 1);",
    )
    .unwrap();
    migrator.upgrade(&mut conn, Target::Head).unwrap();
    assert_eq!(
        conn.query_i64("SELECT count(*) AS value FROM members")
            .unwrap(),
        Some(2)
    );
    conn.batch_execute("INSERT INTO teams (id) VALUES (2)")
        .unwrap();
    let name = conn
        .query_texts("SELECT name AS a, NULL AS b, NULL AS c, NULL AS d FROM teams WHERE id = 2")
        .unwrap();
    assert_eq!(name[0][0].as_deref(), Some("unnamed"));
    assert!(conn
        .query_bool("SELECT foreign_keys = 1 AS value FROM pragma_foreign_keys")
        .unwrap());
    assert!(
        conn.batch_execute("INSERT INTO members VALUES (12, 99)")
            .is_err(),
        "foreign keys are enforced again"
    );
    migrator.downgrade(&mut conn, Target::Base).unwrap();
}

/// A downgrade the compiler cannot check (raw SQL) that forgets what its upgrade made.
mod leaky_downgrade {
    migrate_runtime::migrations! {
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_users",
                parent: none,
                change {
                    create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id));
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_index_lower_emails",
                parent: "0001_create_users",
                change {
                    #[allow(index_not_concurrent, reason = "fixture: a downgrade that forgets its index")]
                    execute("CREATE INDEX ix_users_email_lower ON users (lower(email))", down: "SELECT 1");
                }
            }
        }
    }
}

#[test]
fn the_stairway_names_the_migration_whose_downgrade_leaves_something_behind() {
    on_both(|conn| {
        let failure = migrate_runtime::testing::stairway(&leaky_downgrade::MIGRATIONS, conn)
            .expect_err("the downgrade of 0002 leaves its index");
        assert_eq!(
            failure.migration.as_deref(),
            Some("0002_index_lower_emails")
        );
        assert!(
            failure.to_string().contains(
                "the downgrade does not bring the schema back to what it was before the upgrade"
            ) && failure
                .to_string()
                .contains("index ix_users_email_lower (on users ()) is left after the downgrade"),
            "{failure}"
        );
    });
}

/// A backfill walks the table's primary key, each batch a range of it; a row written behind the
/// walk (here by a trigger, at the update of row 4, with the free key 1) still matches when the
/// walk ends, and the scan's batches that follow do it. `on_progress` hears each batch: the
/// walk's three (rows 2–3, 4–5, then 6, the last fewer than a batch), then the scan's one.
#[test]
fn a_backfill_walks_the_key_then_does_the_rows_written_behind_it() {
    on_both(|conn| {
        let heard = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = std::sync::Arc::clone(&heard);
        let migrator = migrator(&fixtures::chain::MIGRATIONS).on_progress(move |progress| {
            sink.lock()
                .unwrap()
                .push((progress.rows_done, progress.rows_total));
        });
        migrator
            .upgrade(conn, Target::Revision("0002".into()))
            .unwrap();
        conn.batch_execute(
            "INSERT INTO users (email) VALUES ('a@x'), ('b@x'), ('c@x'), ('d@x'), ('e@x'), ('f@x');
             DELETE FROM users WHERE id = 1;",
        )
        .unwrap();
        let writer = match conn.dialect() {
            migrate_runtime::core::render::Dialect::Postgres => {
                "CREATE FUNCTION late() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN
                     INSERT INTO users (id, email) OVERRIDING SYSTEM VALUE VALUES (1, 'late@x');
                     RETURN NULL;
                 END $$;
                 CREATE TRIGGER late AFTER UPDATE ON users FOR EACH ROW WHEN (NEW.id = 4)
                     EXECUTE FUNCTION late();"
            }
            _ => {
                "CREATE TRIGGER late AFTER UPDATE ON users FOR EACH ROW WHEN NEW.id = 4
                 BEGIN INSERT INTO users (id, email) VALUES (1, 'late@x'); END;"
            }
        };
        conn.batch_execute(writer).unwrap();
        // 0003 backfills `role` two rows a batch, then requires it: every row must be done.
        migrator
            .upgrade(conn, Target::Revision("0003".into()))
            .unwrap();
        assert_eq!(*heard.lock().unwrap(), [(2, 5), (4, 5), (5, 5), (6, 5)]);
    });
}

/// `on_progress` hears every batch of a backfill, with the rows done and the rows to do.
#[test]
fn a_backfill_reports_its_progress_batch_by_batch() {
    on_both(|conn| {
        let heard = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = std::sync::Arc::clone(&heard);
        let migrator = migrator(&fixtures::chain::MIGRATIONS).on_progress(move |progress| {
            sink.lock().unwrap().push((
                progress.migration.clone(),
                progress.rows_done,
                progress.rows_total,
            ));
        });
        migrator
            .upgrade(conn, Target::Revision("0002".into()))
            .unwrap();
        conn.batch_execute(
            "INSERT INTO users (email) VALUES ('a@x'), ('b@x'), ('c@x'), ('d@x'), ('e@x')",
        )
        .unwrap();
        migrator
            .upgrade(conn, Target::Revision("0003".into()))
            .unwrap();
        let id = "0003_add_user_role".to_owned();
        assert_eq!(
            *heard.lock().unwrap(),
            [(id.clone(), 2, 5), (id.clone(), 4, 5), (id, 5, 5)]
        );
    });
}
