//! `add_primary_key` and `drop_primary_key` on a table with rows: the key moves, the rows stay,
//! and the downgrade moves it back, on every backend (SQLite by rebuilding the table).

use migrate_runtime::{AnyConnection, Database, Migrator, Target};

use crate::fixtures;
use crate::support::TestDb;

fn count(conn: &mut AnyConnection) -> i64 {
    conn.query_i64("SELECT count(*) AS value FROM accounts")
        .unwrap()
        .unwrap()
}

#[test]
fn the_primary_key_moves_and_moves_back_with_the_rows() {
    for db in [TestDb::postgres(), TestDb::sqlite(), TestDb::mysql()] {
        let conn = &mut db.any();
        let dialect = conn.dialect().name();
        let migrator = Migrator::new(&fixtures::primary_key_change::MIGRATIONS).unwrap();
        migrator
            .upgrade(conn, Target::Revision("0001".into()))
            .unwrap();
        conn.batch_execute("INSERT INTO accounts (id, code) VALUES (1, 'a'), (2, 'b')")
            .unwrap();

        migrator.upgrade(conn, Target::Head).unwrap();
        assert_eq!(count(conn), 2, "{dialect}: the rows survive");
        assert!(
            conn.batch_execute("INSERT INTO accounts (id, code) VALUES (3, 'a')")
                .is_err(),
            "{dialect}: code is the key now"
        );
        conn.batch_execute("INSERT INTO accounts (id, code) VALUES (1, 'c')")
            .unwrap();
        conn.batch_execute("DELETE FROM accounts WHERE code = 'c'")
            .unwrap();

        migrator.downgrade(conn, "-2".parse().unwrap()).unwrap();
        assert_eq!(count(conn), 2, "{dialect}: the rows survive the way back");
        assert!(
            conn.batch_execute("INSERT INTO accounts (id, code) VALUES (1, 'd')")
                .is_err(),
            "{dialect}: id is the key again"
        );
        conn.batch_execute("INSERT INTO accounts (id, code) VALUES (3, 'a')")
            .unwrap();
    }
}
