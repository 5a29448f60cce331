//! Raw SQL: how each statement kind is read on each dialect, and the rules it then raises, where,
//! and what silences them.

use migrate_core::check::{check, Config, DowngradeDef, MigrationDef, Waiver};
use migrate_core::diagnostic::{CheckId, Diagnostic, Location, Part, Section};
use migrate_core::model::{Column, ColumnType, Mode, Op, RawSql, Scalar, Table};
use migrate_core::render::{render, Dialect, Step};
use migrate_core::statements::{read, Effect};

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

fn effects(sql: &str, dialect: Dialect) -> Vec<Effect> {
    let statements = read(sql, dialect);
    assert_eq!(statements.len(), 1, "{sql}");
    statements[0].effects.clone()
}

fn unreadable(sql: &str, dialect: Dialect) -> bool {
    read(sql, dialect)
        .iter()
        .any(|statement| matches!(statement.effects[..], [Effect::Unreadable { .. }]))
}

fn s(text: &str) -> String {
    text.to_owned()
}

#[test]
fn every_statement_kind_is_read_as_what_it_does() {
    use Effect::*;
    let cases: Vec<(&str, Vec<Effect>)> = vec![
        ("CREATE TABLE t (id bigint PRIMARY KEY)", vec![CreatesTable(s("t"))]),
        ("CREATE INDEX ix ON public.Users (email)", vec![BuildsIndex { table: s("users") }]),
        ("CREATE UNIQUE INDEX IF NOT EXISTS ix ON \"Users\" USING gin (lower(email)) WHERE x IS NULL", vec![BuildsIndex { table: s("Users") }]),
        ("CREATE INDEX CONCURRENTLY ix ON users (email)", vec![RunsOutsideTransaction]),
        ("DROP INDEX ix", vec![DropsIndex { index: s("ix") }]),
        ("DROP INDEX CONCURRENTLY IF EXISTS ix", vec![RunsOutsideTransaction]),
        ("REINDEX TABLE users", vec![Reindexes]),
        ("REINDEX INDEX CONCURRENTLY ix", vec![RunsOutsideTransaction]),
        ("REINDEX DATABASE app", vec![Reindexes, RunsOutsideTransaction]),
        ("ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES b (id)", vec![ValidatesConstraint { table: s("users"), kind: "FOREIGN KEY" }]),
        ("ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES b (id) NOT VALID", vec![]),
        ("ALTER TABLE users ADD CONSTRAINT ck CHECK (a > 0)", vec![ValidatesConstraint { table: s("users"), kind: "CHECK" }]),
        ("ALTER TABLE users ADD CONSTRAINT ck CHECK (a > 0) NOT VALID", vec![]),
        ("ALTER TABLE users VALIDATE CONSTRAINT ck", vec![]),
        ("ALTER TABLE users ADD CONSTRAINT uq UNIQUE (a)", vec![BuildsConstraintIndex { table: s("users"), kind: "UNIQUE" }]),
        ("ALTER TABLE users ADD CONSTRAINT uq UNIQUE USING INDEX ix", vec![]),
        ("ALTER TABLE users ADD CONSTRAINT pk PRIMARY KEY (id)", vec![BuildsConstraintIndex { table: s("users"), kind: "PRIMARY KEY" }]),
        ("ALTER TABLE users ADD CONSTRAINT pk PRIMARY KEY USING INDEX ix", vec![]),
        ("ALTER TABLE users ADD CONSTRAINT ex EXCLUDE USING gist (r WITH &&)", vec![BuildsConstraintIndex { table: s("users"), kind: "EXCLUDE" }]),
        ("ALTER TABLE users ADD COLUMN a text NOT NULL", vec![AddsRequiredColumn { table: s("users"), column: s("a") }]),
        ("ALTER TABLE users ADD COLUMN a text NOT NULL DEFAULT ''", vec![]),
        ("ALTER TABLE users ADD COLUMN a text", vec![]),
        ("ALTER TABLE users ADD COLUMN a uuid DEFAULT gen_random_uuid()", vec![AddsVolatileDefault { table: s("users"), column: s("a"), default: s("gen_random_uuid()") }]),
        ("ALTER TABLE users ADD COLUMN a timestamptz DEFAULT now()", vec![]),
        ("ALTER TABLE users ADD COLUMN a bigserial", vec![AddsIdentityColumn { table: s("users"), column: s("a") }]),
        ("ALTER TABLE users ADD COLUMN a bigint GENERATED ALWAYS AS IDENTITY", vec![AddsIdentityColumn { table: s("users"), column: s("a") }]),
        ("ALTER TABLE users ADD COLUMN a int UNIQUE", vec![BuildsConstraintIndex { table: s("users"), kind: "UNIQUE" }]),
        ("ALTER TABLE users ALTER COLUMN a TYPE bigint USING a::bigint", vec![ChangesType { table: s("users"), column: s("a"), to: s("BIGINT") }]),
        ("ALTER TABLE users ALTER COLUMN a SET NOT NULL", vec![SetsNotNull { table: s("users"), column: s("a") }]),
        ("ALTER TABLE users ALTER COLUMN a DROP NOT NULL, ALTER COLUMN b SET DEFAULT 1, ALTER COLUMN c DROP DEFAULT", vec![]),
        ("ALTER TABLE users DROP COLUMN a, DROP COLUMN \"B\"", vec![DropsColumn { table: s("users"), column: s("a") }, DropsColumn { table: s("users"), column: s("B") }]),
        ("ALTER TABLE users DROP CONSTRAINT ck", vec![DropsConstraint { table: s("users"), name: s("ck") }]),
        ("ALTER TABLE users RENAME COLUMN a TO b", vec![RenamesColumn { table: s("users"), from: s("a"), to: s("b") }]),
        ("ALTER TABLE users RENAME TO accounts", vec![RenamesTable { from: s("users"), to: s("accounts") }]),
        ("ALTER TABLE users SET UNLOGGED", vec![RewritesTable { how: "SET UNLOGGED" }]),
        ("ALTER TABLE p DETACH PARTITION c CONCURRENTLY", vec![RunsOutsideTransaction]),
        ("ALTER TABLE p DETACH PARTITION c", vec![Unknown { what: s("ALTER TABLE … DETACH PARTITION c") }]),
        ("DROP TABLE users, \"Orders\" CASCADE", vec![DropsTable(s("users")), DropsTable(s("Orders"))]),
        ("DROP SCHEMA billing CASCADE", vec![DropsSchemaOrDatabase { what: s("schema `billing`") }]),
        ("DROP DATABASE app", vec![DropsSchemaOrDatabase { what: s("database `app`") }]),
        ("DROP TYPE mood CASCADE", vec![Unknown { what: s("DROP TYPE … CASCADE") }]),
        ("DROP VIEW v", vec![]),
        ("TRUNCATE users", vec![Truncates { tables: vec![s("users")], cascade: false }]),
        ("TRUNCATE users, posts CASCADE", vec![Truncates { tables: vec![s("users"), s("posts")], cascade: true }]),
        ("VACUUM FULL users", vec![RewritesTable { how: "VACUUM FULL" }, RunsOutsideTransaction]),
        ("VACUUM (FULL, ANALYZE) users", vec![RewritesTable { how: "VACUUM FULL" }, RunsOutsideTransaction]),
        ("VACUUM ANALYZE users", vec![RunsOutsideTransaction]),
        ("CLUSTER users USING ix", vec![RewritesTable { how: "CLUSTER" }]),
        ("LOCK TABLE users IN ACCESS EXCLUSIVE MODE", vec![LocksTables { tables: vec![s("users")] }]),
        ("BEGIN", vec![ControlsTransaction]),
        ("START TRANSACTION", vec![ControlsTransaction]),
        ("COMMIT", vec![ControlsTransaction]),
        ("ROLLBACK", vec![ControlsTransaction]),
        ("SAVEPOINT a", vec![ControlsTransaction]),
        ("SET lock_timeout = '1s'", vec![ControlsTransaction]),
        ("SET search_path TO app", vec![ControlsTransaction]),
        ("RESET lock_timeout", vec![ControlsTransaction]),
        ("SET LOCAL lock_timeout = '1s'", vec![]),
        // Harmless: no rows of a live table are locked, rewritten or lost.
        ("CREATE VIEW v AS SELECT * FROM users", vec![]),
        ("CREATE OR REPLACE FUNCTION f() RETURNS trigger AS $$ BEGIN NEW.x := 1; RETURN NEW; END; $$ LANGUAGE plpgsql", vec![]),
        ("CREATE TRIGGER t BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION f()", vec![]),
        ("COMMENT ON TABLE users IS 'people'", vec![]),
        ("GRANT SELECT ON users TO app", vec![]),
        ("CREATE EXTENSION IF NOT EXISTS pgcrypto", vec![]),
        ("INSERT INTO roles (name) SELECT 'admin'", vec![]),
        ("UPDATE users SET email = lower(email)", vec![]),
        ("DELETE FROM users WHERE id = 1", vec![]),
        ("ALTER TYPE mood ADD VALUE 'meh'", vec![]),
        ("CREATE TYPE mood AS ENUM ('ok')", vec![]),
    ];
    for (sql, expected) in cases {
        assert_eq!(effects(sql, Dialect::Postgres), expected, "{sql}");
    }
}

