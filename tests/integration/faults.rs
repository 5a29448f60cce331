//! What an operator does to a database and what a run leaves when it stops part-way: rows deleted
//! by hand, a dropped version table, interrupted step-by-step migrations (edited before the retry,
//! with a data step, with a failing `VALIDATE` on the way down), and connection URLs that are not
//! databases. Each test is the regression test of one way the runtime used to lose or misreport.

use diesel::RunQueryDsl;
use migrate_runtime::{
    AnyConnection, DataConnection, Database, Direction, Error, Migrator, Target,
};

use crate::fixtures;
use crate::support::TestDb;

/// A step-by-step migration (a backfill makes it one) with a Rust data step that counts its runs
/// and refuses to finish while `gate` is empty, so a test can make it fail and then succeed.
pub mod gated {
    migrate_runtime::migrations! {
        pub mod data {
            use super::super::*;

            pub fn record_run(conn: &mut DataConnection<'_>) -> Result<(), migrate_runtime::BoxError> {
                let DataConnection::Postgres(conn) = conn else {
                    return Err("this fixture runs on PostgreSQL".into());
                };
                diesel::sql_query("INSERT INTO runs (note) VALUES ('ran')").execute(*conn)?;
                let open: Vec<Count> =
                    diesel::sql_query("SELECT count(*) AS value FROM gate").load(*conn)?;
                if open.first().map_or(0, |count| count.value) == 0 {
                    return Err("the gate is closed".into());
                }
                Ok(())
            }

            pub fn forget_run(conn: &mut DataConnection<'_>) -> Result<(), migrate_runtime::BoxError> {
                let DataConnection::Postgres(conn) = conn else {
                    return Err("this fixture runs on PostgreSQL".into());
                };
                diesel::sql_query("DELETE FROM runs").execute(*conn)?;
                Ok(())
            }

            #[derive(diesel::QueryableByName)]
            struct Count {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                value: i64,
            }
        }

        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_items",
                parent: none,
                change {
                    create_table(items, { id: bigint, flag: integer nullable }, primary_key: pk_items(id));
                    create_table(gate, { id: bigint });
                    create_table(runs, { id: bigint identity, note: text }, primary_key: pk_runs(id));
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_fill_items",
                parent: "0001_create_items",
                upgrade {
                    backfill(items, set: "flag = 1", where: "flag IS NULL", batch: 2);
                    run(up: crate::faults::gated::data::record_run, down: crate::faults::gated::data::forget_run);
                    alter_column(items, flag, set_not_null);
                }
                downgrade {
                    run(up: crate::faults::gated::data::forget_run, down: crate::faults::gated::data::record_run);
                    alter_column(items, flag, drop_not_null);
                }
            }
        }
    }
}

/// A column made nullable, so its downgrade is an online `SET NOT NULL` that NULLs make fail.
pub mod relaxed {
    migrate_runtime::migrations! {
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_people",
                parent: none,
                change { create_table(people, { id: bigint, name: text }, primary_key: pk_people(id)); }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_name_optional",
                parent: "0001_create_people",
                change {
                    #[allow(drop_not_null, reason = "fixture: no code reads people")]
                    alter_column(people, name, drop_not_null);
                }
            }
        }
    }
}

fn count(conn: &mut impl Database, sql: &str) -> i64 {
    conn.query_i64(sql).unwrap().unwrap_or(-1)
}

fn progress_rows(conn: &mut impl Database) -> i64 {
    count(conn, "SELECT count(*) AS value FROM migrate_progress")
}

#[test]
fn a_deleted_version_row_is_refused_instead_of_running_the_migration_again() {
    for db in [TestDb::postgres(), TestDb::sqlite()] {
        let conn = &mut db.any();
        let migrator = Migrator::new(&fixtures::chain::MIGRATIONS).unwrap();
        migrator.upgrade(conn, Target::Head).unwrap();
        conn.batch_execute("DELETE FROM migrate_versions WHERE id = '0002_create_posts'")
            .unwrap();
        let error = migrator.upgrade(conn, Target::Head).unwrap_err();
        let Error::MissingParent { id, parent, stamp } = &error else {
            panic!("{error}")
        };
        assert_eq!(
            (id.as_str(), parent.as_str(), stamp.as_str()),
            (
                "0003_add_user_role",
                "0002_create_posts",
                "0004_rename_title"
            )
        );
        assert!(error
            .to_string()
            .contains("`migrate stamp 0004_rename_title`"));
        // The repair the message names records the row and changes nothing else.
        let stamp = migrator
            .stamp(conn, Target::Revision("0004_rename_title".into()))
            .unwrap();
        assert_eq!(stamp.recorded, ["0002_create_posts"]);
        assert!(stamp.removed.is_empty());
        assert!(migrator.upgrade(conn, Target::Head).unwrap().is_empty());
    }
}

