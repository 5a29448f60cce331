//! Generated columns through every part of core: their canonical text (which leaves every other
//! column's alone), the SQL per dialect, the schema a chain folds, drift's words, and the rules of
//! the targets that cannot run them.

// A failed `unwrap` in a test is the test failing, with the error in the message.
#![allow(clippy::unwrap_used)]

use migrate_core::check::{check, Config, DowngradeDef, MigrationDef};
use migrate_core::diagnostic::{CheckId, Location, Part, Section};
use migrate_core::fold::{compare, expected, fold, fold_for, schema, Objects};
use migrate_core::model::{
    encoding, Column, ColumnType, Generated, Migration, Op, PrimaryKey, Scalar, Table, Text,
};
use migrate_core::render::{render, render_ops, Dialect, Step};

fn column(name: &'static str, scalar: Scalar) -> Column {
    Column {
        name: name.into(),
        ty: ColumnType::Scalar(scalar),
        nullable: false,
        default: None,
        identity: false,
        generated: None,
    }
}

/// `total: integer generated("price * quantity") [stored]`, NOT NULL.
fn total(stored: bool) -> Column {
    Column {
        generated: Some(Generated {
            expr: "price * quantity".into(),
            stored,
        }),
        ..column("total", Scalar::Integer)
    }
}

fn nullable(column: Column) -> Column {
    Column {
        nullable: true,
        ..column
    }
}

fn lines(columns: Vec<Column>) -> Op {
    Op::CreateTable(Table {
        name: "lines".into(),
        columns: [
            vec![
                column("id", Scalar::BigInt),
                column("price", Scalar::Integer),
                column("quantity", Scalar::Integer),
            ],
            columns,
        ]
        .concat()
        .into(),
        primary_key: Some(PrimaryKey {
            name: "pk_lines".into(),
            columns: vec![Text::from("id")].into(),
        }),
    })
}

fn add_total(column: Column) -> Op {
    Op::AddColumn {
        table: "lines".into(),
        column,
    }
}

fn migration(id: &str, parents: &[&str], upgrade: Vec<Op>) -> Migration {
    let def = MigrationDef {
        id: id.into(),
        parents: parents.iter().map(|parent| parent.to_string()).collect(),
        replaces: vec![],
        doc: String::new(),
        upgrade,
        downgrade: DowngradeDef::Computed,
        lock_timeout_ms: None,
        statement_timeout_ms: None,
        waivers: vec![],
        adopted_names: false,
    };
    check(def, &Config::default()).0
}

fn sql(steps: Vec<Step>) -> Vec<String> {
    steps.iter().map(Step::display_sql).collect()
}

// ---------------------------------------------------------------------------------------------
// The model
// ---------------------------------------------------------------------------------------------

#[test]
fn the_canonical_text_prints_the_modifier_only_on_generated_columns() {
    assert_eq!(
        total(false).to_string(),
        r#"total: integer generated("price * quantity")"#
    );
    assert_eq!(
        nullable(total(true)).to_string(),
        r#"total: integer nullable generated("price * quantity") stored"#
    );
    // Every other column reads as it did, so no checksum of an applied migration changes.
    assert_eq!(
        column("total", Scalar::Integer).to_string(),
        "total: integer"
    );
}

#[test]
fn the_expression_and_storage_are_part_of_the_checksum() {
    let checksum = |column| migration("0001_lines", &[], vec![lines(vec![column])]).checksum;
    let sums = [
        checksum(column("total", Scalar::Integer)),
        checksum(total(false)),
        checksum(total(true)),
        checksum(Column {
            generated: Some(Generated {
                expr: "price + quantity".into(),
                stored: true,
            }),
            ..total(true)
        }),
    ];
    for (i, a) in sums.iter().enumerate() {
        for b in &sums[i + 1..] {
            assert_ne!(a, b);
        }
    }
}

#[test]
fn the_encoding_keeps_the_column() {
    let built = migration(
        "0001_lines",
        &[],
        vec![lines(vec![total(true), total(false)])],
    );
    assert_eq!(encoding::decode(&encoding::encode(&built)).unwrap(), built);
}

#[test]
fn the_computed_downgrade_records_the_generated_column() {
    let built = migration(
        "0002_total",
        &["0001_lines"],
        vec![add_total(nullable(total(false)))],
    );
    assert_eq!(
        migrate_core::canonical::downgrade(&built.downgrade),
        "downgrade {\n    drop_column(lines, total: integer nullable generated(\"price * quantity\"));\n}\n"
    );
}

// ---------------------------------------------------------------------------------------------
// SQL
// ---------------------------------------------------------------------------------------------

