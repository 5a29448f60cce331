//! `execute` written per dialect: each backend runs its own text, in both directions, and a
//! backend the set has no SQL for is refused before anything runs.

use migrate_runtime::{AnyConnection, Database, Error, Migrator, Target};

use crate::fixtures;
use crate::support::{tables, TestDb};

fn stamped(conn: &mut AnyConnection, body: &str) -> i64 {
    let sql = format!("SELECT count(*) AS value FROM notes WHERE body = '{body}'");
    conn.query_i64(&sql).unwrap().unwrap()
}

#[test]
fn each_backend_runs_its_own_sql_and_its_own_down() {
    for (db, dialect) in [
        (TestDb::postgres(), "postgres"),
        (TestDb::sqlite(), "sqlite"),
        (TestDb::mysql(), "mysql"),
    ] {
        let conn = &mut db.any();
        let migrator = Migrator::new(&fixtures::per_dialect::MIGRATIONS).unwrap();
        migrator.upgrade(conn, Target::Head).unwrap();
        conn.batch_execute("INSERT INTO notes (body) VALUES ('hello')")
            .unwrap();
        assert_eq!(stamped(conn, &format!("hello [{dialect}]")), 1, "{dialect}");

        migrator.downgrade(conn, "-1".parse().unwrap()).unwrap();
        conn.batch_execute("INSERT INTO notes (body) VALUES ('bye')")
            .unwrap();
        assert_eq!(stamped(conn, "bye"), 1, "{dialect}: the trigger is gone");
        // Up again: the down left nothing in the way.
        migrator.upgrade(conn, Target::Head).unwrap();
    }
}

#[test]
fn a_backend_without_sql_is_refused_before_anything_runs() {
    let migrator = Migrator::new(&fixtures::no_mysql_sql::MIGRATIONS).unwrap();
    let db = TestDb::mysql();
    let conn = &mut db.any();
    let error = migrator.upgrade(conn, Target::Head).unwrap_err();
    assert!(
        error.to_string().contains("has no SQL for mysql"),
        "{error}"
    );
    assert!(matches!(error, Error::Step(_)), "{error:?}");
    assert!(
        !tables(conn).contains(&"notes".to_owned()),
        "{:?}",
        tables(conn)
    );

    let db = TestDb::sqlite();
    let conn = &mut db.any();
    migrator.upgrade(conn, Target::Head).unwrap();
    conn.batch_execute("INSERT INTO notes (body) VALUES ('four')")
        .unwrap();
    assert_eq!(
        conn.query_i64("SELECT length AS value FROM note_lengths")
            .unwrap(),
        Some(4)
    );
}
