//! `replaces: [...]` at run time, on the fixture chain and its squash: a new database built by
//! the squash has the schema the originals build; a database the originals took to the end of
//! the range is at head without running anything; one part-way through is refused; the squash
//! goes down and up again. On PostgreSQL, SQLite and MariaDB.

use migrate_runtime::core::check::Config;
use migrate_runtime::core::render::Dialect;
use migrate_runtime::{AnyConnection, Database, Error, Migrator, Target};

use crate::fixtures::{squash_originals, squashed};
use crate::support::{schema, tables, TestDb};

/// The squashed fixture is what `migrate squash 0001:0005` writes for the originals.
#[test]
fn the_squashed_fixture_is_what_squash_writes() {
    let originals = Migrator::new(&squash_originals::MIGRATIONS).unwrap();
    let squash = migrate_runtime::core::squash::squash(
        originals.migrations(),
        "0001_create_users",
        "0005_index_post_state",
        &Config {
            targets: squash_originals::MIGRATIONS.targets(),
            ..Config::default()
        },
    )
    .unwrap();
    let written = squash.source("0007_squash", "The fixture chain, squashed.");
    let fixtures = include_str!("fixtures.rs");
    let start = fixtures.find("// squash:start\n").unwrap() + "// squash:start\n".len();
    let end = fixtures.find("            // squash:end").unwrap();
    let in_fixture: String = fixtures[start..end]
        .lines()
        .map(|line| line.strip_prefix("            ").unwrap_or(line))
        .map(|line| format!("{line}\n"))
        .collect();
    assert_eq!(
        in_fixture, written,
        "the squashed fixture is not what squash writes:\n{written}"
    );
}

fn migrator(migrations: &migrate_runtime::Migrations) -> Migrator {
    Migrator::new(migrations).expect("a valid graph")
}

fn ids(applied: &[migrate_runtime::Applied]) -> Vec<&str> {
    applied.iter().map(|applied| applied.id.as_str()).collect()
}

/// The ids of the version table's rows, sorted.
fn rows(conn: &mut AnyConnection) -> Vec<String> {
    let mut ids: Vec<String> = conn
        .query_texts("SELECT id AS a, NULL AS b, NULL AS c, NULL AS d FROM migrate_versions")
        .unwrap()
        .into_iter()
        .filter_map(|[id, ..]| id)
        .collect();
    ids.sort();
    ids
}

const RANGE: [&str; 5] = [
    "0001_create_users",
    "0002_create_posts",
    "0003_add_user_role",
    "0004_rename_and_archive",
    "0005_index_post_state",
];

#[test]
fn a_new_database_built_by_the_squash_has_the_schema_the_originals_build() {
    for (original, fresh) in [
        (TestDb::postgres(), TestDb::postgres()),
        (TestDb::sqlite(), TestDb::sqlite()),
        (TestDb::mysql(), TestDb::mysql()),
    ] {
        let (original, fresh) = (&mut original.any(), &mut fresh.any());
        let applied = migrator(&squash_originals::MIGRATIONS)
            .upgrade(original, Target::Head)
            .unwrap();
        assert_eq!(applied.len(), 6);
        let squashed = migrator(&squashed::MIGRATIONS);
        let applied = squashed.upgrade(fresh, Target::Head).unwrap();
        assert_eq!(ids(&applied), ["0007_squash", "0006_create_tags"]);
        // Every table, column, default, index, constraint, enum label and view, as the server
        // reports them. SQLite keeps the text each was created with: where its RENAME COLUMN
        // rewrote the original's check it quoted the new name, which the squash writes bare.
        let comparable = |conn: &mut AnyConnection| -> Vec<String> {
            match conn.dialect() {
                Dialect::Sqlite => schema(conn)
                    .iter()
                    .map(|line| line.replace('"', ""))
                    .collect(),
                _ => schema(conn),
            }
        };
        assert_eq!(
            comparable(fresh),
            comparable(original),
            "on {:?}",
            fresh.dialect()
        );
        // The migrations of each build find the schema they build, in the runtime's words.
        assert_eq!(
            migrator(&squash_originals::MIGRATIONS)
                .schema_drift(original)
                .unwrap(),
            vec![]
        );
        // The seed rows came along, under the table's new name.
        let seeded = fresh
            .query_i64("SELECT count(*) AS value FROM categories")
            .unwrap();
        assert_eq!(seeded, Some(2));
        // And what the squashed build expects is what is there.
        assert_eq!(squashed.schema_drift(fresh).unwrap(), vec![]);
        assert_eq!(rows(fresh), ["0006_create_tags", "0007_squash"]);
    }
}

