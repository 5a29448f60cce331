//! How many statements the runtime sends, counted at the connection: a start-up that finds
//! nothing to do sends one, and each migration a fixed few. A regression guard that counts
//! instead of timing, so it cannot flake.

use std::cell::RefCell;
use std::rc::Rc;

use diesel::QueryResult;
use migrate_runtime::core::render::Dialect;
use migrate_runtime::{AnyConnection, DataConnection, Database, Migrations, Migrator, Target};

use crate::fixtures;
use crate::support::TestDb;

/// A connection that records every statement it is asked to send.
struct Counting {
    inner: AnyConnection,
    sent: Rc<RefCell<Vec<String>>>,
}

impl Counting {
    fn record(&mut self, sql: &str) {
        self.sent.borrow_mut().push(sql.to_owned());
    }
}

impl Database for Counting {
    fn dialect(&self) -> Dialect {
        self.inner.dialect()
    }
    fn execute(&mut self, sql: &str) -> QueryResult<usize> {
        self.record(sql);
        self.inner.execute(sql)
    }
    fn batch_execute(&mut self, sql: &str) -> QueryResult<()> {
        self.record(sql);
        self.inner.batch_execute(sql)
    }
    fn query_i64(&mut self, sql: &str) -> QueryResult<Option<i64>> {
        self.record(sql);
        self.inner.query_i64(sql)
    }
    fn query_bool(&mut self, sql: &str) -> QueryResult<bool> {
        self.record(sql);
        self.inner.query_bool(sql)
    }
    fn query_texts(&mut self, sql: &str) -> QueryResult<Vec<[Option<String>; 4]>> {
        self.record(sql);
        self.inner.query_texts(sql)
    }
    fn begin(&mut self, sql: Option<&str>) -> QueryResult<()> {
        self.record(sql.unwrap_or("BEGIN"));
        self.inner.begin(sql)
    }
    fn commit(&mut self) -> QueryResult<()> {
        self.record("COMMIT");
        self.inner.commit()
    }
    fn rollback(&mut self) -> QueryResult<()> {
        self.record("ROLLBACK");
        self.inner.rollback()
    }
    fn data_connection(&mut self) -> DataConnection<'_> {
        self.inner.data_connection()
    }
}

fn counting(db: &TestDb) -> (Counting, Rc<RefCell<Vec<String>>>) {
    let sent = Rc::new(RefCell::new(Vec::new()));
    let conn = Counting {
        inner: db.any(),
        sent: Rc::clone(&sent),
    };
    (conn, sent)
}

#[test]
fn a_start_up_with_nothing_pending_sends_one_statement() {
    for (db, migrations) in [
        (TestDb::postgres(), &fixtures::chain::MIGRATIONS),
        (TestDb::sqlite(), &fixtures::chain::MIGRATIONS),
        (TestDb::mysql(), &fixtures::portable::MIGRATIONS),
    ] {
        let migrator = Migrator::new(migrations).unwrap();
        let (mut conn, sent) = counting(&db);
        migrator.upgrade(&mut conn, Target::Head).unwrap();
        sent.borrow_mut().clear();
        assert!(migrator
            .upgrade(&mut conn, Target::Head)
            .unwrap()
            .is_empty());
        assert_eq!(sent.borrow().len(), 1, "{}: {:#?}", db.url, sent.borrow());
        let only = &sent.borrow()[0];
        assert!(
            only.starts_with("SELECT ")
                && !only.contains("advisory")
                && only.contains("FROM migrate_versions"),
            "a read of the version table, no lock and no DDL: {only}"
        );
    }
}

