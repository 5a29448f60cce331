//! The example's migrations tested as a user tests theirs: one line writes a test that the graph
//! has one head, and the stairway (each migration applied, undone, applied again, the live schema
//! compared at each step) on SQLite, PostgreSQL and MySQL (MariaDB here).

// A failed `unwrap` in a test is the test failing, with the error in the message.
#![allow(clippy::unwrap_used)]

migrate_runtime::test_migrations!(todo_migrations::MIGRATIONS, backends: [sqlite, postgres, mysql]);

use migrate_runtime::{AnyConnection, Database};

/// The data test every guide recommends: rows written at 0003, then 0004, which requires a
/// priority, fills it for them.
#[migrate_runtime::test(migrations = todo_migrations::MIGRATIONS, revision = "0003", backend = "sqlite, postgres, mysql")]
fn existing_todos_get_the_normal_priority(conn: &mut AnyConnection) {
    conn.batch_execute(
        "INSERT INTO users (email, name) VALUES ('ada@example.com', 'Ada');
         INSERT INTO todos (user_id, title) SELECT id, 'write the tests' FROM users;
         INSERT INTO todos (user_id, title) SELECT id, 'ship' FROM users;",
    )
    .unwrap();
    migrate_runtime::testing::upgrade(conn, &todo_migrations::MIGRATIONS, Some("0004"));
    let normal = conn
        .query_i64("SELECT count(*) AS value FROM todos WHERE priority = 0")
        .unwrap();
    assert_eq!(normal, Some(2));
}

/// 0008's Rust data step on real rows: accounts with a blank display name, more than one batch
/// of them, are named after their email address; the others keep theirs.
#[migrate_runtime::test(migrations = todo_migrations::MIGRATIONS, revision = "0007", backend = "sqlite, postgres, mysql")]
fn blank_display_names_are_named_after_the_email_by_0008(conn: &mut AnyConnection) {
    let blank: Vec<String> = (0..150)
        .map(|n| format!("('user{n}@example.com', '')"))
        .collect();
    conn.batch_execute(&format!(
        "INSERT INTO users (email, display_name) VALUES ('ada@example.com', 'Ada'), ('  @example.com', '  '), {}",
        blank.join(", ")
    ))
    .unwrap();
    migrate_runtime::testing::upgrade(conn, &todo_migrations::MIGRATIONS, Some("0008"));
    let names = conn
        .query_texts(
            "SELECT email AS a, display_name AS b, NULL AS c, NULL AS d FROM users ORDER BY id",
        )
        .unwrap();
    let names: Vec<(String, String)> = names
        .into_iter()
        .map(|[email, name, ..]| (email.unwrap(), name.unwrap()))
        .collect();
    assert_eq!(names.len(), 152);
    assert_eq!(names[0], ("ada@example.com".into(), "Ada".into()));
    assert_eq!(names[1], ("  @example.com".into(), "@example.com".into()));
    for (email, name) in &names[2..] {
        assert_eq!(Some(name.as_str()), email.strip_suffix("@example.com"));
    }
}

/// A revision the set does not have fails the test before its body runs, saying so.
#[migrate_runtime::test(migrations = todo_migrations::MIGRATIONS, revision = "0042", backend = "sqlite")]
#[should_panic(expected = "migrating the test database to 0042: unknown revision")]
fn an_unknown_revision_says_so(_conn: &mut AnyConnection) {}