#[test]
fn a_database_at_the_end_of_the_range_counts_the_squash_as_applied() {
    for db in [TestDb::postgres(), TestDb::sqlite(), TestDb::mysql()] {
        let conn = &mut db.any();
        let originals = migrator(&squash_originals::MIGRATIONS);
        originals
            .upgrade(conn, Target::Revision("0005".into()))
            .unwrap();
        let squashed = migrator(&squashed::MIGRATIONS);
        // Only the child runs: the squash is recorded as the migrations it replaces.
        assert_eq!(
            squashed
                .pending(conn)
                .unwrap()
                .iter()
                .map(|m| m.id.as_ref())
                .collect::<Vec<_>>(),
            ["0006_create_tags"]
        );
        assert_eq!(squashed.current(conn).unwrap(), ["0007_squash"]);
        assert_eq!(
            ids(&squashed.upgrade(conn, Target::Head).unwrap()),
            ["0006_create_tags"]
        );
        // The rows stay as they were: the build with the originals still reads them.
        let mut expected: Vec<&str> = RANGE.to_vec();
        expected.push("0006_create_tags");
        assert_eq!(rows(conn), expected);
        assert!(originals.pending(conn).unwrap().is_empty());
    }
}

#[test]
fn a_database_at_head_before_the_squash_is_at_head_after_it() {
    for db in [TestDb::postgres(), TestDb::sqlite(), TestDb::mysql()] {
        let conn = &mut db.any();
        migrator(&squash_originals::MIGRATIONS)
            .upgrade(conn, Target::Head)
            .unwrap();
        let before = schema(conn);
        let squashed = migrator(&squashed::MIGRATIONS);
        assert!(squashed.pending(conn).unwrap().is_empty());
        assert!(squashed.upgrade(conn, Target::Head).unwrap().is_empty());
        assert_eq!(squashed.current(conn).unwrap(), ["0006_create_tags"]);
        assert_eq!(schema(conn), before);
        // Neither drift (the replaced rows' checksums are the originals') nor rows this build
        // does not know.
        let verified: Vec<String> = squashed
            .verify(conn)
            .unwrap()
            .into_iter()
            .map(|row| row.id)
            .collect();
        assert_eq!(verified, ["0007_squash", "0006_create_tags"]);
        assert!(squashed.unknown_applied(conn).unwrap().is_empty());
        assert_eq!(squashed.schema_drift(conn).unwrap(), vec![]);
        assert!(squashed.interrupted(conn).unwrap().is_empty());
        let history = squashed.history(conn).unwrap();
        let (squash, row) = &history[0];
        assert_eq!(squash.id, "0007_squash");
        let row = row.as_ref().expect("the squash is applied");
        assert_eq!(row.recorded_as, RANGE);
        assert_eq!(row.checksum, squash.checksum.as_ref());
        // Its record is the replaced rows: nothing of it to repair.
        assert!(matches!(
            squashed.applied_edit(conn, "0007"),
            Err(Error::RecordedAsReplaced { ref replaced, .. }) if replaced == &RANGE
        ));
        // A target naming a replaced migration means the squash.
        assert_eq!(
            squashed.resolve("0003_add_user_role").unwrap().id,
            "0007_squash"
        );
        // Stamping head records nothing: everything is applied.
        let stamp = squashed.stamp(conn, Target::Head).unwrap();
        assert_eq!(stamp, migrate_runtime::Stamp::default());
    }
}

