//! The schema the migrations build, compared with the live one: equal after every migration of
//! the example (every op family) and of the fixture chains, on PostgreSQL and SQLite, up and
//! back down; and every change made outside the migrations reported.

use migrate_runtime::{AnyConnection, Database, Migrations, Migrator, Target};

use crate::fixtures;
use crate::support::TestDb;

/// The drift of the database, one line per difference.
fn drift(migrator: &Migrator, conn: &mut AnyConnection) -> Vec<String> {
    migrator
        .schema_drift(conn)
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn assert_no_drift(migrator: &Migrator, conn: &mut AnyConnection, context: &str) {
    let drift = migrator.schema_drift(conn).unwrap();
    let lines: Vec<String> = drift.iter().map(ToString::to_string).collect();
    assert!(lines.is_empty(), "{context}:\n{}", lines.join("\n"));
}

fn walk(set: &str, migrations: &Migrations) {
    for db in [TestDb::postgres(), TestDb::sqlite()] {
        let migrator = Migrator::new(migrations).unwrap();
        let conn = &mut db.any();
        let ids: Vec<String> = migrator
            .migrations()
            .iter()
            .map(|migration| migration.id.to_string())
            .collect();
        for id in &ids {
            migrator
                .upgrade(conn, Target::Revision(id.clone()))
                .unwrap();
            assert_no_drift(
                &migrator,
                conn,
                &format!("{set} after upgrading to {id} on {}", db.url),
            );
        }
        for id in ids.iter().rev().skip(1) {
            match migrator.downgrade(conn, Target::Revision(id.clone())) {
                Err(migrate_runtime::Error::Irreversible { .. }) => break,
                result => result.unwrap(),
            };
            assert_no_drift(
                &migrator,
                conn,
                &format!("{set} after downgrading to {id} on {}", db.url),
            );
        }
    }
}

#[test]
fn the_example_builds_the_schema_the_fold_says_at_every_revision() {
    walk("todo", &todo_migrations::MIGRATIONS);
}

#[test]
fn the_fixture_chains_build_the_schema_the_fold_says_at_every_revision() {
    walk("chain", &fixtures::chain::MIGRATIONS);
    walk("online", &fixtures::online::MIGRATIONS);
    walk("rebuild_parent", &fixtures::rebuild_parent::MIGRATIONS);
}

#[test]
fn changes_made_outside_the_migrations_are_reported() {
    for db in [TestDb::postgres(), TestDb::sqlite()] {
        let migrator = Migrator::new(&fixtures::chain::MIGRATIONS).unwrap();
        let conn = &mut db.any();
        migrator.upgrade(conn, Target::Head).unwrap();
        conn.batch_execute(
            "CREATE INDEX by_hand ON posts (headline);
             CREATE TABLE scratch (id integer);
             DROP INDEX ix_posts_user_id;",
        )
        .unwrap();
        assert_eq!(
            drift(&migrator, conn),
            [
                "index ix_posts_user_id (on posts (user_id)) is built by the migrations but missing from the database",
                "column scratch.id (integer) is in the database but no migration builds it",
                "index by_hand (on posts (headline)) is in the database but no migration builds it",
                "table scratch () is in the database but no migration builds it",
            ],
            "{}",
            db.url
        );
    }
}

#[test]
fn a_column_altered_outside_the_migrations_is_reported_with_both_definitions() {
    let db = TestDb::postgres();
    let migrator = Migrator::new(&fixtures::chain::MIGRATIONS).unwrap();
    let conn = &mut db.any();
    migrator.upgrade(conn, Target::Head).unwrap();
    conn.batch_execute(
        "ALTER TABLE posts ALTER COLUMN body SET DEFAULT 'draft';
         ALTER TABLE users ALTER COLUMN name TYPE varchar(10);
         ALTER TABLE users ALTER COLUMN role DROP NOT NULL;",
    )
    .unwrap();
    assert_eq!(
        drift(&migrator, conn),
        [
            "column posts.body is `text default 'draft'` in the database but `text` in the migrations",
            "column users.name is `character varying(10)` in the database but `text` in the migrations",
            "column users.role is `character varying(50)` in the database but `character varying(50) not null` in the migrations",
        ]
    );
}

/// Enum labels placed with `before:` and `after:` are where PostgreSQL puts them.
mod placed_labels {
    migrate_runtime::migrations! {
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_status",
                parent: none,
                change { create_enum(ticket_status, ["open", "done"]); }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_add_doing",
                parent: "0001_create_status",
                upgrade {
                    add_enum_value(ticket_status, "doing", before: "done");
                    add_enum_value(ticket_status, "new", before: "open");
                }
                downgrade { irreversible("PostgreSQL cannot remove a value from an enum type"); }
            }
        }
    }
}

#[test]
fn enum_labels_placed_before_and_after_match_the_live_order() {
    let db = TestDb::postgres();
    let migrator = Migrator::new(&placed_labels::MIGRATIONS).unwrap();
    let conn = &mut db.any();
    migrator.upgrade(conn, Target::Head).unwrap();
    assert_no_drift(&migrator, conn, "placed labels");
}

/// `on_update:` reaches both databases, and an SQLite rebuild of the table keeps it.
mod updates_cascade {
    migrate_runtime::migrations! {
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_users_and_posts",
                parent: none,
                change {
                    create_table(users, { id: bigint identity, code: text }, primary_key: pk_users(id));
                    create_index(ix_users_code, users(code), unique);
                    create_table(posts, { id: bigint identity, user_code: text, title: text nullable }, primary_key: pk_posts(id));
                    create_index(ix_posts_user_code, posts(user_code));
                    add_foreign_key(fk_posts_user_code, posts(user_code), references: users(code), on_delete: restrict, on_update: cascade);
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_title_default",
                parent: "0001_create_users_and_posts",
                change { alter_column(posts, title, set_default("untitled", from: none)); }
            }
        }
    }
}

#[test]
fn on_update_is_built_and_kept_as_the_migrations_say() {
    walk("updates_cascade", &updates_cascade::MIGRATIONS);
    for db in [TestDb::postgres(), TestDb::sqlite()] {
        let conn = &mut db.any();
        Migrator::new(&updates_cascade::MIGRATIONS)
            .unwrap()
            .upgrade(conn, Target::Head)
            .unwrap();
        conn.batch_execute(
            "INSERT INTO users (id, code) VALUES (1, 'ada');
             INSERT INTO posts (id, user_code) VALUES (1, 'ada');
             UPDATE users SET code = 'ada_l' WHERE id = 1;",
        )
        .unwrap();
        let code = conn
            .query_texts("SELECT user_code AS a, NULL AS b, NULL AS c, NULL AS d FROM posts")
            .unwrap();
        assert_eq!(code[0][0].as_deref(), Some("ada_l"), "{}", db.url);
    }
}