#[test]
fn a_dropped_version_table_suggests_stamp() {
    for db in [TestDb::postgres(), TestDb::sqlite()] {
        let conn = &mut db.any();
        let migrator = Migrator::new(&fixtures::chain::MIGRATIONS).unwrap();
        migrator.upgrade(conn, Target::Head).unwrap();
        conn.batch_execute("DROP TABLE migrate_versions; DROP TABLE migrate_progress")
            .unwrap();
        let error = migrator
            .upgrade(conn, Target::Head)
            .unwrap_err()
            .to_string();
        assert!(error.contains("already exists"), "{error}");
        assert!(
            error.contains("had no version table") && error.contains("migrate stamp"),
            "{error}"
        );
    }
}

/// Fails 0002 in its Rust step (the gate is closed), then opens the gate.
fn interrupt_gated(conn: &mut AnyConnection) -> (Migrator, Error) {
    let migrator = Migrator::new(&gated::MIGRATIONS).unwrap();
    migrator.upgrade(conn, Target::Relative(1)).unwrap();
    conn.batch_execute("INSERT INTO items (id) SELECT generate_series(1, 5)")
        .unwrap();
    let error = migrator.upgrade(conn, Target::Head).unwrap_err();
    (migrator, error)
}

#[test]
fn a_failing_data_step_is_rolled_back_with_its_progress_and_never_repeated() {
    let db = TestDb::postgres();
    let conn = &mut db.any();
    let (migrator, error) = interrupt_gated(conn);
    let Error::Step(step) = &error else {
        panic!("{error}")
    };
    let migrate_runtime::StepError {
        migration,
        op_number,
        outcome,
        ..
    } = &**step;
    assert_eq!((migration.as_str(), *op_number), ("0002_fill_items", 2));
    assert_eq!(
        outcome,
        "it runs step by step: step 1 of 6 completed and is recorded, and the next run resumes at step 2"
    );
    // The data step's own insert was rolled back with it.
    assert_eq!(count(conn, "SELECT count(*) AS value FROM runs"), 0);
    assert_eq!(
        count(conn, "SELECT count(*) AS value FROM items WHERE flag = 1"),
        5
    );

    let interrupted = migrator.interrupted(conn).unwrap();
    assert_eq!(interrupted.len(), 1);
    let first = &interrupted[0];
    assert_eq!(
        (first.id.as_str(), first.direction),
        ("0002_fill_items", Direction::Up)
    );
    assert_eq!(
        (first.steps_done, first.steps_total, first.edited),
        (1, 6, false)
    );
    assert_eq!(
        first.next.as_deref(),
        Some("-- Rust: crate::faults::gated::data::record_run")
    );
    assert_eq!(
        first.retry(),
        "the next upgrade resumes it at step 2 of 6, then records it"
    );

    conn.batch_execute("INSERT INTO gate VALUES (1)").unwrap();
    let applied = migrator.upgrade(conn, Target::Head).unwrap();
    assert_eq!(applied.len(), 1);
    assert_eq!(count(conn, "SELECT count(*) AS value FROM runs"), 1);
    assert_eq!(progress_rows(conn), 0);
    assert!(migrator.interrupted(conn).unwrap().is_empty());
}

#[test]
fn an_interrupted_migration_edited_before_the_retry_is_refused_and_stamp_clears_it() {
    let db = TestDb::postgres();
    let conn = &mut db.any();
    let (migrator, _) = interrupt_gated(conn);
    // The progress was recorded by a build whose 0002 differed from this one.
    conn.batch_execute("UPDATE migrate_progress SET checksum = 'before-the-edit'")
        .unwrap();
    conn.batch_execute("INSERT INTO gate VALUES (1)").unwrap();
    let error = migrator.upgrade(conn, Target::Head).unwrap_err();
    assert!(
        matches!(&error, Error::InterruptedEdited { id, steps_done: 1, .. } if id == "0002_fill_items"),
        "{error}"
    );
    assert_eq!(migrator.current(conn).unwrap(), ["0001_create_items"]);
    assert!(migrator.interrupted(conn).unwrap()[0].edited);

    // The operator finished it by hand, and records it.
    conn.batch_execute("ALTER TABLE items ALTER COLUMN flag SET NOT NULL")
        .unwrap();
    let stamp = migrator.stamp(conn, Target::Head).unwrap();
    assert_eq!(stamp.recorded, ["0002_fill_items"]);
    assert_eq!(progress_rows(conn), 0);
    assert!(migrator.upgrade(conn, Target::Head).unwrap().is_empty());
}