#[test]
fn sqlite_and_mysql_texts_are_read_with_their_own_dialect() {
    use Effect::*;
    // A trigger body's `;` does not end the statement.
    let trigger = "CREATE TRIGGER touch AFTER UPDATE ON users BEGIN UPDATE users SET at = 1 WHERE id = NEW.id; END; DROP TABLE old";
    let statements = read(trigger, Dialect::Sqlite);
    assert_eq!(statements.len(), 2);
    assert!(statements[0].text.ends_with("END"));
    assert_eq!(statements[0].effects, []);
    assert_eq!(statements[1].effects, [DropsTable(s("old"))]);
    assert_eq!(
        effects("ALTER TABLE users MODIFY COLUMN a bigint", Dialect::Mysql),
        [ChangesType {
            table: s("users"),
            column: s("a"),
            to: s("BIGINT")
        }]
    );
    assert_eq!(
        effects("ALTER TABLE users CHANGE b c text", Dialect::Mysql),
        [
            ChangesType {
                table: s("users"),
                column: s("b"),
                to: s("TEXT")
            },
            RenamesColumn {
                table: s("users"),
                from: s("b"),
                to: s("c")
            },
        ]
    );
    assert_eq!(
        effects("RENAME TABLE a TO b", Dialect::Mysql),
        [RenamesTable {
            from: s("a"),
            to: s("b")
        }]
    );
    assert_eq!(
        effects("LOCK TABLES t WRITE", Dialect::Mysql),
        [LocksTables {
            tables: vec![s("t")]
        }]
    );
    // PostgreSQL's syntax is not SQLite's: what SQLite cannot run does not read as harmless.
    assert!(unreadable("TRUNCATE users CASCADE", Dialect::Sqlite));
    assert!(unreadable("COMMENT ON TABLE users IS 'x'", Dialect::Mysql));
}

