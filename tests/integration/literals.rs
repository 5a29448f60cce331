//! Literals mean what they say on the real server whatever the session's settings: with
//! `standard_conforming_strings` off, PostgreSQL reads a backslash inside `'…'` as an escape, so a
//! default holding `\'` could end its literal early and run what follows.

use migrate_runtime::{Database, Migrator, Target};

use crate::support::TestDb;

/// The text that would end a plain `'…'` literal early when `standard_conforming_strings` is off,
/// close the column list, and run a statement of its own.
const ATTACK: &str = r"C:\dir\'); CREATE TABLE injected (id int); --";

pub mod backslashes {
    migrate_runtime::migrations! {
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_notes",
                parent: none,
                change {
                    create_enum(note_kind, ["plain", "C:\\dir\\'); CREATE TABLE injected_kind (id int); --"]);
                    create_table(notes, {
                        id: bigint,
                        path: text default("C:\\dir\\'); CREATE TABLE injected (id int); --"),
                        kind: enum(note_kind) default("C:\\dir\\'); CREATE TABLE injected_kind (id int); --"),
                    }, primary_key: pk_notes(id));
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_add_note_kind",
                parent: "0001_create_notes",
                upgrade {
                    add_enum_value(note_kind, "back\\slash", after: "C:\\dir\\'); CREATE TABLE injected_kind (id int); --");
                }
                downgrade {
                    irreversible("enum values cannot be removed in PostgreSQL");
                }
            }
        }
    }
}

/// Each version row keeps the migration's definition exactly as written, backslashes and quotes
/// included: the text its checksum hashes.
fn definitions_are_stored_as_written(conn: &mut impl Database) {
    let rows = conn
        .query_texts(
            "SELECT id AS a, checksum AS b, definition AS c, NULL AS d FROM migrate_versions",
        )
        .unwrap();
    assert_eq!(rows.len(), 2);
    for [id, checksum, definition, _] in rows {
        let definition = definition.unwrap();
        assert!(definition.contains(r"\\dir\\'"), "{id:?}: {definition}");
        assert_eq!(
            migrate_core::checksum::of_canonical(&definition),
            checksum.unwrap(),
            "{id:?}: {definition}"
        );
    }
}

fn texts(conn: &mut impl Database, sql: &str) -> Vec<String> {
    conn.query_texts(sql)
        .unwrap()
        .into_iter()
        .map(|row| {
            row.iter()
                .flatten()
                .cloned()
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect()
}

#[test]
fn a_default_with_a_backslash_and_a_quote_is_stored_as_written_with_standard_conforming_strings_off(
) {
    let db = TestDb::postgres();
    let mut conn = db.pg();
    conn.batch_execute("SET standard_conforming_strings = off")
        .unwrap();
    assert_eq!(
        texts(
            &mut conn,
            "SELECT current_setting('standard_conforming_strings') AS a, NULL AS b, NULL AS c, NULL AS d"
        ),
        ["off"]
    );
    let migrator = Migrator::new(&backslashes::MIGRATIONS).unwrap();
    migrator.upgrade(&mut conn, Target::Relative(1)).unwrap();

    // The defaults give back exactly the text written.
    conn.batch_execute("INSERT INTO notes (id) VALUES (1)")
        .unwrap();
    let kind_attack = ATTACK.replace("injected", "injected_kind");
    assert_eq!(
        texts(
            &mut conn,
            "SELECT path AS a, CAST(kind AS text) AS b, NULL AS c, NULL AS d FROM notes"
        ),
        [format!("{ATTACK} | {kind_attack}")]
    );
    // Nothing else ran: no injected table, and the primary key after the default is there.
    assert_eq!(
        texts(
            &mut conn,
            "SELECT tablename AS a, NULL AS b, NULL AS c, NULL AS d FROM pg_tables
             WHERE schemaname = 'public' ORDER BY 1"
        ),
        ["migrate_progress", "migrate_versions", "notes"]
    );
    assert_eq!(
        texts(
            &mut conn,
            "SELECT conname AS a, NULL AS b, NULL AS c, NULL AS d FROM pg_constraint
             WHERE conrelid = 'notes'::regclass"
        ),
        ["pk_notes"]
    );

    // A label added after one holding `\'`.
    migrator.upgrade(&mut conn, Target::Head).unwrap();
    // The enum has exactly its labels, in order.
    assert_eq!(
        texts(
            &mut conn,
            "SELECT enumlabel AS a, NULL AS b, NULL AS c, NULL AS d FROM pg_enum
             WHERE enumtypid = 'note_kind'::regtype ORDER BY enumsortorder"
        ),
        ["plain".to_owned(), kind_attack, r"back\slash".to_owned()]
    );
    assert_eq!(
        texts(
            &mut conn,
            "SELECT tablename AS a, NULL AS b, NULL AS c, NULL AS d FROM pg_tables
             WHERE schemaname = 'public' ORDER BY 1"
        ),
        ["migrate_progress", "migrate_versions", "notes"]
    );
    // Both migrations are recorded, and the setting is still what the session chose.
    assert_eq!(migrator.current(&mut conn).unwrap(), ["0002_add_note_kind"]);
    definitions_are_stored_as_written(&mut conn);
    assert_eq!(
        texts(
            &mut conn,
            "SELECT current_setting('standard_conforming_strings') AS a, NULL AS b, NULL AS c, NULL AS d"
        ),
        ["off"]
    );
}

/// The same migrations on SQLite, which has no escapes in literals: the standard form.
#[test]
fn a_default_with_a_backslash_and_a_quote_is_stored_as_written_on_sqlite() {
    let db = TestDb::sqlite();
    let mut conn = db.sqlite_conn();
    let migrator = Migrator::new(&backslashes::MIGRATIONS).unwrap();
    migrator.upgrade(&mut conn, Target::Head).unwrap();
    conn.batch_execute("INSERT INTO notes (id) VALUES (1)")
        .unwrap();
    let kind_attack = ATTACK.replace("injected", "injected_kind");
    assert_eq!(
        texts(
            &mut conn,
            "SELECT path AS a, kind AS b, NULL AS c, NULL AS d FROM notes"
        ),
        [format!("{ATTACK} | {kind_attack}")]
    );
    assert_eq!(
        crate::support::tables(&mut conn),
        ["migrate_progress", "migrate_versions", "notes"]
    );
    definitions_are_stored_as_written(&mut conn);
}