#[test]
fn an_interrupted_upgrade_must_be_finished_before_a_downgrade() {
    let db = TestDb::postgres();
    let conn = &mut db.any();
    let (migrator, _) = interrupt_gated(conn);
    let error = migrator.downgrade(conn, Target::Base).unwrap_err();
    assert!(
        matches!(&error, Error::InterruptedElsewhere { id, direction: "up", .. } if id == "0002_fill_items"),
        "{error}"
    );
    assert!(error
        .to_string()
        .contains("`migrate upgrade 0002_fill_items`"));
    assert_eq!(migrator.current(conn).unwrap(), ["0001_create_items"]);
}

#[test]
fn leftover_progress_rows_never_break_a_later_run() {
    let db = TestDb::postgres();
    let conn = &mut db.any();
    let migrator = Migrator::new(&gated::MIGRATIONS).unwrap();
    migrator.upgrade(conn, Target::Relative(1)).unwrap();
    conn.batch_execute("INSERT INTO gate VALUES (1); INSERT INTO items (id) VALUES (1)")
        .unwrap();
    migrator.upgrade(conn, Target::Head).unwrap();
    // Progress "up" of an applied migration, as an old version or a hand edit could leave it.
    conn.batch_execute(
        "INSERT INTO migrate_progress (id, direction, ops_done) VALUES ('0002_fill_items', 'up', 4)",
    )
    .unwrap();
    assert!(migrator.interrupted(conn).unwrap().is_empty());
    assert_eq!(
        migrator
            .downgrade(conn, Target::Relative(-1))
            .unwrap()
            .len(),
        1
    );
    assert_eq!(progress_rows(conn), 0);
    // Progress "down" of a migration that is not applied.
    conn.batch_execute(
        "INSERT INTO migrate_progress (id, direction, ops_done) VALUES ('0002_fill_items', 'down', 2)",
    )
    .unwrap();
    assert_eq!(migrator.upgrade(conn, Target::Head).unwrap().len(), 1);
    assert_eq!(
        count(conn, "SELECT count(*) AS value FROM items WHERE flag = 1"),
        1
    );
    assert_eq!(progress_rows(conn), 0);
}

#[test]
fn a_downgrade_failing_at_validate_leaves_no_enforced_helper_constraint() {
    let db = TestDb::postgres();
    let conn = &mut db.any();
    let migrator = Migrator::new(&relaxed::MIGRATIONS).unwrap();
    migrator.upgrade(conn, Target::Head).unwrap();
    conn.batch_execute("INSERT INTO people VALUES (1, NULL)")
        .unwrap();
    let error = migrator.downgrade(conn, Target::Base).unwrap_err();
    let Error::Step(step) = &error else {
        panic!("{error}")
    };
    let migrate_runtime::StepError { sql, outcome, .. } = &**step;
    assert!(sql.contains("VALIDATE CONSTRAINT"), "{sql}");
    assert!(
        outcome.contains("nothing it made up is left enforced"),
        "{outcome}"
    );
    assert_eq!(
        count(conn, "SELECT count(*) AS value FROM pg_constraint WHERE conrelid = 'people'::regclass AND contype = 'c'"),
        0
    );
    // The application at this revision can still write NULLs.
    conn.batch_execute("INSERT INTO people VALUES (2, NULL)")
        .unwrap();
    assert_eq!(migrator.current(conn).unwrap(), ["0002_name_optional"]);
    assert_eq!(progress_rows(conn), 0);

    conn.batch_execute("UPDATE people SET name = 'unknown'")
        .unwrap();
    assert_eq!(migrator.downgrade(conn, Target::Base).unwrap().len(), 2);
}