#[test]
fn statements_are_split_and_what_cannot_be_read_hides_nothing_after_it() {
    let statements = read(
        "SELECT 1;\n  CREATE INDEX ix ON t (a) ; DO $$ BEGIN PERFORM 1; END $$; DROP TABLE t",
        Dialect::Postgres,
    );
    let texts: Vec<&str> = statements.iter().map(|s| s.text).collect();
    assert_eq!(
        texts,
        [
            "SELECT 1",
            "CREATE INDEX ix ON t (a)",
            "DO $$ BEGIN PERFORM 1; END $$",
            "DROP TABLE t"
        ]
    );
    let [Effect::Unreadable { reason }] = &statements[2].effects[..] else {
        panic!("{:?}", statements[2])
    };
    assert_eq!(
        reason,
        "Expected: an SQL statement, found: DO at Line: 2, Column: 30"
    );
    assert_eq!(statements[3].effects, [Effect::DropsTable(s("t"))]);
    // Multibyte text before a statement does not shift where it starts.
    let statements = read(
        "SELECT 'ünïcödé'; CREATE INDEX ix ON t (a)",
        Dialect::Postgres,
    );
    assert_eq!(statements[1].text, "CREATE INDEX ix ON t (a)");
    // A text that does not even tokenize is one unreadable statement.
    assert!(unreadable("SELECT 'open; DROP TABLE t", Dialect::Postgres));
    assert_eq!(read("  ; ", Dialect::Postgres), []);
}

// ---------------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------------

fn def(upgrade: Vec<Op>, downgrade: DowngradeDef, waivers: Vec<Waiver>) -> MigrationDef {
    MigrationDef {
        id: "0002_test".into(),
        parents: vec!["0001_base".into()],
        replaces: vec![],
        doc: String::new(),
        upgrade,
        downgrade,
        lock_timeout_ms: None,
        statement_timeout_ms: None,
        waivers,
        adopted_names: false,
    }
}