#[test]
fn a_new_table_declares_the_column_on_every_dialect() {
    let op = lines(vec![
        total(true),
        nullable(Column {
            name: "doubled".into(),
            ..total(false)
        }),
    ]);
    assert_eq!(
        sql(render(&lines(vec![total(true)]), Dialect::Postgres)),
        [
            r#"CREATE TABLE "lines" ("id" bigint NOT NULL, "price" integer NOT NULL, "quantity" integer NOT NULL, "total" integer GENERATED ALWAYS AS (price * quantity) STORED NOT NULL, CONSTRAINT "pk_lines" PRIMARY KEY ("id"));"#
        ]
    );
    assert_eq!(
        sql(render(&op, Dialect::Sqlite)),
        [
            r#"CREATE TABLE "lines" ("id" BIGINT NOT NULL, "price" INTEGER NOT NULL, "quantity" INTEGER NOT NULL, "total" INTEGER GENERATED ALWAYS AS (price * quantity) STORED NOT NULL, "doubled" INTEGER GENERATED ALWAYS AS (price * quantity) VIRTUAL, CONSTRAINT "pk_lines" PRIMARY KEY ("id"));"#
        ]
    );
    // MariaDB takes neither `NULL` nor `NOT NULL` after the expression (the fold refuses a
    // generated column that is not nullable when `mysql` is a target; MySQL 8 takes it).
    assert_eq!(
        sql(render(&op, Dialect::Mysql)),
        ["CREATE TABLE `lines` (`id` BIGINT NOT NULL, `price` INT NOT NULL, `quantity` INT NOT NULL, `total` INT GENERATED ALWAYS AS (price * quantity) STORED NOT NULL, `doubled` INT GENERATED ALWAYS AS (price * quantity) VIRTUAL, CONSTRAINT `pk_lines` PRIMARY KEY (`id`));"]
    );
}

#[test]
fn postgres_refuses_a_virtual_column_before_the_run() {
    for op in [lines(vec![total(false)]), add_total(nullable(total(false)))] {
        assert_eq!(
            render(&op, Dialect::Postgres),
            [Step::Unsupported(
                r#""lines"."total" is a virtual generated column, which PostgreSQL has only from version 18: mark it `stored`"#
                    .into()
            )],
            "{op}"
        );
    }
}

#[test]
fn adding_a_column_writes_what_each_backend_can_do_in_place() {
    let stored = add_total(nullable(total(true)));
    let virtual_column = add_total(nullable(total(false)));
    assert_eq!(
        sql(render(&stored, Dialect::Postgres)),
        [
            r#"ALTER TABLE "lines" ADD COLUMN "total" integer GENERATED ALWAYS AS (price * quantity) STORED;"#
        ]
    );
    // SQLite's `ADD COLUMN` refuses a stored generated column: the table is rebuilt with it.
    assert_eq!(
        render(&stored, Dialect::Sqlite),
        [Step::RebuildTable {
            table: "lines".into(),
            op: stored.clone()
        }]
    );
    assert_eq!(
        sql(render(&virtual_column, Dialect::Sqlite)),
        [
            r#"ALTER TABLE "lines" ADD COLUMN "total" INTEGER GENERATED ALWAYS AS (price * quantity) VIRTUAL;"#
        ]
    );
    // MySQL copies the table for a stored column (no online form to ask for); a virtual one is
    // metadata.
    let mysql = |op: &Op| sql(render(op, Dialect::Mysql));
    assert_eq!(
        mysql(&stored),
        ["ALTER TABLE `lines` ADD COLUMN `total` INT GENERATED ALWAYS AS (price * quantity) STORED;"]
    );
    assert_eq!(
        mysql(&virtual_column),
        ["ALTER TABLE `lines` ADD COLUMN `total` INT GENERATED ALWAYS AS (price * quantity) VIRTUAL, ALGORITHM=INSTANT;"]
    );
    // On a table created in the same list, the plain forms.
    assert_eq!(
        sql(render_ops(&[lines(vec![]), virtual_column], Dialect::Mysql).remove(1)),
        ["ALTER TABLE `lines` ADD COLUMN `total` INT GENERATED ALWAYS AS (price * quantity) VIRTUAL;"]
    );
}

// ---------------------------------------------------------------------------------------------
// The fold and drift
// ---------------------------------------------------------------------------------------------

#[test]
fn the_folded_schema_keeps_the_column_and_drift_compares_its_storage() {
    let first = migration("0001_lines", &[], vec![lines(vec![total(true)])]);
    let folded = schema(&[&first], None).unwrap();
    assert_eq!(folded.tables[0].columns[3], total(true));

    // PostgreSQL's catalog holds the expression where a default goes, rewritten: not a default.
    let mut live = Objects::default();
    live.table("lines");
    for name in ["id", "price", "quantity"] {
        let ty = if name == "id" { "bigint" } else { "integer" };
        live.column("lines", name, ty, true, false, None);
    }
    live.column(
        "lines",
        "total",
        "integer",
        true,
        false,
        Some("(price * quantity)"),
    );
    live.generated("lines", "total", true);
    live.primary_key("lines", Some("pk_lines"), &["id"]);
    assert_eq!(
        compare(&expected(&folded, Dialect::Postgres), &live, &[]),
        []
    );

    // The same column, not generated: drift.
    let mut plain = live.clone();
    plain.column("lines", "total", "integer", true, false, None);
    assert_eq!(
        compare(&expected(&folded, Dialect::Postgres), &plain, &[])
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["column lines.total is `integer not null` in the database but `integer not null generated stored` in the migrations"]
    );
}