/// A database that applied the migrations a squash replaces has rows this build does not have:
/// The one-row digest (PostgreSQL's hash, SQLite's lines) cannot vouch for them, so the start-up
/// reads the rows (a second statement) and still takes no lock.
#[test]
fn a_start_up_on_the_rows_a_squash_replaces_takes_no_lock() {
    for (db, expected) in [(TestDb::postgres(), 2), (TestDb::sqlite(), 2)] {
        let (mut conn, sent) = counting(&db);
        Migrator::new(&fixtures::squash_originals::MIGRATIONS)
            .unwrap()
            .upgrade(&mut conn, Target::Head)
            .unwrap();
        // In an app the squash replaces its migrations in place: the rows are the same owner's.
        conn.batch_execute(&format!(
            "UPDATE migrate_versions SET owner = '{}'",
            fixtures::squashed::MIGRATIONS.module()
        ))
        .unwrap();
        let squashed = Migrator::new(&fixtures::squashed::MIGRATIONS).unwrap();
        sent.borrow_mut().clear();
        assert!(squashed
            .upgrade(&mut conn, Target::Head)
            .unwrap()
            .is_empty());
        let sent = sent.borrow();
        assert_eq!(sent.len(), expected, "{}: {sent:#?}", db.url);
        assert!(
            sent.iter()
                .all(|sql| sql.starts_with("SELECT ") && !sql.contains("advisory")),
            "reads only: {sent:#?}"
        );
    }
}

#[test]
fn anything_unusual_takes_the_locked_path_and_is_reported() {
    let db = TestDb::postgres();
    let migrator = Migrator::new(&fixtures::chain::MIGRATIONS).unwrap();
    let (mut conn, sent) = counting(&db);
    migrator.upgrade(&mut conn, Target::Head).unwrap();
    // Drift is not skipped by the fast path: the locked path finds it and refuses.
    conn.batch_execute(
        "UPDATE migrate_versions SET checksum = 'edited' WHERE id = '0001_create_users'",
    )
    .unwrap();
    sent.borrow_mut().clear();
    let error = migrator.upgrade(&mut conn, Target::Head).unwrap_err();
    assert!(
        matches!(error, migrate_runtime::Error::Drift { .. }),
        "{error}"
    );
    assert!(sent.borrow().len() > 1);
}

/// PostgreSQL, one transactional migration of three ops: the fast-path read, the run's prologue
/// under the lock (lock, version table checked, applied set and progress read), `BEGIN`, the
/// session settings, the ops, the version row, `COMMIT`, and the unlock. Lowering the count is
/// welcome (update the number); raising it fails here first.
#[test]
fn a_transactional_migration_costs_its_ops_and_four_statements() {
    let db = TestDb::postgres();
    let migrator = Migrator::new(&fixtures::chain::MIGRATIONS).unwrap();
    let (mut conn, sent) = counting(&db);
    migrator
        .upgrade(&mut conn, Target::Revision("0001".into()))
        .unwrap();
    sent.borrow_mut().clear();
    let applied = migrator
        .upgrade(&mut conn, Target::Revision("0002".into()))
        .unwrap();
    assert_eq!(applied.len(), 1);
    let ops = migrator.resolve("0002").unwrap().upgrade.len();
    let sent = sent.borrow();
    let begin = sent.iter().position(|sql| sql == "BEGIN").unwrap();
    let commit = sent.iter().position(|sql| sql == "COMMIT").unwrap();
    assert_eq!(commit - begin + 1, ops + 4, "{sent:#?}");
    assert_eq!(sent.len(), 1 + 6 + (ops + 4) + 1, "{sent:#?}");
}

/// MySQL commits each DDL statement, so a migration runs step by step: each step is one round
/// trip (`START TRANSACTION`, the step, its progress record, `COMMIT`), the first carrying the
/// record that the migration started and the last the migration's own row. The run adds what it
/// always does under the lock (session settings, lock, version table, applied set and progress
/// read, the lock wait timeout once, the session restored, unlock).
#[test]
fn on_mysql_each_step_is_one_round_trip() {
    let db = TestDb::mysql();
    let migrator = Migrator::new(&fixtures::portable::MIGRATIONS).unwrap();
    let (mut conn, sent) = counting(&db);
    migrator
        .upgrade(&mut conn, Target::Revision("0001".into()))
        .unwrap();
    sent.borrow_mut().clear();
    migrator
        .upgrade(&mut conn, Target::Revision("0002".into()))
        .unwrap();
    let sent = sent.borrow();
    let steps = sent
        .iter()
        .filter(|sql| sql.starts_with("START TRANSACTION") || sql.contains("; START TRANSACTION;"))
        .count();
    // 0002: add_column, set_not_null and set_default, one round trip each, and a backfill, whose
    // batches commit on their own: it walks the primary key (the key of the batch's last row,
    // the batch of two rows, then the query that finds no row left), and counts what `where:`
    // still matches, since the walk can pass rows a concurrent write put behind it.
    assert_eq!(steps, 3, "{sent:#?}");
    let backfill_batches = sent.iter().filter(|sql| sql.starts_with("UPDATE")).count();
    assert_eq!(backfill_batches, 1, "{sent:#?}");
    // Lowering the count is welcome (update the number); raising it fails here first.
    assert_eq!(sent.len(), 23, "{sent:#?}");
}