fn diagnostics(def: MigrationDef) -> Vec<Diagnostic> {
    check(def, &Config::default())
        .1
        .into_iter()
        .filter(|d| matches!(d.check.family(), "safety" | "transactions" | "waivers"))
        .collect()
}

fn execute(up: &str) -> Op {
    Op::Execute {
        up: up.to_owned().into(),
        down: None,
    }
}

fn execute_with_down(up: &str, down: &str) -> Op {
    Op::Execute {
        up: up.to_owned().into(),
        down: Some(down.to_owned().into()),
    }
}

/// The rules the upgrade `ops` break, with where.
fn rules(ops: Vec<Op>) -> Vec<(CheckId, Location)> {
    waived(ops, vec![])
}

fn waived(ops: Vec<Op>, waivers: Vec<Waiver>) -> Vec<(CheckId, Location)> {
    diagnostics(def(ops, DowngradeDef::Irreversible("test".into()), waivers))
        .iter()
        .map(|d| (d.check, d.at))
        .collect()
}

fn at(section: Section, position: usize) -> Location {
    Location::new(section, Part::Value(position))
}

fn up0() -> Location {
    at(Section::Upgrade(0), 0)
}

fn users() -> Table {
    Table {
        name: "users".into(),
        columns: vec![Column {
            name: "id".into(),
            ty: ColumnType::Scalar(Scalar::BigInt),
            nullable: false,
            default: None,
            identity: true,
            generated: None,
        }]
        .into(),
        primary_key: None,
    }
}

#[test]
fn each_statement_raises_the_rule_of_the_typed_op_it_amounts_to() {
    use CheckId::*;
    let cases: Vec<(&str, Vec<CheckId>)> = vec![
        ("CREATE INDEX ix ON users (email)", vec![IndexNotConcurrent]),
        ("DROP INDEX ix", vec![DropIndexNotConcurrent]),
        ("REINDEX TABLE users", vec![ReindexNotConcurrent]),
        (
            "ALTER TABLE users ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES b (id)",
            vec![ConstraintValidatesTable],
        ),
        (
            "ALTER TABLE users ADD CONSTRAINT ck CHECK (a > 0)",
            vec![ConstraintValidatesTable],
        ),
        (
            "ALTER TABLE users ADD CONSTRAINT uq UNIQUE (a)",
            vec![ConstraintBuildsIndex],
        ),
        (
            "ALTER TABLE users ADD CONSTRAINT pk PRIMARY KEY (id)",
            vec![ConstraintBuildsIndex],
        ),
        (
            "ALTER TABLE users ADD CONSTRAINT ex EXCLUDE USING gist (r WITH &&)",
            vec![ConstraintBuildsIndex],
        ),
        (
            "ALTER TABLE users ADD COLUMN a text NOT NULL",
            vec![AddColumnRequired],
        ),
        (
            "ALTER TABLE users ADD COLUMN a uuid DEFAULT gen_random_uuid()",
            vec![AddColumnVolatileDefault],
        ),
        (
            "ALTER TABLE users ADD COLUMN a bigserial",
            vec![AddColumnIdentity],
        ),
        (
            "ALTER TABLE users ALTER COLUMN a TYPE bigint",
            vec![TypeChangeRewrites],
        ),
        (
            "ALTER TABLE users ALTER COLUMN a SET NOT NULL",
            vec![SetNotNullScans],
        ),
        ("ALTER TABLE users DROP COLUMN a", vec![DropColumn]),
        ("ALTER TABLE users DROP CONSTRAINT ck", vec![DropConstraint]),
        ("ALTER TABLE users RENAME COLUMN a TO b", vec![RenameColumn]),
        ("ALTER TABLE users RENAME TO accounts", vec![RenameTable]),
        ("DROP TABLE users", vec![DropTable]),
        ("DROP SCHEMA billing", vec![DropSchemaOrDatabase]),
        ("DROP DATABASE app", vec![DropSchemaOrDatabase]),
        ("TRUNCATE users", vec![TruncateTable]),
        ("TRUNCATE users CASCADE", vec![TruncateTable]),
        ("VACUUM FULL users", vec![TableRewrite]),
        ("CLUSTER users USING ix", vec![TableRewrite]),
        ("ALTER TABLE users SET LOGGED", vec![TableRewrite]),
        ("LOCK TABLE users IN SHARE MODE", vec![LockTable]),
        ("BEGIN", vec![TransactionControl]),
        ("COMMIT", vec![TransactionControl]),
        ("ROLLBACK", vec![TransactionControl]),
        ("SET statement_timeout = 0", vec![TransactionControl]),
        ("DO $$ BEGIN END $$", vec![RawSql]),
        ("ALTER TABLE users SET TABLESPACE fast", vec![RawSql]),
        ("ALTER TABLE p DETACH PARTITION c", vec![RawSql]),
        // The safe forms.
        ("CREATE INDEX CONCURRENTLY ix ON users (email)", vec![]),
        ("DROP INDEX CONCURRENTLY ix", vec![]),
        ("REINDEX INDEX CONCURRENTLY ix", vec![]),
        (
            "ALTER TABLE users ADD CONSTRAINT ck CHECK (a > 0) NOT VALID",
            vec![],
        ),
        (
            "ALTER TABLE users ADD CONSTRAINT uq UNIQUE USING INDEX ix",
            vec![],
        ),
        ("ALTER TABLE users ADD COLUMN a text", vec![]),
        ("SET LOCAL lock_timeout = '1s'", vec![]),
        ("CREATE VIEW v AS SELECT 1", vec![]),
        ("INSERT INTO roles (name) VALUES ('admin')", vec![]),
    ];
    for (sql, expected) in cases {
        let found: Vec<CheckId> = rules(vec![execute(sql)])
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        assert_eq!(found, expected, "{sql}");
        for (_, location) in rules(vec![execute(sql)]) {
            assert_eq!(location, up0(), "{sql}");
        }
    }
}