#[test]
fn a_database_part_way_through_the_range_is_refused() {
    for db in [TestDb::postgres(), TestDb::sqlite(), TestDb::mysql()] {
        let conn = &mut db.any();
        migrator(&squash_originals::MIGRATIONS)
            .upgrade(conn, Target::Revision("0003".into()))
            .unwrap();
        let before = schema(conn);
        let squashed = migrator(&squashed::MIGRATIONS);
        let error = squashed.upgrade(conn, Target::Head).unwrap_err();
        match &error {
            Error::PartlySquashed {
                id,
                applied,
                missing,
            } => {
                assert_eq!(id, "0007_squash");
                assert_eq!(applied, &RANGE[..3]);
                assert_eq!(missing, &RANGE[3..]);
            }
            other => panic!("expected PartlySquashed, got {other:?}"),
        }
        assert_eq!(
            error.to_string(),
            "the database applied 3 of the 5 migrations that 0007_squash replaces (0001_create_users, 0002_create_posts, 0003_add_user_role; not 0004_rename_and_archive, 0005_index_post_state): this build has only 0007_squash, which runs the whole range or nothing; upgrade with a build that still has the migrations 0007_squash replaces first (to 0005_index_post_state at least), then deploy this one"
        );
        // Nothing ran, and every other reading says the same.
        assert_eq!(schema(conn), before);
        assert!(matches!(
            squashed.pending(conn),
            Err(Error::PartlySquashed { .. })
        ));
        assert!(matches!(
            squashed.downgrade(conn, Target::Base),
            Err(Error::PartlySquashed { .. })
        ));
        // Even with --allow-unknown: the rows are not a newer build's.
        let lenient = migrator(&squashed::MIGRATIONS).allow_unknown(true);
        assert!(matches!(
            lenient.upgrade(conn, Target::Head),
            Err(Error::PartlySquashed { .. })
        ));

        // The way out: the build with the originals takes it to the end of the range.
        migrator(&squash_originals::MIGRATIONS)
            .upgrade(conn, Target::Revision("0005".into()))
            .unwrap();
        assert_eq!(
            ids(&squashed.upgrade(conn, Target::Head).unwrap()),
            ["0006_create_tags"]
        );
    }
}

#[test]
fn stamp_records_the_squash_over_a_database_part_way_through_it() {
    for db in [TestDb::postgres(), TestDb::sqlite(), TestDb::mysql()] {
        let conn = &mut db.any();
        migrator(&squash_originals::MIGRATIONS)
            .upgrade(conn, Target::Revision("0002".into()))
            .unwrap();
        let squashed = migrator(&squashed::MIGRATIONS);
        // The user says the database has what the squash builds (here: it does not, which only
        // the schema check would tell): the partial rows go, the squash is recorded.
        let stamp = squashed
            .stamp(conn, Target::Revision("0007".into()))
            .unwrap();
        assert_eq!(stamp.recorded, ["0007_squash"]);
        assert_eq!(stamp.removed, ["0001_create_users", "0002_create_posts"]);
        assert_eq!(rows(conn), ["0007_squash"]);
        // Stamped back to base, the squash's own row goes too.
        let stamp = squashed.stamp(conn, Target::Base).unwrap();
        assert_eq!(stamp.removed, ["0007_squash"]);
        assert!(rows(conn).is_empty());
    }
}

#[test]
fn the_squash_goes_down_whether_its_own_row_or_the_replaced_ones_record_it() {
    for db in [TestDb::postgres(), TestDb::sqlite(), TestDb::mysql()] {
        let conn = &mut db.any();
        migrator(&squash_originals::MIGRATIONS)
            .upgrade(conn, Target::Head)
            .unwrap();
        let squashed = migrator(&squashed::MIGRATIONS);
        // Recorded as the replaced rows: its downgrade runs, and those rows go.
        let reverted = squashed.downgrade(conn, Target::Base).unwrap();
        assert_eq!(ids(&reverted), ["0006_create_tags", "0007_squash"]);
        assert!(rows(conn).is_empty());
        assert!(
            tables(conn)
                .iter()
                .all(|table| table.starts_with("migrate_")),
            "{:?}",
            tables(conn)
        );
        // Up again, it runs as itself and records its own row.
        assert_eq!(
            ids(&squashed.upgrade(conn, Target::Head).unwrap()),
            ["0007_squash", "0006_create_tags"]
        );
        assert_eq!(rows(conn), ["0006_create_tags", "0007_squash"]);
        assert_eq!(
            ids(&squashed.downgrade(conn, Target::Relative(-2)).unwrap()),
            ["0006_create_tags", "0007_squash"]
        );
        assert!(rows(conn).is_empty());
        // Down to the squash by a replaced id: keeps it, undoes the child.
        squashed.upgrade(conn, Target::Head).unwrap();
        let reverted = squashed
            .downgrade(conn, Target::Revision("0005_index_post_state".into()))
            .unwrap();
        assert_eq!(ids(&reverted), ["0006_create_tags"]);
        assert_eq!(squashed.current(conn).unwrap(), ["0007_squash"]);
    }
}
