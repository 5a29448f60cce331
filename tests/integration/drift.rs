//! The schema the migrations build, compared with the live one: equal after every migration of
//! the example (every op family) and of the fixture chains, on PostgreSQL and SQLite, and on
//! MySQL (MariaDB here) for the sets that list it among their targets, up and back down; and
//! every change made outside the migrations reported.
//!
//! The fixture chains of `fixtures.rs` are not checked for MySQL (their keys are `text`, which
//! MySQL cannot index whole), so the MySQL tests run `mysql_chain`, the same shape with bounded
//! keys.

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

/// PostgreSQL and SQLite.
fn both() -> [TestDb; 2] {
    [TestDb::postgres(), TestDb::sqlite()]
}

/// PostgreSQL, SQLite and MySQL (MariaDB on the development machines), for a set whose targets
/// list `mysql`.
fn every_backend() -> [TestDb; 3] {
    [TestDb::postgres(), TestDb::sqlite(), TestDb::mysql()]
}

fn walk_on<const N: usize>(set: &str, migrations: &Migrations, dbs: [TestDb; N]) {
    for db in dbs {
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
    walk_on("todo", &todo_migrations::MIGRATIONS, every_backend());
}

#[test]
fn the_fixture_chains_build_the_schema_the_fold_says_at_every_revision() {
    walk_on("chain", &fixtures::chain::MIGRATIONS, both());
    walk_on("online", &fixtures::online::MIGRATIONS, both());
    walk_on(
        "rebuild_parent",
        &fixtures::rebuild_parent::MIGRATIONS,
        both(),
    );
    walk_on("mysql_chain", &mysql_chain::MIGRATIONS, every_backend());
}

#[test]
fn the_literal_defaults_build_the_schema_the_fold_says_at_every_revision() {
    walk_on(
        "backslashes",
        &crate::literals::backslashes::MIGRATIONS,
        both(),
    );
}

/// `fixtures::chain`, `online` and `rebuild_parent` in one chain checked for MySQL: bounded keys,
/// and the foreign keys and checks added to tables with rows waived.
mod mysql_chain {
    migrate_runtime::migrations! {
        #![targets = "postgres, sqlite, mysql"]
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_users",
                parent: none,
                change {
                    create_table(users, {
                        id: bigint identity,
                        email: varchar(320),
                        name: text nullable,
                        age: integer nullable,
                        team_id: bigint nullable,
                    }, primary_key: pk_users(id));
                    create_index(ix_users_email, users(email), unique);
                    create_index(ix_users_team_id, users(team_id));
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_create_posts",
                parent: "0001_create_users",
                change {
                    create_table(posts, {
                        id: bigint identity,
                        user_id: bigint,
                        title: varchar(200),
                        body: text nullable,
                    }, primary_key: pk_posts(id));
                    create_index(ix_posts_user_id, posts(user_id));
                    add_foreign_key(fk_posts_user_id, posts(user_id), references: users(id), on_delete: cascade);
                }
            }
        }
        mod m0003 {
            migrate_runtime::migration! {
                id: "0003_add_user_role",
                parent: "0002_create_posts",
                upgrade {
                    add_column(users, role: varchar(50) nullable);
                    backfill(users, set: "role = 'member'", where: "role IS NULL", batch: 2);
                    alter_column(users, role, set_not_null);
                }
                downgrade {
                    drop_column(users, role: varchar(50));
                }
            }
        }
        mod m0004 {
            migrate_runtime::migration! {
                id: "0004_rename_title",
                parent: "0003_add_user_role",
                change {
                    #[allow(rename_column, reason = "fixture: no client reads posts")]
                    rename_column(posts, title => headline);
                    #[allow(mysql_check_constraint, reason = "fixture: posts has no rows")]
                    add_check(ck_posts_headline_not_empty, posts, "headline <> ''");
                }
            }
        }
        mod m0005 {
            migrate_runtime::migration! {
                id: "0005_create_teams",
                parent: "0004_rename_title",
                change {
                    create_table(teams, { id: bigint, name: varchar(100) nullable }, primary_key: pk_teams(id));
                    // No index serves this one: InnoDB adds one, named after it.
                    create_table(memberships, { id: bigint, team_id: bigint }, primary_key: pk_memberships(id));
                    #[allow(foreign_key_without_index, reason = "fixture: the index InnoDB adds for it is not drift")]
                    add_foreign_key(fk_memberships_team_id, memberships(team_id), references: teams(id), on_delete: restrict);
                    #[allow(mysql_foreign_key, reason = "fixture: users has no rows")]
                    add_foreign_key(fk_users_team_id, users(team_id), references: teams(id), on_delete: set_null, on_update: cascade);
                    alter_column(teams, name, set_default("unnamed", from: none));
                    add_unique(uq_teams_name, teams(name));
                    #[allow(mysql_check_constraint, reason = "fixture: users has no rows")]
                    add_check(ck_users_age, users, "age >= 0");
                }
            }
        }
    }
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
fn changes_made_outside_the_migrations_are_reported_on_mysql() {
    let db = TestDb::mysql();
    let migrator = Migrator::new(&mysql_chain::MIGRATIONS).unwrap();
    let conn = &mut db.any();
    migrator.upgrade(conn, Target::Head).unwrap();
    assert_no_drift(&migrator, conn, "chain at head on MySQL");
    // No index serves `fk_memberships_team_id`: InnoDB made one, named after it, and that is not
    // drift.
    let implicit = conn
        .query_texts(
            "SELECT index_name AS a, NULL AS b, NULL AS c, NULL AS d FROM information_schema.statistics
             WHERE table_schema = DATABASE() AND table_name = 'memberships' AND index_name = 'fk_memberships_team_id'",
        )
        .unwrap();
    assert_eq!(implicit.len(), 1);
    // `ix_posts_user_id` serves the foreign key, which MySQL will not leave without an index: the
    // unique index on users.email and the unique constraint on teams.name go instead.
    conn.batch_execute(
        "CREATE INDEX by_hand ON posts (body(10), id);
         CREATE TABLE scratch (id integer);
         ALTER TABLE users ADD COLUMN nickname varchar(20) NULL;
         DROP INDEX ix_users_email ON users;
         ALTER TABLE teams DROP INDEX uq_teams_name;",
    )
    .unwrap();
    assert_eq!(
        drift(&migrator, conn),
        [
            "index ix_users_email (on users (email) unique) is built by the migrations but missing from the database",
            "index uq_teams_name (on teams (name) unique) is built by the migrations but missing from the database",
            "column scratch.id (int) is in the database but no migration builds it",
            "column users.nickname (varchar(20)) is in the database but no migration builds it",
            "index by_hand (on posts (body(10), id)) is in the database but no migration builds it",
            "table scratch () is in the database but no migration builds it",
        ]
    );
}

#[test]
fn a_foreign_key_and_a_check_changed_outside_the_migrations_are_reported_on_mysql() {
    let db = TestDb::mysql();
    let migrator = Migrator::new(&mysql_chain::MIGRATIONS).unwrap();
    let conn = &mut db.any();
    migrator.upgrade(conn, Target::Head).unwrap();
    // The index InnoDB adds for a foreign key no index serves is named after it: not drift.
    conn.batch_execute(
        "ALTER TABLE posts DROP FOREIGN KEY fk_posts_user_id;
         ALTER TABLE posts ADD CONSTRAINT fk_posts_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE RESTRICT;
         ALTER TABLE posts DROP CONSTRAINT ck_posts_headline_not_empty;
         ALTER TABLE users DROP FOREIGN KEY fk_users_team_id;
         ALTER TABLE users ADD CONSTRAINT fk_users_team_id FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE SET NULL;
         ALTER TABLE users ADD CONSTRAINT fk_users_self FOREIGN KEY (id) REFERENCES users (id);
         ALTER TABLE users ADD CONSTRAINT ck_users_by_hand CHECK (age < 200);",
    )
    .unwrap();
    assert_eq!(
        drift(&migrator, conn),
        [
            "check ck_posts_headline_not_empty (on posts) is built by the migrations but missing from the database",
            "foreign key fk_posts_user_id is `on posts (user_id) references users (id) on delete no action` in the database but `on posts (user_id) references users (id) on delete cascade` in the migrations",
            "foreign key fk_users_team_id is `on users (team_id) references teams (id) on delete set null` in the database but `on users (team_id) references teams (id) on delete set null on update cascade` in the migrations",
            "check ck_users_by_hand (on users) is in the database but no migration builds it",
            "foreign key fk_users_self (on users (id) references users (id) on delete no action) is in the database but no migration builds it",
        ]
    );
}

#[test]
fn a_column_altered_outside_the_migrations_is_reported_with_both_definitions_on_mysql() {
    let db = TestDb::mysql();
    let migrator = Migrator::new(&mysql_chain::MIGRATIONS).unwrap();
    let conn = &mut db.any();
    migrator.upgrade(conn, Target::Head).unwrap();
    conn.batch_execute(
        "ALTER TABLE posts ALTER COLUMN body SET DEFAULT 'draft';
         ALTER TABLE users MODIFY COLUMN name varchar(10) NULL;
         ALTER TABLE users MODIFY COLUMN role varchar(50) NULL;
         ALTER TABLE teams ALTER COLUMN name SET DEFAULT 'nameless';
         ALTER TABLE users MODIFY COLUMN age smallint NULL;",
    )
    .unwrap();
    assert_eq!(
        drift(&migrator, conn),
        [
            "column posts.body is `longtext default 'draft'` in the database but `longtext` in the migrations",
            "column teams.name is `varchar(100) default 'nameless'` in the database but `varchar(100) default 'unnamed'` in the migrations",
            "column users.age is `smallint` in the database but `int` in the migrations",
            "column users.name is `varchar(10)` in the database but `longtext` in the migrations",
            "column users.role is `varchar(50)` in the database but `varchar(50) not null` in the migrations",
        ]
    );
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

/// Enum labels placed with `before:` and `after:` are where PostgreSQL puts them, and where
/// MySQL's restated column puts them.
mod placed_labels {
    migrate_runtime::migrations! {
        #![targets = "postgres, sqlite, mysql"]
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_status",
                parent: none,
                change {
                    create_enum(ticket_status, ["open", "done"]);
                    create_table(tickets, {
                        id: bigint identity,
                        status: enum(ticket_status) default("open"),
                    }, primary_key: pk_tickets(id));
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_add_doing",
                parent: "0001_create_status",
                upgrade {
                    #[allow(mysql_enum_reorder, reason = "fixture: tickets has no rows")]
                    add_enum_value(ticket_status, "doing", before: "done");
                    #[allow(mysql_enum_reorder, reason = "fixture: tickets has no rows")]
                    add_enum_value(ticket_status, "new", before: "open");
                }
                downgrade { irreversible("PostgreSQL cannot remove a value from an enum type"); }
            }
        }
    }
}

#[test]
fn enum_labels_placed_before_and_after_match_the_live_order() {
    // On MySQL the labels are the column's type, restated with the new label in its place.
    for db in [TestDb::postgres(), TestDb::mysql()] {
        let migrator = Migrator::new(&placed_labels::MIGRATIONS).unwrap();
        let conn = &mut db.any();
        migrator.upgrade(conn, Target::Head).unwrap();
        assert_no_drift(&migrator, conn, &format!("placed labels on {}", db.url));
    }
}

#[test]
fn enum_labels_changed_outside_the_migrations_are_reported() {
    for (db, sql, expected) in [
        (
            TestDb::postgres(),
            "ALTER TYPE ticket_status ADD VALUE 'lost'",
            "enum ticket_status is `(new, open, doing, done, lost)` in the database but `(new, open, doing, done)` in the migrations",
        ),
        (
            TestDb::mysql(),
            "ALTER TABLE tickets MODIFY COLUMN status ENUM('new', 'open', 'done', 'doing') NOT NULL DEFAULT 'open'",
            "column tickets.status is `enum('new','open','done','doing') not null default 'open'` in the database but `enum('new','open','doing','done') not null default 'open'` in the migrations",
        ),
    ] {
        let migrator = Migrator::new(&placed_labels::MIGRATIONS).unwrap();
        let conn = &mut db.any();
        migrator.upgrade(conn, Target::Head).unwrap();
        conn.batch_execute(sql).unwrap();
        assert_eq!(drift(&migrator, conn), [expected], "{}", db.url);
    }
}

/// Every column type, with a default of each kind the type takes, on every backend.
mod every_type {
    migrate_runtime::migrations! {
        #![targets = "postgres, sqlite, mysql"]
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_create_samples",
                parent: none,
                change {
                    create_enum(sample_mood, ["ok", "it's", "C:\\dir"]);
                    #[allow(char_column, reason = "fixture: every type")]
                    #[allow(timestamp_without_time_zone, reason = "fixture: every type")]
                    #[allow(json_column, reason = "fixture: every type")]
                    create_table(samples, {
                        id: bigint identity,
                        small: smallint default(-32768),
                        whole: integer default(5),
                        big: bigint default(9223372036854775807),
                        ratio: real default(1.5),
                        precise: double default(0.1),
                        money: numeric(10, 2) default(1.5),
                        exact: numeric nullable,
                        note: text default("it's"),
                        code: varchar(20) default("C:\\dir"),
                        initials: char(3) default("abc"),
                        active: boolean default(true),
                        archived: boolean default(false),
                        token: uuid default(gen_random_uuid()),
                        born: date default(current_date),
                        due: date default("2020-01-31"),
                        alarm: time nullable,
                        seen_at: timestamp default(now()),
                        changed_at: timestamptz default(clock_timestamp()),
                        luck: double default(random()),
                        payload: json nullable,
                        extra: jsonb nullable,
                        blob: bytea nullable,
                        mood: enum(sample_mood) default("it's"),
                        tags: array(text) nullable,
                        computed: integer default(sql("1 + 1")),
                    }, primary_key: pk_samples(id));
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_change_samples",
                parent: "0001_create_samples",
                upgrade {
                    alter_column(samples, whole, set_default(-7, from: 5));
                    alter_column(samples, note, set_default("", from: "it's"));
                    alter_column(samples, alarm, set_not_null);
                    alter_column(samples, code, set_type(varchar(40), from: varchar(20)));
                    add_column(samples, level: smallint nullable default(3));
                    // MariaDB's check on a JSON column keeps the column's old name.
                    #[allow(rename_column, reason = "fixture: no client reads samples")]
                    rename_column(samples, payload => document);
                }
                downgrade {
                    rename_column(samples, document => payload);
                    drop_column(samples, level: smallint nullable default(3));
                    #[allow(type_change_narrowing, reason = "fixture: the table has no rows")]
                    alter_column(samples, code, set_type(varchar(20), from: varchar(40)));
                    alter_column(samples, alarm, drop_not_null);
                    alter_column(samples, note, set_default("it's", from: ""));
                    alter_column(samples, whole, set_default(5, from: -7));
                }
            }
        }
    }
}