#[test]
fn the_message_quotes_the_statement_and_names_the_safe_form() {
    let found = diagnostics(def(
        vec![execute("SELECT 1;\nCREATE   INDEX ix ON users (email)")],
        DowngradeDef::Irreversible("test".into()),
        vec![],
    ));
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].to_string(),
        "statement 2 of the SQL `CREATE INDEX ix ON users (email)` builds an index on existing table `users` under a SHARE lock: every INSERT, UPDATE and DELETE on it waits for the whole build [index_not_concurrent]\n\nhelp: write `CREATE INDEX CONCURRENTLY` in an `execute` of its own (the migration then runs outside a transaction), or the typed `create_index(…, concurrently)`"
    );
    let found = diagnostics(def(
        vec![execute(
            "ALTER TABLE users ADD CONSTRAINT ck CHECK (age >= 0)",
        )],
        DowngradeDef::Irreversible("test".into()),
        vec![],
    ));
    assert!(found[0]
        .help
        .as_deref()
        .unwrap_or_default()
        .contains("`NOT VALID`, then `ALTER TABLE … VALIDATE CONSTRAINT …` in a later migration"));
    let found = diagnostics(def(
        vec![execute("DO $$ BEGIN END $$")],
        DowngradeDef::Irreversible("test".into()),
        vec![],
    ));
    assert_eq!(
        found[0].message,
        "the SQL `DO $$ BEGIN END $$` could not be parsed (Expected: an SQL statement, found: DO at Line: 1, Column: 1), so nothing here can tell what it locks, rewrites or loses"
    );
    // A long statement is quoted by its start.
    let long = format!("CREATE INDEX ix ON users ({})", vec!["a"; 40].join(", "));
    let found = diagnostics(def(
        vec![execute(&long)],
        DowngradeDef::Irreversible("t".into()),
        vec![],
    ));
    assert!(
        found[0].message.contains(
            "`CREATE INDEX ix ON users (a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a …`"
        ),
        "{}",
        found[0].message
    );
}

