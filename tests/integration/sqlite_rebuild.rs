//! SQLite's table rebuild keeps everything the table has: every column's rows, whatever its
//! name, generated columns, indexes, triggers and the views that read it; and what it cannot
//! keep is refused before anything runs, in the user's names.

use migrate_runtime::{AnyConnection, Database, Migrator, Target};

use crate::support::{schema, TestDb};

/// A table with columns named like constraint keywords, a generated column, an index, a
/// trigger and a view, and a column change that SQLite can only make by rebuilding it.
macro_rules! profiles {
    () => {
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_profiles",
                parent: none,
                change {
                    create_table(profiles, {
                        id: bigint,
                        primary_email: text,
                        check_code: text nullable,
                        unique_key: text nullable,
                        foreign_ref: bigint nullable,
                        constraint_note: text nullable,
                        nickname: text nullable,
                    }, primary_key: pk_profiles(id));
                    create_table(audit, { id: bigint identity, note: text }, primary_key: pk_audit(id));
                    create_index(ix_profiles_nickname, profiles(nickname));
                    #[allow(raw_sql, reason = "fixture: what typed ops do not make, on SQLite")]
                    execute(
                        "ALTER TABLE profiles ADD COLUMN email_domain TEXT GENERATED ALWAYS AS (substr(primary_email, instr(primary_email, '@') + 1)) VIRTUAL",
                        down: "ALTER TABLE profiles DROP COLUMN email_domain"
                    );
                    execute(
                        "CREATE TRIGGER tr_profiles_audit AFTER UPDATE OF nickname ON profiles BEGIN INSERT INTO audit (note) VALUES (new.nickname); END",
                        down: "DROP TRIGGER tr_profiles_audit"
                    );
                    execute(
                        "CREATE VIEW v_profile_domains AS SELECT id, email_domain FROM profiles",
                        down: "DROP VIEW v_profile_domains"
                    );
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_default_nickname",
                parent: "0001_create_profiles",
                change { alter_column(profiles, nickname, set_default("anonymous", from: none)); }
            }
        }
    };
}

mod keeps_everything {
    profiles!();
    migrate_runtime::migrations!();
}

/// A change to a generated column, which a rebuild cannot make.
mod alters_a_generated_column {
    profiles!();
    mod m0003 {
        migrate_runtime::migration! {
            id: "0003_default_domain",
            parent: "0002_default_nickname",
            change { alter_column(profiles, email_domain, set_default("none", from: none)); }
        }
    }
    migrate_runtime::migrations!();
}

/// A column required while rows have no value.
mod requires_a_column_with_nulls {
    profiles!();
    mod m0003 {
        migrate_runtime::migration! {
            id: "0003_require_check_code",
            parent: "0002_default_nickname",
            upgrade { alter_column(profiles, check_code, set_not_null); }
            downgrade { alter_column(profiles, check_code, drop_not_null); }
        }
    }
    migrate_runtime::migrations!();
}

const ROW: &str = "SELECT CAST(id AS text) AS a, primary_email || '|' || check_code || '|' || unique_key || '|' || foreign_ref || '|' || constraint_note AS b, nickname AS c, email_domain AS d FROM profiles ORDER BY id";

fn rows(conn: &mut AnyConnection) -> Vec<[Option<String>; 4]> {
    conn.query_texts(ROW).unwrap()
}

fn migrated_with_rows(db: &TestDb) -> AnyConnection {
    let mut conn = db.any();
    Migrator::new(&keeps_everything::MIGRATIONS)
        .unwrap()
        .upgrade(&mut conn, Target::Revision("0001".into()))
        .unwrap();
    conn.batch_execute(
        "INSERT INTO profiles (id, primary_email, check_code, unique_key, foreign_ref, constraint_note, nickname)
         VALUES (1, 'a@one.example', 'c1', 'u1', 11, 'n1', 'ann'), (2, 'b@two.example', 'c2', 'u2', 22, 'n2', NULL)",
    )
    .unwrap();
    conn
}

#[test]
fn a_rebuild_keeps_every_column_generated_columns_indexes_triggers_and_views() {
    let db = TestDb::sqlite();
    let conn = &mut migrated_with_rows(&db);
    let before = rows(conn);
    assert_eq!(before[0][1].as_deref(), Some("a@one.example|c1|u1|11|n1"));
    let schema_before = schema(conn);

    Migrator::new(&keeps_everything::MIGRATIONS)
        .unwrap()
        .upgrade(conn, Target::Head)
        .unwrap();

    assert_eq!(rows(conn), before, "every column of every row is kept");
    let changed: Vec<_> = schema(conn)
        .into_iter()
        .filter(|line| !schema_before.contains(line))
        .collect();
    assert_eq!(
        changed.len(),
        1,
        "only the table's own text changes: {changed:?}"
    );
    assert!(changed[0].contains("DEFAULT 'anonymous'"), "{changed:?}");
    // The generated column still computes, the trigger still fires, the view still reads.
    conn.batch_execute(
        "INSERT INTO profiles (id, primary_email) VALUES (3, 'c@three.example');
         UPDATE profiles SET nickname = 'cy' WHERE id = 3;",
    )
    .unwrap();
    let third = conn
        .query_texts("SELECT nickname AS a, email_domain AS b, NULL AS c, NULL AS d FROM profiles WHERE id = 3")
        .unwrap();
    assert_eq!(third[0][1].as_deref(), Some("three.example"));
    assert_eq!(
        conn.query_i64("SELECT count(*) AS value FROM audit WHERE note = 'cy'")
            .unwrap(),
        Some(1)
    );
    assert_eq!(
        conn.query_i64("SELECT count(*) AS value FROM v_profile_domains")
            .unwrap(),
        Some(3)
    );
    // And the way back rebuilds again, keeping it all.
    Migrator::new(&keeps_everything::MIGRATIONS)
        .unwrap()
        .downgrade(conn, Target::Revision("0001".into()))
        .unwrap();
    conn.batch_execute("DELETE FROM profiles WHERE id = 3; DELETE FROM audit;")
        .unwrap();
    assert_eq!(rows(conn), before);
    assert_eq!(schema(conn), schema_before);
}

#[test]
fn what_a_rebuild_cannot_keep_is_refused_before_anything_runs() {
    let db = TestDb::sqlite();
    let conn = &mut migrated_with_rows(&db);
    let migrator = Migrator::new(&alters_a_generated_column::MIGRATIONS).unwrap();
    migrator
        .upgrade(conn, Target::Revision("0002".into()))
        .unwrap();
    let before = schema(conn);
    let error = migrator
        .upgrade(conn, Target::Head)
        .unwrap_err()
        .to_string();
    assert!(error.contains("generated"), "{error}");
    assert!(!error.contains("_migrate"), "{error}");
    assert_eq!(schema(conn), before);
    assert_eq!(migrator.current(conn).unwrap(), ["0002_default_nickname"]);
}

#[test]
fn a_failing_copy_names_the_users_table_and_changes_nothing() {
    let db = TestDb::sqlite();
    let conn = &mut migrated_with_rows(&db);
    conn.batch_execute("UPDATE profiles SET check_code = NULL WHERE id = 2")
        .unwrap();
    let before = rows(conn);
    let migrator = Migrator::new(&requires_a_column_with_nulls::MIGRATIONS);
    let error = migrator
        .unwrap()
        .upgrade(conn, Target::Head)
        .unwrap_err()
        .to_string();
    assert!(error.contains("profiles.check_code"), "{error}");
    assert!(!error.contains("_migrate"), "{error}");
    assert_eq!(rows(conn), before);
}