#[test]
fn every_type_and_default_builds_the_schema_the_fold_says_at_every_revision() {
    walk_on("every_type", &every_type::MIGRATIONS, every_backend());
}

#[test]
fn the_stairway_runs_on_mysql() {
    for (set, migrations) in [
        ("mysql_chain", &mysql_chain::MIGRATIONS),
        ("todo", &todo_migrations::MIGRATIONS),
        ("placed_labels", &placed_labels::MIGRATIONS),
        ("every_type", &every_type::MIGRATIONS),
    ] {
        let db = TestDb::mysql();
        let mut conn = db.any();
        if let Err(failure) = migrate_runtime::testing::stairway(migrations, &mut conn) {
            panic!("{set}: {failure}");
        }
    }
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
    // Not on MySQL: its foreign key is on `text` columns, which InnoDB cannot index whole.
    walk_on("updates_cascade", &updates_cascade::MIGRATIONS, both());
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

#[test]
fn generated_columns_build_the_schema_the_fold_says_at_every_revision() {
    walk_on(
        "generated_stored",
        &fixtures::generated_stored::MIGRATIONS,
        every_backend(),
    );
    walk_on(
        "generated_virtual",
        &fixtures::generated_virtual::MIGRATIONS,
        [TestDb::sqlite(), TestDb::mysql()],
    );
}

#[test]
fn a_generated_column_changed_outside_the_migrations_is_reported() {
    for (db, sql, live) in [
        (
            TestDb::postgres(),
            "ALTER TABLE items ALTER COLUMN spread DROP EXPRESSION",
            "bigint",
        ),
        (
            TestDb::sqlite(),
            "ALTER TABLE items DROP COLUMN spread;
             ALTER TABLE items ADD COLUMN spread BIGINT GENERATED ALWAYS AS (price + quantity) VIRTUAL",
            "bigint generated virtual",
        ),
        (
            TestDb::mysql(),
            "ALTER TABLE items DROP COLUMN spread;
             ALTER TABLE items ADD COLUMN spread BIGINT NULL",
            "bigint",
        ),
    ] {
        let migrator = Migrator::new(&fixtures::generated_stored::MIGRATIONS).unwrap();
        let conn = &mut db.any();
        migrator.upgrade(conn, Target::Head).unwrap();
        conn.batch_execute(sql).unwrap();
        assert_eq!(
            drift(&migrator, conn),
            [format!(
                "column items.spread is `{live}` in the database but `bigint generated stored` in the migrations"
            )],
            "{}",
            db.url
        );
    }
    // The expression is not compared: each server writes it back its own way.
    let db = TestDb::postgres();
    let migrator = Migrator::new(&fixtures::generated_stored::MIGRATIONS).unwrap();
    let conn = &mut db.any();
    migrator.upgrade(conn, Target::Head).unwrap();
    conn.batch_execute(
        "ALTER TABLE items DROP COLUMN spread;
         ALTER TABLE items ADD COLUMN spread bigint GENERATED ALWAYS AS (price - quantity) STORED",
    )
    .unwrap();
    assert_no_drift(&migrator, conn, "another expression, on PostgreSQL");
}