/// The start-up check's one query answers for what it cannot see row by row: a migration of this
/// build missing from the database, another app's row, or an interrupted run sends it down the
/// locked path.
#[test]
fn the_one_query_start_up_sees_what_is_missing_foreign_or_interrupted() {
    // PostgreSQL hashes the version table on the server; MySQL's rows are compared in the process.
    let tampers = |first: &str, second: &str, last: &str| {
        [
            format!("DELETE FROM migrate_versions WHERE id = '{last}'"),
            format!("UPDATE migrate_versions SET owner = 'another_app::migrations' WHERE id = '{first}'"),
            format!("UPDATE migrate_versions SET checksum = 'edited' WHERE id = '{second}'"),
            format!("INSERT INTO migrate_progress (id, direction, ops_done, checksum) VALUES ('{last}', 'up', 1, NULL)"),
        ]
    };
    type Case = (fn() -> TestDb, &'static Migrations, [String; 4]);
    let cases: [Case; 2] = [
        (
            TestDb::postgres,
            &fixtures::chain::MIGRATIONS,
            tampers(
                "0001_create_users",
                "0002_create_posts",
                "0004_rename_title",
            ),
        ),
        (
            TestDb::mysql,
            &fixtures::portable::MIGRATIONS,
            tampers(
                "0001_create_users_and_posts",
                "0002_require_user_names",
                "0006_rename_posts",
            ),
        ),
    ];
    for (fresh, migrations, tampers) in cases {
        for tamper in tampers {
            let db = fresh();
            let migrator = Migrator::new(migrations).unwrap();
            let (mut conn, sent) = counting(&db);
            migrator.upgrade(&mut conn, Target::Head).unwrap();
            conn.batch_execute(&tamper).unwrap();
            sent.borrow_mut().clear();
            // Whatever the locked path then decides, it is taken: more than one statement.
            let _ = migrator.upgrade(&mut conn, Target::Head);
            assert!(sent.borrow().len() > 1, "{tamper}: {:?}", sent.borrow());
        }
    }
}

/// On a fresh PostgreSQL database, migrations that only create, or work on tables created earlier
/// in the run, share one transaction, as `psql -1` would run them: one `BEGIN`, one `COMMIT`, the
/// version rows in one round trip, and the plain forms (no other session sees those tables until
/// the commit). Once the tables are committed, the same migrations take the online forms.
#[test]
fn on_a_fresh_database_the_migrations_that_only_create_share_one_transaction() {
    let db = TestDb::postgres();
    let migrator = Migrator::new(&fixtures::online::MIGRATIONS).unwrap();
    let (mut conn, sent) = counting(&db);
    let applied = migrator.upgrade(&mut conn, Target::Head).unwrap();
    assert_eq!(applied.len(), 3);
    assert_eq!(
        conn.query_i64("SELECT count(*) AS value FROM pg_constraint WHERE conrelid IN ('accounts'::regclass, 'orders'::regclass) AND convalidated")
            .unwrap(),
        Some(5),
        "two keys, the foreign key, the check and the unique constraint, all validated"
    );
    let sent = sent.borrow();
    let count = |text: &str| sent.iter().filter(|sql| sql.contains(text)).count();
    assert_eq!(
        (count("BEGIN"), count("COMMIT")),
        (1, 1),
        "one transaction: {sent:#?}"
    );
    for online in [
        "CONCURRENTLY",
        "NOT VALID",
        "VALIDATE",
        "INTO migrate_progress",
    ] {
        assert_eq!(count(online), 0, "{online} in {sent:#?}");
    }
    let records: Vec<&String> = sent
        .iter()
        .filter(|sql| sql.contains("INSERT INTO migrate_versions"))
        .collect();
    assert_eq!(records.len(), 1, "{sent:#?}");
    assert_eq!(
        records[0].matches("INSERT INTO migrate_versions").count(),
        3
    );

    let db = TestDb::postgres();
    let (mut conn, sent) = counting(&db);
    migrator.upgrade(&mut conn, Target::Relative(1)).unwrap();
    migrator.upgrade(&mut conn, Target::Head).unwrap();
    let sent = sent.borrow();
    for online in ["CONCURRENTLY", "NOT VALID", "VALIDATE"] {
        assert!(
            sent.iter().any(|sql| sql.contains(online)),
            "{online} once the tables are committed: {sent:#?}"
        );
    }
}

mod grouped {
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_codes",
            parent: none,
            change { create_table(codes, { id: bigint, code: text }, primary_key: pk_codes(id)); }
        }
    }
    mod m0002 {
        migrate_runtime::migration! {
            id: "0002_unique_codes",
            parent: "0001_create_codes",
            change { add_unique(uq_codes_code, codes(code)); }
        }
    }
    mod m0003 {
        migrate_runtime::migration! {
            id: "0003_seed_codes",
            parent: "0002_unique_codes",
            change { insert_rows(codes, [{ id: 1, code: "a" }, { id: 2, code: "a" }]); }
        }
    }
    migrate_runtime::migrations!();
}