#[test]
fn tables_created_in_the_same_migration_need_no_online_form() {
    // Typed, then raw.
    assert_eq!(
        rules(vec![
            Op::CreateTable(users()),
            execute("CREATE INDEX ix ON users (id); ALTER TABLE users ADD CONSTRAINT ck CHECK (id > 0), ALTER COLUMN id SET NOT NULL"),
        ]),
        []
    );
    // Raw, in the same text and in an earlier execute, renamed on the way.
    assert_eq!(
        rules(vec![
            execute("CREATE TABLE t (id bigint)"),
            execute(
                "ALTER TABLE t RENAME TO u; CREATE INDEX ix ON u (id); TRUNCATE u; DROP TABLE u"
            ),
        ]),
        []
    );
    // A dropped table is existing again once re-created elsewhere: not here.
    assert_eq!(
        rules(vec![execute(
            "CREATE TABLE t (id bigint); DROP TABLE t; CREATE INDEX ix ON t (id)"
        )]),
        [(CheckId::IndexNotConcurrent, up0())]
    );
}

#[test]
fn lock_rules_read_the_postgres_text_and_loss_rules_every_text() {
    let op = Op::Execute {
        up: RawSql::PerDialect(
            vec![
                (Dialect::Postgres, "CREATE INDEX ix ON users (a)".into()),
                (Dialect::Sqlite, "CREATE INDEX ix ON users (a)".into()),
                (Dialect::Mysql, "ALTER TABLE users DROP COLUMN a".into()),
            ]
            .into(),
        ),
        down: None,
    };
    assert_eq!(
        rules(vec![op]),
        [
            (CheckId::IndexNotConcurrent, at(Section::Upgrade(0), 0)),
            (CheckId::DropColumn, at(Section::Upgrade(0), 2)),
        ]
    );
    // An explicit table lock outlives the statement on every database.
    let lock = Op::Execute {
        up: RawSql::PerDialect(vec![(Dialect::Mysql, "LOCK TABLES users WRITE".into())].into()),
        down: None,
    };
    assert_eq!(rules(vec![lock]), [(CheckId::LockTable, up0())]);
}

#[test]
fn the_down_sql_is_checked_where_it_runs() {
    // `change`: the computed downgrade runs the `down:`; the diagnostic points at its literal
    // (value 1), and says it is the downgrade.
    let op = execute_with_down("CREATE INDEX CONCURRENTLY ix ON users (a)", "DROP INDEX ix");
    let found = diagnostics(def(vec![op], DowngradeDef::Computed, vec![]));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].check, CheckId::DropIndexNotConcurrent);
    assert_eq!(found[0].at, at(Section::ComputedDowngrade(0), 1));
    assert!(
        found[0]
            .message
            .starts_with("the computed downgrade undoes this op with `execute(\"DROP INDEX ix\""),
        "{}",
        found[0].message
    );
    assert!(
        found[0]
            .message
            .contains("the `down:` SQL `DROP INDEX ix` drops index `ix`"),
        "{}",
        found[0].message
    );
    // Per dialect, the `down:` texts come after the upgrade's.
    let op = Op::Execute {
        up: RawSql::PerDialect(
            vec![
                (Dialect::Postgres, "SELECT 1".into()),
                (Dialect::Sqlite, "SELECT 1".into()),
            ]
            .into(),
        ),
        down: Some(RawSql::PerDialect(
            vec![
                (Dialect::Postgres, "LOCK TABLE users".into()),
                (Dialect::Sqlite, "SELECT 2".into()),
            ]
            .into(),
        )),
    };
    let found = diagnostics(def(vec![op], DowngradeDef::Computed, vec![]));
    assert_eq!(
        found.iter().map(|d| (d.check, d.at)).collect::<Vec<_>>(),
        [(CheckId::LockTable, at(Section::ComputedDowngrade(0), 2))]
    );
    // A written downgrade: checked as its own ops, for what hurts while it runs (a drop is what
    // a downgrade is for).
    let found = diagnostics(def(
        vec![execute_with_down(
            "CREATE TABLE t (id bigint)",
            "DROP TABLE t",
        )],
        DowngradeDef::Ops(vec![execute_with_down(
            "DROP TABLE t; CREATE INDEX ix ON users (a)",
            "CREATE TABLE t (id bigint)",
        )]),
        vec![],
    ));
    assert_eq!(
        found.iter().map(|d| (d.check, d.at)).collect::<Vec<_>>(),
        [(CheckId::IndexNotConcurrent, at(Section::Downgrade(0), 0))]
    );
}

fn waiver(checks: &[CheckId]) -> Waiver {
    Waiver {
        section: Section::Upgrade(0),
        checks: checks.to_vec(),
        reason: "reviewed".into(),
    }
}

