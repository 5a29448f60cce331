//! Generated columns on real servers: computed for the rows a table has when the column is added
//! and for every row written after, never written themselves, and kept through a downgrade to
//! nothing and back; stored ones on every backend, virtual ones where the backend has them.

use migrate_runtime::{AnyConnection, Database, Migrations, Migrator, Target};

use crate::fixtures;
use crate::support::TestDb;

/// `total` and `spread` of line `id`.
fn computed(conn: &mut AnyConnection, id: i64) -> (Option<i64>, Option<i64>) {
    let read = |conn: &mut AnyConnection, column: &str| {
        conn.query_i64(&format!(
            "SELECT {column} AS value FROM items WHERE id = {id}"
        ))
        .unwrap()
    };
    (read(conn, "total"), read(conn, "spread"))
}

fn round_trip(migrations: &Migrations, db: &TestDb) {
    let conn = &mut db.any();
    let dialect = conn.dialect().name();
    let migrator = Migrator::new(migrations).unwrap();
    migrator
        .upgrade(conn, Target::Revision("0001".into()))
        .unwrap();
    conn.batch_execute("INSERT INTO items (id, price, quantity) VALUES (1, 3, 4)")
        .unwrap();
    let total = conn
        .query_i64("SELECT total AS value FROM items WHERE id = 1")
        .unwrap();
    assert_eq!(total, Some(12), "{dialect}: computed on insert");

    // `spread` is added to a table with a row (SQLite rebuilds it for a stored one), then the
    // table is changed again (SQLite rebuilds it with both generated columns in it).
    migrator.upgrade(conn, Target::Head).unwrap();
    assert_eq!(
        computed(conn, 1),
        (Some(12), Some(7)),
        "{dialect}: the existing row has the added column"
    );
    conn.batch_execute("INSERT INTO items (id, price) VALUES (2, 5)")
        .unwrap();
    assert_eq!(
        computed(conn, 2),
        (Some(5), Some(6)),
        "{dialect}: computed from the default"
    );
    conn.batch_execute("UPDATE items SET price = 10 WHERE id = 1")
        .unwrap();
    assert_eq!(
        computed(conn, 1),
        (Some(40), Some(14)),
        "{dialect}: recomputed"
    );
    assert!(
        conn.batch_execute("INSERT INTO items (id, price, quantity, total) VALUES (3, 1, 1, 99)")
            .is_err(),
        "{dialect}: a generated column is never written"
    );

    migrator.downgrade(conn, Target::Base).unwrap();
    migrator.upgrade(conn, Target::Head).unwrap();
    conn.batch_execute("INSERT INTO items (id, price, quantity) VALUES (1, 6, 7)")
        .unwrap();
    assert_eq!(
        computed(conn, 1),
        (Some(42), Some(13)),
        "{dialect}: after a downgrade to nothing and back"
    );
}

#[test]
fn stored_generated_columns_compute_and_survive_a_round_trip() {
    for db in [TestDb::postgres(), TestDb::sqlite(), TestDb::mysql()] {
        round_trip(&fixtures::generated_stored::MIGRATIONS, &db);
    }
}

#[test]
fn virtual_generated_columns_compute_and_survive_a_round_trip() {
    for db in [TestDb::sqlite(), TestDb::mysql()] {
        round_trip(&fixtures::generated_virtual::MIGRATIONS, &db);
    }
}

#[test]
fn postgres_refuses_a_virtual_column_before_the_first_statement() {
    let db = TestDb::postgres();
    let conn = &mut db.any();
    let migrator = Migrator::new(&fixtures::generated_virtual::MIGRATIONS).unwrap();
    let error = migrator.upgrade(conn, Target::Head).unwrap_err();
    assert!(
        error.to_string().contains("virtual generated column"),
        "{error}"
    );
    assert!(crate::support::tables(conn)
        .iter()
        .all(|table| table != "items"));
}
