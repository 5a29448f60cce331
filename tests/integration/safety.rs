//! The safe renderings run on the real server and leave the expected catalog state; the
//! lock_timeout keeps a blocked migration from stalling the application.

use std::time::{Duration, Instant};

use migrate_runtime::{Database, Error, Migrator, Target};

use crate::fixtures;
use crate::support::TestDb;

fn texts(conn: &mut impl Database, sql: &str) -> Vec<String> {
    conn.query_texts(sql)
        .unwrap()
        .into_iter()
        .map(|row| row.iter().flatten().cloned().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn online_constraints_end_validated_with_no_helper_left() {
    let db = TestDb::postgres();
    let mut conn = db.pg();
    let migrator = Migrator::new(&fixtures::online::MIGRATIONS).unwrap();
    migrator.upgrade(&mut conn, Target::Relative(1)).unwrap();
    conn.batch_execute("INSERT INTO accounts VALUES (1, 'a@x', 30), (2, 'b@x', 40); INSERT INTO orders VALUES (10, 1);")
        .unwrap();
    migrator.upgrade(&mut conn, Target::Head).unwrap();

    // Every constraint is validated, and the temporary NOT NULL check is gone.
    let constraints = texts(
        &mut conn,
        "SELECT conname AS a, contype::text AS b, CAST(convalidated AS text) AS c, NULL AS d FROM pg_constraint
         WHERE conrelid IN ('accounts'::regclass, 'orders'::regclass) ORDER BY conname",
    );
    assert_eq!(
        constraints,
        [
            "ck_accounts_age c true",
            "fk_orders_account_id f true",
            "pk_accounts p true",
            "pk_orders p true",
            "uq_accounts_email u true",
        ]
    );
    let not_null = conn
        .query_bool("SELECT attnotnull AS value FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attname = 'age'")
        .unwrap();
    assert!(not_null, "accounts.age is NOT NULL");
    // The unique constraint owns the index built concurrently, under the same name.
    let index = texts(
        &mut conn,
        "SELECT c.relname AS a, CAST(i.indisvalid AS text) AS b, CAST(i.indisunique AS text) AS c, NULL AS d
         FROM pg_constraint k JOIN pg_index i ON i.indexrelid = k.conindid JOIN pg_class c ON c.oid = i.indexrelid
         WHERE k.conname = 'uq_accounts_email'",
    );
    assert_eq!(index, ["uq_accounts_email true true"]);
    // And everything undoes.
    migrator
        .downgrade(&mut conn, Target::Revision("0001".into()))
        .unwrap();
    let left = texts(
        &mut conn,
        "SELECT conname AS a, NULL AS b, NULL AS c, NULL AS d FROM pg_constraint WHERE conrelid IN ('accounts'::regclass, 'orders'::regclass) ORDER BY conname",
    );
    assert_eq!(left, ["pk_accounts", "pk_orders"]);
}

/// NOT VALID then VALIDATE: rows violating the constraint fail the validation, and the
/// migration resumes there once they are fixed.
#[test]
fn a_failed_validation_resumes_after_the_data_is_fixed() {
    let db = TestDb::postgres();
    let mut conn = db.pg();
    let migrator = Migrator::new(&fixtures::online::MIGRATIONS).unwrap();
    migrator.upgrade(&mut conn, Target::Relative(1)).unwrap();
    conn.batch_execute("INSERT INTO accounts VALUES (1, 'a@x', -5)")
        .unwrap();
    let error = migrator.upgrade(&mut conn, Target::Head).unwrap_err();
    let Error::Step(step) = &error else {
        panic!("{error}")
    };
    let migrate_runtime::StepError {
        op_number,
        sql,
        message,
        ..
    } = &**step;
    assert_eq!(*op_number, 2);
    assert_eq!(
        sql,
        "ALTER TABLE \"accounts\" VALIDATE CONSTRAINT \"ck_accounts_age\";"
    );
    assert!(message.contains("violated by some row"), "{message}");

    conn.batch_execute("UPDATE accounts SET age = 5").unwrap();
    let applied = migrator.upgrade(&mut conn, Target::Head).unwrap();
    assert_eq!(applied.len(), 2);
    assert!(conn
        .query_bool(
            "SELECT convalidated AS value FROM pg_constraint WHERE conname = 'ck_accounts_age'"
        )
        .unwrap());
}

/// A long transaction holds a lock on the table: the migration gives up after its lock_timeout
/// instead of queueing every other query behind it, and says why.
#[test]
fn a_blocked_migration_fails_fast_with_its_lock_timeout() {
    let db = TestDb::postgres();
    let migrator = Migrator::new(&fixtures::blocked::MIGRATIONS).unwrap();
    let mut conn = db.pg();
    migrator.upgrade(&mut conn, Target::Relative(1)).unwrap();

    let mut holder = db.pg();
    holder
        .batch_execute("BEGIN; SELECT * FROM events;")
        .unwrap();

    let started = Instant::now();
    let error = migrator.upgrade(&mut conn, Target::Head).unwrap_err();
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(5), "gave up after {waited:?}");
    let Error::Step(step) = &error else {
        panic!("{error}")
    };
    let migrate_runtime::StepError {
        migration, message, ..
    } = &**step;
    assert_eq!(migration, "0002_add_event_kind");
    assert!(message.contains("lock timeout"), "{message}");
    // Other queries were not stalled behind it, and nothing was applied.
    holder.batch_execute("COMMIT").unwrap();
    assert_eq!(migrator.current(&mut conn).unwrap(), ["0001_create_events"]);
    // Once the table is free, the same migration applies.
    assert_eq!(migrator.upgrade(&mut conn, Target::Head).unwrap().len(), 1);
}

/// The online `set_not_null` works through a helper check of its own, whose name no migration can
/// give: a user's check named by the convention (`ck_<table>_<column>_not_null`) stays.
#[test]
fn set_not_null_beside_a_users_own_not_null_check() {
    mod own_check {
        migrate_runtime::migrations! {
            mod m0001 {
                migrate_runtime::migration! {
                    id: "0001_create_users",
                    parent: none,
                    change {
                        create_table(users, { id: bigint, role: text nullable }, primary_key: pk_users(id));
                        add_check(ck_users_role_not_null, users, "role IS NOT NULL OR id < 0");
                    }
                }
            }
            mod m0002 {
                migrate_runtime::migration! {
                    id: "0002_require_roles",
                    parent: "0001_create_users",
                    change { alter_column(users, role, set_not_null); }
                }
            }
        }
    }
    let db = TestDb::postgres();
    let mut conn = db.pg();
    let migrator = Migrator::new(&own_check::MIGRATIONS).unwrap();
    migrator.upgrade(&mut conn, Target::Relative(1)).unwrap();
    conn.batch_execute("INSERT INTO users VALUES (1, 'admin')")
        .unwrap();
    migrator.upgrade(&mut conn, Target::Head).unwrap();
    assert_eq!(
        texts(
            &mut conn,
            "SELECT conname AS a, NULL AS b, NULL AS c, NULL AS d FROM pg_constraint WHERE conrelid = 'users'::regclass ORDER BY conname",
        ),
        ["ck_users_role_not_null", "pk_users"]
    );
}

/// `timestamp` → `timestamptz` keeps the table's file (no rewrite) because the rendering pins the
/// time zone to UTC, even when the session's is another: the values are read as UTC, and the
/// session's zone is back afterwards.
#[test]
fn timestamp_to_timestamptz_does_not_rewrite_the_table() {
    let db = TestDb::postgres();
    let mut conn = db.pg();
    let migrator = Migrator::new(&fixtures::time_zone::MIGRATIONS).unwrap();
    migrator.upgrade(&mut conn, Target::Relative(1)).unwrap();
    conn.batch_execute(
        "SET TIME ZONE 'Asia/Tokyo'; INSERT INTO events VALUES (1, '2026-12-06 10:00:00')",
    )
    .unwrap();
    let file = "SELECT CAST(relfilenode AS bigint) AS value FROM pg_class WHERE relname = 'events'";
    let before = conn.query_i64(file).unwrap();

    migrator.upgrade(&mut conn, Target::Head).unwrap();
    assert_eq!(
        conn.query_i64(file).unwrap(),
        before,
        "the table was rewritten"
    );
    let read = texts(
        &mut conn,
        "SELECT CAST(at AT TIME ZONE 'UTC' AS text) AS a, current_setting('TimeZone') AS b, NULL AS c, NULL AS d FROM events",
    );
    assert_eq!(read, ["2026-12-06 10:00:00 Asia/Tokyo"]);
}

/// What `type_change_rechecks` claims: widening a varchar keeps the table's file, yet PostgreSQL
/// reads every row again to re-check the constraint that names the column.
#[test]
fn a_type_change_without_rewrite_scans_the_table_for_its_checks() {
    let db = TestDb::postgres();
    let mut conn = db.pg();
    let migrator = Migrator::new(&fixtures::rechecks::MIGRATIONS).unwrap();
    migrator.upgrade(&mut conn, Target::Relative(1)).unwrap();
    conn.batch_execute(
        "INSERT INTO users SELECT n, 'user' || n || '@example.com' FROM generate_series(1, 1000) AS n",
    )
    .unwrap();
    let file = "SELECT CAST(relfilenode AS bigint) AS value FROM pg_class WHERE relname = 'users'";
    let rows_read = "SELECT CAST(seq_tup_read AS bigint) AS value FROM pg_stat_user_tables WHERE relname = 'users'";
    let flush = "SELECT pg_stat_force_next_flush() IS NULL AS value";
    conn.query_bool(flush).unwrap();
    let (file_before, read_before) = (
        conn.query_i64(file).unwrap(),
        conn.query_i64(rows_read).unwrap(),
    );

    migrator.upgrade(&mut conn, Target::Head).unwrap();
    conn.query_bool(flush).unwrap();
    assert_eq!(conn.query_i64(file).unwrap(), file_before, "no rewrite");
    let read = conn.query_i64(rows_read).unwrap().unwrap() - read_before.unwrap();
    assert!(
        read >= 1000,
        "the check was verified on every row: {read} rows read"
    );
}