#[test]
fn a_drop_that_records_the_column_as_not_generated_does_not_match_the_chain() {
    let first = migration("0001_lines", &[], vec![lines(vec![total(true)])]);
    let second = migration(
        "0002_drop_total",
        &["0001_lines"],
        vec![Op::DropColumn {
            table: "lines".into(),
            column: column("total", Scalar::Integer),
        }],
    );
    let problems = fold(&[&first, &second]).unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].diagnostic.check, CheckId::DefinitionMismatch);
    assert!(
        problems[0]
            .diagnostic
            .message
            .ends_with(r#"not generated where it was `generated("price * quantity") stored`"#),
        "{}",
        problems[0].diagnostic.message
    );
}

// ---------------------------------------------------------------------------------------------
// The targets' rules
// ---------------------------------------------------------------------------------------------

fn rules(upgrade: Vec<Op>, targets: &[Dialect]) -> Vec<(CheckId, Location)> {
    let first = migration("0001_lines", &[], upgrade);
    fold_for(&[&first], targets)
        .unwrap()
        .into_iter()
        .map(|problem| (problem.diagnostic.check, problem.diagnostic.at))
        .collect()
}

#[test]
fn a_virtual_column_is_refused_where_postgres_is_a_target() {
    let refused = |position| {
        vec![(
            CheckId::PostgresUnsupported,
            Location::new(Section::Upgrade(0), Part::Value(position)),
        )]
    };
    let create = vec![lines(vec![nullable(total(false))])];
    // No targets: PostgreSQL and SQLite.
    assert_eq!(rules(create.clone(), &[]), refused(3));
    assert_eq!(rules(create.clone(), &[Dialect::Postgres]), refused(3));
    assert_eq!(
        rules(create.clone(), &[Dialect::Sqlite, Dialect::Mysql]),
        []
    );
    let add = vec![lines(vec![]), add_total(nullable(total(false)))];
    assert_eq!(
        rules(add, &[]),
        [(
            CheckId::PostgresUnsupported,
            Location::new(Section::Upgrade(1), Part::Value(0)),
        )]
    );
    assert_eq!(rules(vec![lines(vec![nullable(total(true))])], &[]), []);
}

#[test]
fn a_generated_column_must_be_nullable_where_mysql_is_a_target() {
    let mysql = [Dialect::Sqlite, Dialect::Mysql];
    assert_eq!(
        rules(vec![lines(vec![total(false)])], &mysql),
        [(
            CheckId::MysqlUnsupported,
            Location::new(Section::Upgrade(0), Part::Column(3)),
        )]
    );
    assert_eq!(
        rules(vec![lines(vec![]), add_total(total(false))], &mysql),
        [(
            CheckId::MysqlUnsupported,
            Location::new(Section::Upgrade(1), Part::Column(0)),
        )]
    );
    assert_eq!(rules(vec![lines(vec![nullable(total(false))])], &mysql), []);
    // Without MySQL, a NOT NULL generated column is fine.
    assert_eq!(
        rules(vec![lines(vec![total(true)])], &[Dialect::Sqlite]),
        []
    );
}

#[test]
fn a_generated_expression_may_not_hold_a_nul() {
    let def = MigrationDef {
        id: "0001_lines".into(),
        parents: vec![],
        replaces: vec![],
        doc: String::new(),
        upgrade: vec![lines(vec![Column {
            generated: Some(Generated {
                expr: "price\0".into(),
                stored: true,
            }),
            ..total(true)
        }])],
        downgrade: DowngradeDef::Computed,
        lock_timeout_ms: None,
        statement_timeout_ms: None,
        waivers: vec![],
        adopted_names: false,
    };
    let (_, diagnostics) = check(def, &Config::default());
    assert_eq!(
        diagnostics
            .iter()
            .map(|diagnostic| (diagnostic.check, diagnostic.at))
            .collect::<Vec<_>>(),
        [(
            CheckId::NulCharacter,
            Location::new(Section::Upgrade(0), Part::Value(3)),
        )]
    );
}

#[test]
fn the_diesel_schema_declares_the_column_it_can_read() {
    let first = migration("0001_lines", &[], vec![lines(vec![nullable(total(true))])]);
    let module =
        migrate_core::render::diesel_schema(&schema(&[&first], None).unwrap(), Dialect::Postgres);
    assert!(
        module.contains("        total -> Nullable<Int4>,\n"),
        "{module}"
    );
}
