//! The safe renderings run on the real server and leave the expected catalog state; the
//! lock_timeout keeps a blocked migration from stalling the application.

use std::time::{Duration, Instant};

use migrate_core::check::{check, Config, DowngradeDef, MigrationDef};
use migrate_core::model::Op;
use migrate_core::CheckId;

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

/// The rules the checker raises for `sql` run as the only op of a migration on existing tables.
fn verdict(sql: &str) -> Vec<CheckId> {
    let def = MigrationDef {
        id: "0002_verdict".into(),
        parents: vec!["0001_base".into()],
        replaces: vec![],
        doc: String::new(),
        upgrade: vec![Op::Execute {
            up: sql.to_owned().into(),
            down: None,
        }],
        downgrade: DowngradeDef::Irreversible("test".into()),
        lock_timeout_ms: None,
        statement_timeout_ms: None,
        waivers: vec![],
        adopted_names: false,
    };
    check(def, &Config::default())
        .1
        .into_iter()
        .map(|diagnostic| diagnostic.check)
        .filter(|check| check.family() == "safety")
        .collect()
}

/// The table-level locks session `pid` holds on `users`.
fn locks_on_users(conn: &mut impl Database, pid: i64) -> Vec<String> {
    texts(
        conn,
        &format!(
            "SELECT mode AS a, NULL AS b, NULL AS c, NULL AS d FROM pg_locks
             WHERE pid = {pid} AND relation = 'users'::regclass AND granted ORDER BY mode"
        ),
    )
}

/// What `constraint_validates_table` claims, on the server: `ADD CONSTRAINT … CHECK` scans every
/// row and holds ACCESS EXCLUSIVE until its transaction ends, so even a read waits; `NOT VALID`
/// skips the scan, and `VALIDATE CONSTRAINT` scans under SHARE UPDATE EXCLUSIVE, beside which
/// writes go on. Locks are read from `pg_locks` while the transaction is held open, and a second
/// session's statements are refused by its `lock_timeout` or pass: no timing is involved.
#[test]
fn a_check_without_not_valid_scans_under_access_exclusive_and_validate_does_not() {
    let add = "ALTER TABLE users ADD CONSTRAINT ck_users_age CHECK (age >= 0)";
    let add_not_valid = "ALTER TABLE users ADD CONSTRAINT ck_users_age CHECK (age >= 0) NOT VALID";
    let validate = "ALTER TABLE users VALIDATE CONSTRAINT ck_users_age";
    assert_eq!(verdict(add), [CheckId::ConstraintValidatesTable]);
    assert_eq!(verdict(add_not_valid), []);
    assert_eq!(verdict(validate), []);

    let db = TestDb::postgres();
    let mut migration = db.pg();
    let mut app = db.pg();
    migration
        .batch_execute("CREATE TABLE users (id bigint PRIMARY KEY, age int); INSERT INTO users VALUES (1, 30), (2, -5)")
        .unwrap();
    let pid = migration
        .query_i64("SELECT CAST(pg_backend_pid() AS bigint) AS value")
        .unwrap()
        .unwrap();
    app.batch_execute("SET lock_timeout = '200ms'").unwrap();

    // The plain add reads every row: the bad one fails it.
    let error = migration.batch_execute(add).unwrap_err().to_string();
    assert!(error.contains("is violated by some row"), "{error}");
    // NOT VALID does not look at the rows.
    migration.batch_execute(add_not_valid).unwrap();
    migration
        .batch_execute(
            "ALTER TABLE users DROP CONSTRAINT ck_users_age; DELETE FROM users WHERE age < 0",
        )
        .unwrap();

    // The plain add holds ACCESS EXCLUSIVE through the scan and until its transaction ends: even
    // a read waits, and gives up at its lock_timeout.
    migration.batch_execute("BEGIN").unwrap();
    migration.batch_execute(add).unwrap();
    assert_eq!(locks_on_users(&mut app, pid), ["AccessExclusiveLock"]);
    let error = app
        .batch_execute("SELECT count(*) FROM users")
        .unwrap_err()
        .to_string();
    assert!(error.contains("lock timeout"), "{error}");
    migration.batch_execute("ROLLBACK").unwrap();

    // NOT VALID, then VALIDATE in a later transaction: the scan holds SHARE UPDATE EXCLUSIVE
    // only, and the application keeps writing.
    migration.batch_execute(add_not_valid).unwrap();
    migration.batch_execute("BEGIN").unwrap();
    migration.batch_execute(validate).unwrap();
    assert_eq!(locks_on_users(&mut app, pid), ["ShareUpdateExclusiveLock"]);
    app.batch_execute(
        "INSERT INTO users VALUES (3, 41); UPDATE users SET age = age + 1 WHERE id = 1",
    )
    .unwrap();
    migration.batch_execute("COMMIT").unwrap();
    assert!(migration
        .query_bool(
            "SELECT convalidated AS value FROM pg_constraint WHERE conname = 'ck_users_age'"
        )
        .unwrap());
}

/// Raw `CREATE INDEX CONCURRENTLY` is accepted by PostgreSQL only outside a transaction block,
/// even the implicit one of statements sent together: the migration runs each statement on its
/// own, and the indexes end valid; the downgrade drops them the same way.
#[test]
fn raw_concurrent_statements_run_outside_a_transaction() {
    let db = TestDb::postgres();
    let mut conn = db.pg();
    let migrator = Migrator::new(&fixtures::raw_concurrent::MIGRATIONS).unwrap();
    migrator.upgrade(&mut conn, Target::Head).unwrap();
    let valid = texts(
        &mut conn,
        "SELECT c.relname AS a, CAST(i.indisvalid AS text) AS b, NULL AS c, NULL AS d
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
         WHERE i.indrelid = 'items'::regclass ORDER BY c.relname",
    );
    assert_eq!(valid, ["ix_items_code_lower true", "ix_items_id true"]);
    migrator.downgrade(&mut conn, Target::Relative(-1)).unwrap();
    let left = texts(
        &mut conn,
        "SELECT c.relname AS a, NULL AS b, NULL AS c, NULL AS d FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'items'::regclass",
    );
    assert_eq!(left, Vec::<String>::new());
}
