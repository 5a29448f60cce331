//! A chain modelled on a real multi-year history (`fixtures::history`): it passes the stairway,
//! and rows seeded into the adopted baseline are identical after upgrading, downgrading back to
//! the baseline and upgrading again, on PostgreSQL and SQLite.

use migrate_runtime::testing::stairway;
use migrate_runtime::{AnyConnection, Database, Migrator, Target};

use crate::fixtures;
use crate::support::TestDb;

fn databases() -> [TestDb; 2] {
    [TestDb::postgres(), TestDb::sqlite()]
}

#[test]
fn the_history_passes_the_stairway() {
    for db in databases() {
        let conn = &mut db.any();
        if let Err(failure) = stairway(&fixtures::history::MIGRATIONS, conn) {
            panic!("{}: {failure}", conn.dialect().name());
        }
    }
}

/// Every row of the tables the chain keeps, as text, in a fixed order.
fn rows(conn: &mut AnyConnection) -> Vec<String> {
    let queries = [
        "SELECT 'user' AS a, CAST(id AS text) AS b, email AS c, display_name AS d FROM users ORDER BY id",
        "SELECT 'project' AS a, CAST(id AS text) AS b, name AS c, slug AS d FROM projects ORDER BY id",
        "SELECT 'member' AS a, CAST(user_id AS text) AS b, CAST(project_id AS text) AS c, role AS d FROM memberships ORDER BY user_id, project_id",
        "SELECT 'owner' AS a, CAST(project_id AS text) AS b, CAST(user_id AS text) AS c, NULL AS d FROM project_owners ORDER BY project_id",
        "SELECT 'role' AS a, name AS b, label AS c, NULL AS d FROM roles ORDER BY name",
    ];
    queries
        .iter()
        .flat_map(|sql| conn.query_texts(sql).unwrap())
        .map(|row| format!("{row:?}"))
        .collect()
}

#[test]
fn seeded_rows_are_the_same_after_upgrade_downgrade_and_upgrade_again() {
    for db in databases() {
        let conn = &mut db.any();
        let dialect = conn.dialect().name();
        let migrator = Migrator::new(&fixtures::history::MIGRATIONS).unwrap();
        migrator
            .upgrade(conn, Target::Revision("0001".into()))
            .unwrap();
        conn.batch_execute(
            "INSERT INTO users (email, display_name) VALUES ('ada@example.com', 'Ada'), ('bob@example.com', NULL);
             INSERT INTO projects (owner_id, name) VALUES (1, 'Engine'), (2, 'Loom'), (1, 'Notes');
             INSERT INTO memberships (id, user_id, project_id, role) VALUES (1, 1, 1, 'owner'), (2, 2, 1, 'member'), (3, 2, 2, 'owner');",
        )
        .unwrap();

        migrator.upgrade(conn, Target::Head).unwrap();
        let at_head = rows(conn);
        assert!(
            at_head.contains(
                &r#"[Some("project"), Some("2"), Some("Loom"), Some("loom")]"#.to_owned()
            ),
            "{dialect}: the backfill filled the slugs: {at_head:#?}"
        );
        assert!(
            at_head.contains(&r#"[Some("owner"), Some("3"), Some("1"), None]"#.to_owned()),
            "{dialect}: INSERT … SELECT filled the owners: {at_head:#?}"
        );
        // The trigger of 0003 lowers new emails; the key of 0006 refuses a second membership.
        conn.batch_execute("INSERT INTO users (email) VALUES ('Cy@Example.com')")
            .unwrap();
        assert_eq!(
            conn.query_i64("SELECT count(*) AS value FROM users WHERE email = 'cy@example.com'")
                .unwrap(),
            Some(1),
            "{dialect}"
        );
        conn.batch_execute("DELETE FROM users WHERE email = 'cy@example.com'")
            .unwrap();
        assert!(
            conn.batch_execute(
                "INSERT INTO memberships (id, user_id, project_id, role) VALUES (4, 1, 1, 'member')"
            )
            .is_err(),
            "{dialect}: (user_id, project_id) is the key"
        );

        assert!(
            at_head.contains(&r#"[Some("role"), Some("member"), Some("Member"), None]"#.to_owned()),
            "{dialect}: insert_rows seeded the roles: {at_head:#?}"
        );
        let jobs = "SELECT count(*) AS value FROM users WHERE email = 'jobs@example.com'";
        assert_eq!(conn.query_i64(jobs).unwrap(), Some(1), "{dialect}");
        assert_eq!(
            conn.query_i64(
                "SELECT count(*) AS value FROM users WHERE email_lower = 'ada@example.com'"
            )
            .unwrap(),
            Some(1),
            "{dialect}: the generated column is computed for existing rows"
        );
        migrator.downgrade(conn, "-2".parse().unwrap()).unwrap();
        assert_eq!(
            conn.query_i64(jobs).unwrap(),
            Some(0),
            "{dialect}: the inverse of insert_rows deletes its rows"
        );

        migrator
            .downgrade(conn, Target::Revision("0001".into()))
            .unwrap();
        migrator.upgrade(conn, Target::Head).unwrap();
        assert_eq!(rows(conn), at_head, "{dialect}");
    }
}