#[test]
fn a_waiver_silences_exactly_the_rules_it_names() {
    let sql = || execute("CREATE INDEX ix ON users (a); DROP TABLE old; DO $$ BEGIN END $$");
    assert_eq!(
        rules(vec![sql()]),
        [
            (CheckId::IndexNotConcurrent, up0()),
            (CheckId::DropTable, up0()),
            (CheckId::RawSql, up0()),
        ]
    );
    // `raw_sql` no longer silences what the SQL is known to do.
    assert_eq!(
        waived(vec![sql()], vec![waiver(&[CheckId::RawSql])]),
        [
            (CheckId::IndexNotConcurrent, up0()),
            (CheckId::DropTable, up0())
        ]
    );
    // Each rule named is silenced, and a waiver that silences one is used.
    assert_eq!(
        waived(
            vec![sql()],
            vec![waiver(&[
                CheckId::IndexNotConcurrent,
                CheckId::DropTable,
                CheckId::RawSql
            ])]
        ),
        []
    );
    // Harmless SQL needs no waiver: one is reported as unused.
    assert_eq!(
        waived(
            vec![execute("CREATE VIEW v AS SELECT 1")],
            vec![waiver(&[CheckId::RawSql])]
        ),
        [(
            CheckId::UnusedWaiver,
            Location::new(Section::Upgrade(0), Part::Waiver)
        )]
    );
    // Transaction control cannot be waived (the macro refuses such a waiver outright).
    assert!(waived(
        vec![execute("COMMIT")],
        vec![waiver(&[CheckId::TransactionControl])]
    )
    .contains(&(CheckId::TransactionControl, up0())));
}

#[test]
fn concurrent_statements_run_outside_a_transaction_on_their_own() {
    let concurrent = || execute("CREATE INDEX CONCURRENTLY ix ON users (a)");
    let (migration, _) = check(
        def(
            vec![concurrent()],
            DowngradeDef::Irreversible("t".into()),
            vec![],
        ),
        &Config::default(),
    );
    assert_eq!(migration.mode, Mode::NonTransactional);
    assert!(concurrent().is_concurrent());
    assert!(!execute("CREATE INDEX ix ON users (a)").is_concurrent());
    // The SQLite text of the same op does not decide for PostgreSQL.
    let per_dialect = Op::Execute {
        up: RawSql::PerDialect(
            vec![
                (Dialect::Postgres, "SELECT 1".into()),
                (Dialect::Sqlite, "VACUUM".into()),
            ]
            .into(),
        ),
        down: None,
    };
    assert!(!per_dialect.is_concurrent());
    assert_eq!(
        render(&concurrent(), Dialect::Postgres),
        [Step::SqlOutsideTransaction(
            "CREATE INDEX CONCURRENTLY ix ON users (a)".into()
        )]
    );
    // Several statements: one step each, since PostgreSQL refuses these even in the implicit
    // transaction of statements sent together; other SQL keeps its single step.
    let two =
        execute("CREATE INDEX CONCURRENTLY a ON t (a);\nCREATE INDEX CONCURRENTLY b ON t (b);");
    assert_eq!(
        render(&two, Dialect::Postgres),
        [
            Step::SqlOutsideTransaction("CREATE INDEX CONCURRENTLY a ON t (a)".into()),
            Step::SqlOutsideTransaction("CREATE INDEX CONCURRENTLY b ON t (b)".into()),
        ]
    );
    assert_eq!(
        render(&two, Dialect::Sqlite),
        [Step::Sql(
            "CREATE INDEX CONCURRENTLY a ON t (a);\nCREATE INDEX CONCURRENTLY b ON t (b);".into()
        )]
    );
    assert_eq!(
        render(&execute("SELECT 1; SELECT 2"), Dialect::Postgres),
        [Step::Sql("SELECT 1; SELECT 2".into())]
    );
    // Beside other statements, or other ops, it would break their all-or-nothing guarantee.
    assert_eq!(
        rules(vec![execute(
            "UPDATE users SET a = 1; CREATE INDEX CONCURRENTLY ix ON users (a)"
        )]),
        [(CheckId::MixedTransactionModes, up0())]
    );
    assert_eq!(
        rules(vec![
            concurrent(),
            execute("ALTER TABLE users ADD COLUMN b text")
        ]),
        [(
            CheckId::MixedTransactionModes,
            Location::op(Section::Upgrade(1))
        )]
    );
}