#[test]
fn passwords_never_appear_in_connection_errors() {
    for url in [
        "postgres://postgres:hunter2@127.0.0.1:5432/no_such_database",
        "postgres://postgres@127.0.0.1:5432/no_such_database?password=hunter2",
    ] {
        let error = AnyConnection::establish(url).unwrap_err().to_string();
        assert!(error.contains("no_such_database"), "{error}");
        assert!(!error.contains("hunter2"), "{error}");
    }
}

#[test]
fn a_server_that_never_answers_times_out() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accepts the connection and never says a word.
    let _silent = std::thread::spawn(move || {
        let held: Vec<_> = listener.incoming().take(2).collect();
        std::thread::sleep(std::time::Duration::from_secs(30));
        drop(held);
    });
    let started = std::time::Instant::now();
    let error = AnyConnection::establish(&format!(
        "postgres://postgres@127.0.0.1:{port}/app?connect_timeout=1"
    ))
    .unwrap_err();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "{error}"
    );
    assert!(matches!(error, Error::Connect { .. }), "{error}");
}

#[test]
fn urls_that_name_no_database_are_refused_with_the_form_expected() {
    let missing_dir = std::env::temp_dir()
        .join("migrate_no_such_dir")
        .join("app.db");
    for url in [
        String::new(),
        "postgresql:mydb".to_owned(),
        "mysql:root@127.0.0.1/app".to_owned(),
        "postgress://127.0.0.1/app".to_owned(),
        missing_dir.display().to_string(),
    ] {
        let error = AnyConnection::establish(&url).unwrap_err();
        assert!(
            matches!(error, Error::InvalidUrl { .. }),
            "{url:?}: {error}"
        );
    }
    assert!(
        !missing_dir.parent().unwrap().exists(),
        "nothing was created"
    );
}

/// A batch of a backfill skips a row that a concurrent write changed while the batch waited for
/// it (PostgreSQL re-checks the row, finds it moved, and leaves it to a later batch), and may then
/// update fewer rows than it selected, or none. Here a trigger plays the concurrent writer: the
/// first update of each row is swallowed, kept as it was (`keep`) or skipped (`skip`). The
/// backfill takes more batches than the rows it counted at the start, and must go on while the
/// rows its `where:` matches keep getting fewer, and never stop early while some still match;
/// when every update is swallowed (`never`), it stops with an error once batches make no progress:
/// the walk along the primary key "updates" the 9 rows once, then the scan's batches 12 more.
#[test]
fn a_backfill_goes_on_while_rows_skipped_by_concurrent_writes_remain() {
    for (swallow, returns) in [("keep", "OLD"), ("skip", "NULL"), ("never", "OLD")] {
        let db = TestDb::postgres();
        let mut conn = db.any();
        let migrator = Migrator::new(&fixtures::chain::MIGRATIONS).unwrap();
        migrator
            .upgrade(&mut conn, Target::Revision("0002".into()))
            .unwrap();
        conn.batch_execute(&format!(
            "INSERT INTO users (email) SELECT 'user' || n || '@example.com' FROM generate_series(1, 9) AS n;
             CREATE TABLE attempts (id bigint PRIMARY KEY);
             CREATE FUNCTION swallow_first() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
                 IF {never} OR NOT EXISTS (SELECT 1 FROM attempts WHERE id = OLD.id) THEN
                     INSERT INTO attempts VALUES (OLD.id) ON CONFLICT DO NOTHING;
                     RETURN {returns};
                 END IF;
                 RETURN NEW;
             END $$;
             CREATE TRIGGER swallow_first BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION swallow_first();",
            never = swallow == "never"
        ))
        .unwrap();
        // 0003 adds `role`, backfills it two rows a batch, then requires it.
        let result = migrator.upgrade(&mut conn, Target::Revision("0003".into()));
        if swallow == "never" {
            let error = result.unwrap_err().to_string();
            assert!(
                error.contains("the backfill updated 21 rows for 9 matching at the start, and its `where:` still matches 9 rows after 6 more batches: it must select only rows not yet done"),
                "{error}"
            );
            continue;
        }
        result.unwrap_or_else(|error| panic!("{swallow}: {error}"));
        #[derive(diesel::QueryableByName)]
        struct Members {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            value: i64,
        }
        let members: Vec<Members> =
            diesel::sql_query("SELECT count(*) AS value FROM users WHERE role = 'member'")
                .load(&mut db.pg())
                .unwrap();
        assert_eq!(members[0].value, 9, "{swallow}");
    }
}