/// A migration that fails in a shared transaction takes the migrations before it in that
/// transaction with it, and the error says so: the database is as before the run, and a retry
/// starts from the first of them.
#[test]
fn a_failure_in_a_shared_transaction_rolls_back_and_names_the_migrations_before_it() {
    let db = TestDb::postgres();
    let migrator = Migrator::new(&grouped::MIGRATIONS).unwrap();
    let mut conn = db.any();
    let error = migrator.upgrade(&mut conn, Target::Head).unwrap_err();
    let migrate_runtime::Error::Step(step) = &error else {
        panic!("{error}")
    };
    assert_eq!(step.migration, "0003_seed_codes");
    assert!(step.message.contains("uq_codes_code"), "{}", step.message);
    assert!(step.completed.is_empty(), "{error}");
    assert!(
        step.outcome
            .contains("0001_create_codes, 0002_unique_codes")
            && step.outcome.contains("rolled back with it"),
        "{}",
        step.outcome
    );
    assert!(migrator.current(&mut conn).unwrap().is_empty());
    assert_eq!(
        conn.query_i64("SELECT count(*) AS value FROM pg_tables WHERE tablename = 'codes'")
            .unwrap(),
        Some(0),
        "the table went with the transaction"
    );
}

mod beside {
    migrate_runtime::migrations! {
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_a",
                parent: none,
                change { create_table(a, { id: bigint }); }
            }
        }
    }
    // Registered in the token's module, but not written inside `migrations! { … }`.
    mod m0002 {
        migrate_runtime::migration! {
            id: "0002_create_b",
            parent: "0001_create_a",
            change { create_table(b, { id: bigint }); }
        }
    }
}

/// `migrations!()` writes what a version table at head reads as, so the start-up decodes nothing;
/// a migration registered in the same module beside it is still part of the set, and pending.
#[test]
fn a_migration_registered_beside_the_macro_is_not_hidden_from_the_start_up() {
    for db in [TestDb::postgres(), TestDb::sqlite()] {
        let migrator = Migrator::new(&beside::MIGRATIONS).unwrap();
        assert_eq!(migrator.migrations().len(), 2);
        let mut conn = db.any();
        migrator
            .upgrade(&mut conn, Target::Revision("0001".into()))
            .unwrap();
        let applied = Migrator::new(&beside::MIGRATIONS)
            .unwrap()
            .upgrade(&mut conn, Target::Head)
            .unwrap();
        assert_eq!(applied.len(), 1, "{}", db.url);
        assert_eq!(applied[0].id, "0002_create_b");
    }
}
