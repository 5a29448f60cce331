//! The SQL each op becomes, on PostgreSQL and on SQLite.

use migrate_core::check::MAX_IDENTIFIER_BYTES;
use migrate_core::check::{check, Config, DowngradeDef, MigrationDef};
use migrate_core::model::{
    CheckConstraint, Column, ColumnChange, ColumnType, DefaultValue, EnumPosition, EnumType,
    ForeignKey, Index, Op, PrimaryKey, RawSql, ReferentialAction, Scalar, SqlFunction, Table,
    UniqueConstraint, Unpublished,
};
use migrate_core::render::{
    generated_name, quote_ident, quote_literal, render, render_ops, render_ops_in, render_upgrade,
    Dialect, Keyset, Step,
};
use migrate_core::schema::Simulation;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn pg(op: &Op) -> Vec<Step> {
    render(op, Dialect::Postgres)
}

fn lite(op: &Op) -> Vec<Step> {
    render(op, Dialect::Sqlite)
}

fn sql(text: &str) -> Vec<Step> {
    vec![Step::Sql(text.to_owned())]
}

fn outside(text: &str) -> Vec<Step> {
    vec![Step::SqlOutsideTransaction(text.to_owned())]
}

/// Several statements, each a `Step::Sql`, in order.
fn sqls(texts: &[&str]) -> Vec<Step> {
    texts
        .iter()
        .map(|text| Step::Sql((*text).to_owned()))
        .collect()
}

/// The drop of an INVALID index a failed concurrent build left, then the concurrent build.
fn drop_invalid_then_outside(name: &str, text: &str) -> Vec<Step> {
    vec![
        Step::DropInvalidIndex(name.to_owned()),
        Step::SqlOutsideTransaction(text.to_owned()),
    ]
}

/// `render_ops` on PostgreSQL.
fn pg_ops(ops: &[Op]) -> Vec<Vec<Step>> {
    render_ops(ops, Dialect::Postgres)
}

fn rebuild(table: &str, op: &Op) -> Vec<Step> {
    vec![Step::RebuildTable {
        table: table.to_owned(),
        op: op.clone(),
    }]
}

fn column(name: &'static str, ty: Scalar) -> Column {
    Column {
        name: name.into(),
        ty: ColumnType::Scalar(ty),
        nullable: false,
        default: None,
        identity: false,
        generated: None,
    }
}

fn add_column(column: Column) -> Op {
    Op::AddColumn {
        table: "users".into(),
        column,
    }
}

fn alter(change: ColumnChange) -> Op {
    Op::AlterColumn {
        table: "users".into(),
        column: "age".into(),
        change,
    }
}

fn users_table() -> Table {
    Table {
        name: "users".into(),
        columns: vec![
            Column {
                identity: true,
                ..column("id", Scalar::BigInt)
            },
            column("email", Scalar::Text),
            Column {
                nullable: true,
                default: Some(DefaultValue::Str("anon".into())),
                ..column("name", Scalar::Varchar(100))
            },
        ]
        .into(),
        primary_key: Some(PrimaryKey {
            name: "pk_users".into(),
            columns: vec!["id".into()].into(),
        }),
    }
}

fn index() -> Index {
    Index {
        name: "ix_users_email".into(),
        table: "users".into(),
        columns: vec!["email".into()].into(),
        unique: false,
        predicate: None,
        concurrently: false,
    }
}

fn fk(on_delete: ReferentialAction) -> ForeignKey {
    ForeignKey {
        name: "fk_orders_user_id".into(),
        table: "orders".into(),
        columns: vec!["user_id".into()].into(),
        referenced_table: "users".into(),
        referenced_columns: vec!["id".into()].into(),
        on_delete,
        on_update: ReferentialAction::NoAction,
    }
}

fn age_check() -> CheckConstraint {
    CheckConstraint {
        name: "ck_users_age_positive".into(),
        table: "users".into(),
        expr: "age > 0".into(),
    }
}

fn unique() -> UniqueConstraint {
    UniqueConstraint {
        name: "uq_users_email".into(),
        table: "users".into(),
        columns: vec!["email".into(), "tenant_id".into()].into(),
    }
}

fn mood() -> EnumType {
    EnumType {
        name: "mood".into(),
        values: vec!["sad".into(), "it's ok".into(), "happy".into()].into(),
    }
}

// ---------------------------------------------------------------------------------------------
// Quoting
// ---------------------------------------------------------------------------------------------

#[test]
fn identifiers_are_always_quoted_with_embedded_quotes_doubled() {
    assert_eq!(quote_ident("users"), r#""users""#);
    assert_eq!(quote_ident(r#"we"ird"#), r#""we""ird""#);
    assert_eq!(quote_ident(r#""""#), r#""""""""#);
    assert_eq!(quote_ident("it's"), r#""it's""#);
    assert_eq!(quote_ident("Mixed Case"), r#""Mixed Case""#);
}

#[test]
fn literals_are_quoted_with_embedded_quotes_doubled_and_backslashes_kept() {
    assert_eq!(quote_literal("abc"), "'abc'");
    assert_eq!(quote_literal("it's"), "'it''s'");
    assert_eq!(quote_literal("''"), "''''''");
    assert_eq!(quote_literal(r"C:\dir"), r"'C:\dir'");
    assert_eq!(quote_literal(r#"say "hi""#), r#"'say "hi"'"#);
}

#[test]
fn identifiers_with_quotes_in_every_position_of_an_op() {
    let op = Op::RenameColumn {
        table: r#"my"table"#.into(),
        from: r#"a"b"#.into(),
        to: r#"c""d"#.into(),
    };
    let expected = r#"ALTER TABLE "my""table" RENAME COLUMN "a""b" TO "c""""d""#;
    assert_eq!(pg(&op), sql(expected));
    assert_eq!(lite(&op), sql(expected));

    let op = Op::CreateIndex(Index {
        name: r#"ix_"q""#.into(),
        table: r#"t"t"#.into(),
        columns: vec![r#"c"1"#.into(), "c2".into()].into(),
        ..index()
    });
    let expected = r#"CREATE INDEX "ix_""q""" ON "t""t" ("c""1", "c2")"#;
    assert_eq!(pg(&op), sql(expected));
    assert_eq!(lite(&op), sql(expected));
}

#[test]
fn literals_with_quotes_in_defaults_and_enum_labels() {
    let op = add_column(Column {
        default: Some(DefaultValue::Str("O'Reilly".into())),
        ..column("publisher", Scalar::Text)
    });
    assert_eq!(
        pg(&op),
        sql(r#"ALTER TABLE "users" ADD COLUMN "publisher" text NOT NULL DEFAULT 'O''Reilly'"#)
    );
    assert_eq!(
        lite(&op),
        sql(r#"ALTER TABLE "users" ADD COLUMN "publisher" TEXT NOT NULL DEFAULT 'O''Reilly'"#)
    );

    let op = Op::AddEnumValue {
        enum_name: r#"my"mood"#.into(),
        value: "can't say".into(),
        position: Some(EnumPosition::After("it's ok".into())),
    };
    assert_eq!(
        pg(&op),
        sql(r#"ALTER TYPE "my""mood" ADD VALUE 'can''t say' AFTER 'it''s ok'"#)
    );
}

/// With `standard_conforming_strings` off, PostgreSQL reads `\'` inside `'…'` as a quote: a
/// default of `\'); DROP TABLE users; --` would end the literal early and run the rest. Text with
/// a backslash is written `E'…'`, backslashes doubled, which reads the same under either setting;
/// SQLite, which has no escapes, keeps the standard form.
#[test]
fn postgres_literals_with_backslashes_use_escape_syntax_in_every_position() {
    let attack = r"\'); DROP TABLE users; --";
    let escaped = r"E'\\''); DROP TABLE users; --'";
    let standard = r"'\''); DROP TABLE users; --'";
    assert_eq!(Dialect::Postgres.quote_literal(attack), escaped);
    assert_eq!(Dialect::Sqlite.quote_literal(attack), standard);
    assert_eq!(Dialect::Postgres.quote_literal(r"a\\b"), r"E'a\\\\b'");
    // Without a backslash both settings read the plain form alike, so it stays plain.
    assert_eq!(Dialect::Postgres.quote_literal("it's"), "'it''s'");

    let default = Some(DefaultValue::Str(attack.into()));
    let op = add_column(Column {
        default: default.clone(),
        ..column("note", Scalar::Text)
    });
    assert_eq!(
        pg(&op),
        sql(&format!(
            r#"ALTER TABLE "users" ADD COLUMN "note" text NOT NULL DEFAULT {escaped}"#
        ))
    );
    assert_eq!(
        lite(&op),
        sql(&format!(
            r#"ALTER TABLE "users" ADD COLUMN "note" TEXT NOT NULL DEFAULT {standard}"#
        ))
    );
    let op = alter(ColumnChange::SetDefault {
        to: DefaultValue::Str(attack.into()),
        from: None,
    });
    assert_eq!(
        pg(&op),
        sql(&format!(
            r#"ALTER TABLE "users" ALTER COLUMN "age" SET DEFAULT {escaped}"#
        ))
    );
    let op = Op::CreateEnum(EnumType {
        name: "mood".into(),
        values: vec![attack.into(), "ok".into()].into(),
    });
    assert_eq!(
        pg(&op),
        sql(&format!(r#"CREATE TYPE "mood" AS ENUM ({escaped}, 'ok')"#))
    );
    let op = Op::AddEnumValue {
        enum_name: "mood".into(),
        value: attack.into(),
        position: Some(EnumPosition::Before(r"a\b".into())),
    };
    assert_eq!(
        pg(&op),
        sql(&format!(
            r#"ALTER TYPE "mood" ADD VALUE {escaped} BEFORE E'a\\b'"#
        ))
    );
}

// ---------------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------------

#[test]
fn create_table_postgres() {
    assert_eq!(
        pg(&Op::CreateTable(users_table())),
        sql(concat!(
            r#"CREATE TABLE "users" ("#,
            r#""id" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL, "#,
            r#""email" text NOT NULL, "#,
            r#""name" varchar(100) DEFAULT 'anon', "#,
            r#"CONSTRAINT "pk_users" PRIMARY KEY ("id"))"#
        ))
    );
}

#[test]
fn create_table_sqlite_makes_the_identity_primary_key_an_autoincrement_rowid() {
    assert_eq!(
        lite(&Op::CreateTable(users_table())),
        sql(concat!(
            r#"CREATE TABLE "users" ("#,
            r#""id" INTEGER NOT NULL CONSTRAINT "pk_users" PRIMARY KEY AUTOINCREMENT, "#,
            r#""email" TEXT NOT NULL, "#,
            r#""name" VARCHAR(100) DEFAULT 'anon')"#
        ))
    );
}

#[test]
fn create_table_sqlite_identity_primary_key_on_any_integer_type_is_integer() {
    for ty in [Scalar::SmallInt, Scalar::Integer, Scalar::BigInt] {
        let table = Table {
            name: "t".into(),
            columns: vec![Column {
                identity: true,
                ..column("id", ty.clone())
            }]
            .into(),
            primary_key: Some(PrimaryKey {
                name: "pk_t".into(),
                columns: vec!["id".into()].into(),
            }),
        };
        assert_eq!(
            lite(&Op::CreateTable(table)),
            sql(
                r#"CREATE TABLE "t" ("id" INTEGER NOT NULL CONSTRAINT "pk_t" PRIMARY KEY AUTOINCREMENT)"#
            ),
            "{ty:?}"
        );
    }
}

#[test]
fn create_table_with_a_composite_primary_key() {
    let table = Table {
        name: "memberships".into(),
        columns: vec![
            column("user_id", Scalar::BigInt),
            column("group_id", Scalar::BigInt),
        ]
        .into(),
        primary_key: Some(PrimaryKey {
            name: "pk_memberships".into(),
            columns: vec!["user_id".into(), "group_id".into()].into(),
        }),
    };
    assert_eq!(
        pg(&Op::CreateTable(table.clone())),
        sql(
            r#"CREATE TABLE "memberships" ("user_id" bigint NOT NULL, "group_id" bigint NOT NULL, CONSTRAINT "pk_memberships" PRIMARY KEY ("user_id", "group_id"))"#
        )
    );
    assert_eq!(
        lite(&Op::CreateTable(table)),
        sql(
            r#"CREATE TABLE "memberships" ("user_id" BIGINT NOT NULL, "group_id" BIGINT NOT NULL, CONSTRAINT "pk_memberships" PRIMARY KEY ("user_id", "group_id"))"#
        )
    );
}

#[test]
fn create_table_with_a_non_identity_primary_key() {
    let table = Table {
        name: "countries".into(),
        columns: vec![column("code", Scalar::Char(2))].into(),
        primary_key: Some(PrimaryKey {
            name: "pk_countries".into(),
            columns: vec!["code".into()].into(),
        }),
    };
    assert_eq!(
        pg(&Op::CreateTable(table.clone())),
        sql(
            r#"CREATE TABLE "countries" ("code" char(2) NOT NULL, CONSTRAINT "pk_countries" PRIMARY KEY ("code"))"#
        )
    );
    assert_eq!(
        lite(&Op::CreateTable(table)),
        sql(
            r#"CREATE TABLE "countries" ("code" CHAR(2) NOT NULL, CONSTRAINT "pk_countries" PRIMARY KEY ("code"))"#
        )
    );
}

#[test]
fn create_table_without_primary_key() {
    let table = Table {
        name: "logs".into(),
        columns: vec![Column {
            nullable: true,
            ..column("line", Scalar::Text)
        }]
        .into(),
        primary_key: None,
    };
    assert_eq!(
        pg(&Op::CreateTable(table.clone())),
        sql(r#"CREATE TABLE "logs" ("line" text)"#)
    );
    assert_eq!(
        lite(&Op::CreateTable(table)),
        sql(r#"CREATE TABLE "logs" ("line" TEXT)"#)
    );
}

#[test]
fn drop_table() {
    let op = Op::DropTable(users_table());
    assert_eq!(pg(&op), sql(r#"DROP TABLE "users""#));
    assert_eq!(lite(&op), sql(r#"DROP TABLE "users""#));
}

#[test]
fn rename_table() {
    let op = Op::RenameTable {
        from: "users".into(),
        to: "accounts".into(),
    };
    assert_eq!(pg(&op), sql(r#"ALTER TABLE "users" RENAME TO "accounts""#));
    assert_eq!(
        lite(&op),
        sql(r#"ALTER TABLE "users" RENAME TO "accounts""#)
    );
}

// ---------------------------------------------------------------------------------------------
// Columns
// ---------------------------------------------------------------------------------------------

#[test]
fn add_column_with_a_default() {
    let op = add_column(Column {
        default: Some(DefaultValue::Int("0".into())),
        ..column("age", Scalar::Integer)
    });
    assert_eq!(
        pg(&op),
        sql(r#"ALTER TABLE "users" ADD COLUMN "age" integer NOT NULL DEFAULT 0"#)
    );
    assert_eq!(
        lite(&op),
        sql(r#"ALTER TABLE "users" ADD COLUMN "age" INTEGER NOT NULL DEFAULT 0"#)
    );
}

#[test]
fn add_nullable_column() {
    let op = add_column(Column {
        nullable: true,
        ..column("bio", Scalar::Text)
    });
    assert_eq!(pg(&op), sql(r#"ALTER TABLE "users" ADD COLUMN "bio" text"#));
    assert_eq!(
        lite(&op),
        sql(r#"ALTER TABLE "users" ADD COLUMN "bio" TEXT"#)
    );
}

#[test]
fn add_identity_column_postgres() {
    let op = add_column(Column {
        identity: true,
        ..column("seq", Scalar::BigInt)
    });
    assert_eq!(
        pg(&op),
        sql(
            r#"ALTER TABLE "users" ADD COLUMN "seq" bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL"#
        )
    );
}

#[test]
fn sqlite_add_column_with_a_non_constant_default_rebuilds_the_table() {
    // SQLite refuses `ALTER TABLE … ADD COLUMN` with a default of CURRENT_TIME, CURRENT_DATE,
    // CURRENT_TIMESTAMP or an expression in parentheses as soon as the table has a row
    // ("Cannot add a column with non-constant default"); only a rebuild can add such a column.
    for default in [
        DefaultValue::Function(SqlFunction::Now),
        DefaultValue::Function(SqlFunction::CurrentDate),
        DefaultValue::Function(SqlFunction::GenRandomUuid),
        DefaultValue::Function(SqlFunction::Random),
        DefaultValue::Function(SqlFunction::ClockTimestamp),
        DefaultValue::Sql("1 + 1".into()),
    ] {
        let op = add_column(Column {
            default: Some(default.clone()),
            ..column("stamp", Scalar::Text)
        });
        assert_eq!(lite(&op), rebuild("users", &op), "{default:?}");
    }
}

#[test]
fn drop_column() {
    let op = Op::DropColumn {
        table: "users".into(),
        column: column("age", Scalar::Integer),
    };
    assert_eq!(pg(&op), sql(r#"ALTER TABLE "users" DROP COLUMN "age""#));
    assert_eq!(lite(&op), sql(r#"ALTER TABLE "users" DROP COLUMN "age""#));
}

#[test]
fn rename_column() {
    let op = Op::RenameColumn {
        table: "users".into(),
        from: "name".into(),
        to: "full_name".into(),
    };
    let expected = r#"ALTER TABLE "users" RENAME COLUMN "name" TO "full_name""#;
    assert_eq!(pg(&op), sql(expected));
    assert_eq!(lite(&op), sql(expected));
}

// ---------------------------------------------------------------------------------------------
// Types and defaults
// ---------------------------------------------------------------------------------------------

fn all_types() -> Vec<(ColumnType, &'static str, &'static str)> {
    use ColumnType::{Array, Scalar as S};
    vec![
        (S(Scalar::SmallInt), "smallint", "SMALLINT"),
        (S(Scalar::Integer), "integer", "INTEGER"),
        (S(Scalar::BigInt), "bigint", "BIGINT"),
        (S(Scalar::Real), "real", "REAL"),
        (S(Scalar::DoublePrecision), "double precision", "DOUBLE"),
        (S(Scalar::Numeric(None)), "numeric", "NUMERIC"),
        (
            S(Scalar::Numeric(Some((10, 2)))),
            "numeric(10, 2)",
            "NUMERIC(10, 2)",
        ),
        (S(Scalar::Text), "text", "TEXT"),
        (S(Scalar::Varchar(20)), "varchar(20)", "VARCHAR(20)"),
        (S(Scalar::Char(2)), "char(2)", "CHAR(2)"),
        (S(Scalar::Boolean), "boolean", "BOOLEAN"),
        (S(Scalar::Uuid), "uuid", "TEXT"),
        (S(Scalar::Date), "date", "TEXT"),
        (S(Scalar::Time), "time", "TEXT"),
        (S(Scalar::Timestamp), "timestamp", "TEXT"),
        (S(Scalar::Timestamptz), "timestamptz", "TEXT"),
        (S(Scalar::Interval), "interval", "TEXT"),
        (S(Scalar::Json), "json", "TEXT"),
        (S(Scalar::Jsonb), "jsonb", "TEXT"),
        (S(Scalar::Bytea), "bytea", "BLOB"),
        (S(Scalar::Enum("mood".into())), r#""mood""#, "TEXT"),
        (
            S(Scalar::Enum(r#"my"mood"#.into())),
            r#""my""mood""#,
            "TEXT",
        ),
        (Array(Scalar::Text), "text[]", "TEXT"),
        (Array(Scalar::Integer), "integer[]", "TEXT"),
        (Array(Scalar::DoublePrecision), "double precision[]", "TEXT"),
        (
            Array(Scalar::Numeric(Some((10, 2)))),
            "numeric(10, 2)[]",
            "TEXT",
        ),
        (Array(Scalar::Varchar(20)), "varchar(20)[]", "TEXT"),
        (Array(Scalar::Enum("mood".into())), r#""mood"[]"#, "TEXT"),
        (Array(Scalar::Bytea), "bytea[]", "TEXT"),
    ]
}

#[test]
fn every_type_postgres() {
    for (ty, pg_type, _) in all_types() {
        let op = add_column(Column {
            name: "c".into(),
            ty: ty.clone(),
            nullable: true,
            default: None,
            identity: false,
            generated: None,
        });
        assert_eq!(
            pg(&op),
            sql(&format!(r#"ALTER TABLE "users" ADD COLUMN "c" {pg_type}"#)),
            "{ty:?}"
        );
    }
}

#[test]
fn every_type_sqlite() {
    for (ty, _, sqlite_type) in all_types() {
        let op = add_column(Column {
            name: "c".into(),
            ty: ty.clone(),
            nullable: true,
            default: None,
            identity: false,
            generated: None,
        });
        assert_eq!(
            lite(&op),
            sql(&format!(
                r#"ALTER TABLE "users" ADD COLUMN "c" {sqlite_type}"#
            )),
            "{ty:?}"
        );
    }
}

fn all_defaults() -> Vec<(DefaultValue, &'static str, &'static str)> {
    vec![
        (DefaultValue::Null, "NULL", "NULL"),
        (DefaultValue::Bool(true), "TRUE", "1"),
        (DefaultValue::Bool(false), "FALSE", "0"),
        (DefaultValue::Int("42".into()), "42", "42"),
        (DefaultValue::Int("-42".into()), "-42", "-42"),
        (
            DefaultValue::Int("170141183460469231731687303715884105727".into()),
            "170141183460469231731687303715884105727",
            "170141183460469231731687303715884105727",
        ),
        (DefaultValue::Float("3.14".into()), "3.14", "3.14"),
        (DefaultValue::Float("-0.5".into()), "-0.5", "-0.5"),
        (DefaultValue::Str("".into()), "''", "''"),
        (DefaultValue::Str("it's".into()), "'it''s'", "'it''s'"),
        (
            DefaultValue::Function(SqlFunction::Now),
            "now()",
            "CURRENT_TIMESTAMP",
        ),
        (
            DefaultValue::Function(SqlFunction::CurrentDate),
            "CURRENT_DATE",
            "CURRENT_DATE",
        ),
        (
            DefaultValue::Function(SqlFunction::GenRandomUuid),
            "gen_random_uuid()",
            "(lower(hex(randomblob(16))))",
        ),
        (
            DefaultValue::Function(SqlFunction::Random),
            "random()",
            "(random())",
        ),
        (
            DefaultValue::Function(SqlFunction::ClockTimestamp),
            "clock_timestamp()",
            "CURRENT_TIMESTAMP",
        ),
        (
            DefaultValue::Sql("now() + interval '1 day'".into()),
            "(now() + interval '1 day')",
            "(now() + interval '1 day')",
        ),
    ]
}

fn table_with_default(default: &DefaultValue) -> Op {
    Op::CreateTable(Table {
        name: "t".into(),
        columns: vec![Column {
            nullable: true,
            default: Some(default.clone()),
            ..column("c", Scalar::Text)
        }]
        .into(),
        primary_key: None,
    })
}

#[test]
fn every_default_postgres() {
    for (default, pg_default, _) in all_defaults() {
        assert_eq!(
            pg(&table_with_default(&default)),
            sql(&format!(
                r#"CREATE TABLE "t" ("c" text DEFAULT {pg_default})"#
            )),
            "{default:?}"
        );
        let op = alter(ColumnChange::SetDefault {
            to: default.clone(),
            from: None,
        });
        assert_eq!(
            pg(&op),
            sql(&format!(
                r#"ALTER TABLE "users" ALTER COLUMN "age" SET DEFAULT {pg_default}"#
            )),
            "{default:?}"
        );
    }
}

#[test]
fn every_default_sqlite() {
    for (default, _, sqlite_default) in all_defaults() {
        assert_eq!(
            lite(&table_with_default(&default)),
            sql(&format!(
                r#"CREATE TABLE "t" ("c" TEXT DEFAULT {sqlite_default})"#
            )),
            "{default:?}"
        );
    }
}

#[test]
fn constant_defaults_in_sqlite_add_column() {
    for (default, _, sqlite_default) in all_defaults() {
        if matches!(default, DefaultValue::Function(_) | DefaultValue::Sql(_)) {
            continue;
        }
        let op = add_column(Column {
            nullable: true,
            default: Some(default.clone()),
            ..column("c", Scalar::Text)
        });
        assert_eq!(
            lite(&op),
            sql(&format!(
                r#"ALTER TABLE "users" ADD COLUMN "c" TEXT DEFAULT {sqlite_default}"#
            )),
            "{default:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// alter_column
// ---------------------------------------------------------------------------------------------

fn all_changes() -> Vec<(ColumnChange, &'static str)> {
    vec![
        (
            ColumnChange::SetType {
                to: ColumnType::Scalar(Scalar::BigInt),
                from: ColumnType::Scalar(Scalar::Integer),
                using: None,
            },
            "TYPE bigint",
        ),
        (
            ColumnChange::SetType {
                to: ColumnType::Scalar(Scalar::Integer),
                from: ColumnType::Scalar(Scalar::Text),
                using: Some("age::integer".into()),
            },
            "TYPE integer USING age::integer",
        ),
        (
            ColumnChange::SetType {
                to: ColumnType::Array(Scalar::Text),
                from: ColumnType::Scalar(Scalar::Text),
                using: Some("ARRAY[age]".into()),
            },
            "TYPE text[] USING ARRAY[age]",
        ),
        (
            ColumnChange::SetType {
                to: ColumnType::Scalar(Scalar::Enum("mood".into())),
                from: ColumnType::Scalar(Scalar::Text),
                using: Some("age::mood".into()),
            },
            r#"TYPE "mood" USING age::mood"#,
        ),
        (ColumnChange::SetNotNull, "SET NOT NULL"),
        (ColumnChange::DropNotNull, "DROP NOT NULL"),
        (
            ColumnChange::SetDefault {
                to: DefaultValue::Int("1".into()),
                from: Some(DefaultValue::Int("0".into())),
            },
            "SET DEFAULT 1",
        ),
        (
            ColumnChange::DropDefault {
                was: DefaultValue::Int("0".into()),
            },
            "DROP DEFAULT",
        ),
    ]
}

#[test]
fn alter_column_postgres() {
    for (change, action) in all_changes() {
        if change == ColumnChange::SetNotNull {
            continue; // online on an existing table: see below
        }
        assert_eq!(
            pg(&alter(change.clone())),
            sql(&format!(
                r#"ALTER TABLE "users" ALTER COLUMN "age" {action}"#
            )),
            "{change:?}"
        );
    }
}

#[test]
fn set_not_null_on_an_existing_table_is_proven_by_a_validated_check_first() {
    // PostgreSQL 12+ skips the full-table scan of SET NOT NULL when a valid CHECK (col IS NOT
    // NULL) already proves it; NOT VALID + VALIDATE builds that proof without blocking writes.
    assert_eq!(
        pg(&alter(ColumnChange::SetNotNull)),
        sqls(&[
            r#"ALTER TABLE "users" ADD CONSTRAINT "migrate$not_null$users$age" CHECK ("age" IS NOT NULL) NOT VALID"#,
            r#"ALTER TABLE "users" VALIDATE CONSTRAINT "migrate$not_null$users$age""#,
            r#"ALTER TABLE "users" ALTER COLUMN "age" SET NOT NULL"#,
            r#"ALTER TABLE "users" DROP CONSTRAINT "migrate$not_null$users$age""#,
        ])
    );
}

#[test]
fn set_not_null_check_name_quotes_embedded_quotes() {
    let op = Op::AlterColumn {
        table: r#"we"ird"#.into(),
        column: r#"a"b"#.into(),
        change: ColumnChange::SetNotNull,
    };
    assert_eq!(
        pg(&op),
        sqls(&[
            r#"ALTER TABLE "we""ird" ADD CONSTRAINT "migrate$not_null$we""ird$a""b" CHECK ("a""b" IS NOT NULL) NOT VALID"#,
            r#"ALTER TABLE "we""ird" VALIDATE CONSTRAINT "migrate$not_null$we""ird$a""b""#,
            r#"ALTER TABLE "we""ird" ALTER COLUMN "a""b" SET NOT NULL"#,
            r#"ALTER TABLE "we""ird" DROP CONSTRAINT "migrate$not_null$we""ird$a""b""#,
        ])
    );
}

#[test]
fn set_not_null_check_name_longer_than_63_bytes_is_cut_with_a_hash() {
    let table = "customer_subscription_billing_events_archive";
    let column = "processed_at_timestamp";
    // `migrate$not_null$<table>$<column>` is 84 bytes: its first 54 bytes, `_`, and the first 4
    // bytes of its SHA-256 in hex (`printf %s 'migrate$not_null$…' | sha256sum` starts with
    // d3b818d2).
    let check = "migrate$not_null$customer_subscription_billing_events__d3b818d2";
    assert_eq!(check.len(), 63);
    let op = Op::AlterColumn {
        table: table.into(),
        column: column.into(),
        change: ColumnChange::SetNotNull,
    };
    assert_eq!(
        pg(&op),
        sqls(&[
            &format!(
                r#"ALTER TABLE "{table}" ADD CONSTRAINT "{check}" CHECK ("{column}" IS NOT NULL) NOT VALID"#
            ),
            &format!(r#"ALTER TABLE "{table}" VALIDATE CONSTRAINT "{check}""#),
            &format!(r#"ALTER TABLE "{table}" ALTER COLUMN "{column}" SET NOT NULL"#),
            &format!(r#"ALTER TABLE "{table}" DROP CONSTRAINT "{check}""#),
        ])
    );
}

#[test]
fn alter_column_sqlite_rebuilds_the_table() {
    for (change, _) in all_changes() {
        let op = alter(change);
        assert_eq!(lite(&op), rebuild("users", &op));
    }
}

// ---------------------------------------------------------------------------------------------
// Indexes
// ---------------------------------------------------------------------------------------------

#[test]
fn create_index_plain() {
    let op = Op::CreateIndex(index());
    let expected = r#"CREATE INDEX "ix_users_email" ON "users" ("email")"#;
    assert_eq!(pg(&op), sql(expected));
    assert_eq!(lite(&op), sql(expected));
}

#[test]
fn create_index_unique_partial_on_several_columns() {
    let op = Op::CreateIndex(Index {
        columns: vec!["tenant_id".into(), "email".into()].into(),
        unique: true,
        predicate: Some("deleted_at IS NULL AND email <> ''".into()),
        ..index()
    });
    let expected = r#"CREATE UNIQUE INDEX "ix_users_email" ON "users" ("tenant_id", "email") WHERE deleted_at IS NULL AND email <> ''"#;
    assert_eq!(pg(&op), sql(expected));
    assert_eq!(lite(&op), sql(expected));
}

#[test]
fn create_index_concurrently_runs_outside_the_transaction_on_postgres() {
    let op = Op::CreateIndex(Index {
        concurrently: true,
        ..index()
    });
    assert_eq!(
        pg(&op),
        drop_invalid_then_outside(
            "ix_users_email",
            r#"CREATE INDEX CONCURRENTLY IF NOT EXISTS "ix_users_email" ON "users" ("email")"#
        )
    );
    // SQLite has no CONCURRENTLY: a plain statement.
    assert_eq!(
        lite(&op),
        sql(r#"CREATE INDEX "ix_users_email" ON "users" ("email")"#)
    );
}

#[test]
fn create_index_unique_partial_concurrently() {
    let op = Op::CreateIndex(Index {
        unique: true,
        predicate: Some("active".into()),
        concurrently: true,
        ..index()
    });
    assert_eq!(
        pg(&op),
        drop_invalid_then_outside(
            "ix_users_email",
            r#"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "ix_users_email" ON "users" ("email") WHERE active"#
        )
    );
    assert_eq!(
        lite(&op),
        sql(r#"CREATE UNIQUE INDEX "ix_users_email" ON "users" ("email") WHERE active"#)
    );
}

#[test]
fn drop_index() {
    let op = Op::DropIndex(Index {
        unique: true,
        predicate: Some("active".into()),
        ..index()
    });
    assert_eq!(pg(&op), sql(r#"DROP INDEX "ix_users_email""#));
    assert_eq!(lite(&op), sql(r#"DROP INDEX "ix_users_email""#));
}

#[test]
fn drop_index_concurrently() {
    let op = Op::DropIndex(Index {
        concurrently: true,
        ..index()
    });
    assert_eq!(
        pg(&op),
        outside(r#"DROP INDEX CONCURRENTLY IF EXISTS "ix_users_email""#)
    );
    assert_eq!(lite(&op), sql(r#"DROP INDEX "ix_users_email""#));
}

// ---------------------------------------------------------------------------------------------
// Constraints
// ---------------------------------------------------------------------------------------------

#[test]
fn add_foreign_key_postgres_with_every_action() {
    for (action, sql_action) in [
        (ReferentialAction::NoAction, "NO ACTION"),
        (ReferentialAction::Restrict, "RESTRICT"),
        (ReferentialAction::Cascade, "CASCADE"),
        (ReferentialAction::SetNull, "SET NULL"),
        (ReferentialAction::SetDefault, "SET DEFAULT"),
    ] {
        assert_eq!(
            pg(&Op::AddForeignKey(fk(action))),
            sqls(&[
                &format!(
                    r#"ALTER TABLE "orders" ADD CONSTRAINT "fk_orders_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE {sql_action} NOT VALID"#
                ),
                r#"ALTER TABLE "orders" VALIDATE CONSTRAINT "fk_orders_user_id""#,
            ]),
            "{action:?}"
        );
    }
}

#[test]
fn add_foreign_key_on_several_columns_postgres() {
    let op = Op::AddForeignKey(ForeignKey {
        columns: vec!["tenant_id".into(), "user_id".into()].into(),
        referenced_columns: vec!["tenant_id".into(), "id".into()].into(),
        ..fk(ReferentialAction::Restrict)
    });
    assert_eq!(
        pg(&op),
        sqls(&[
            r#"ALTER TABLE "orders" ADD CONSTRAINT "fk_orders_user_id" FOREIGN KEY ("tenant_id", "user_id") REFERENCES "users" ("tenant_id", "id") ON DELETE RESTRICT NOT VALID"#,
            r#"ALTER TABLE "orders" VALIDATE CONSTRAINT "fk_orders_user_id""#,
        ])
    );
}

#[test]
fn drop_foreign_key_postgres() {
    assert_eq!(
        pg(&Op::DropForeignKey(fk(ReferentialAction::Cascade))),
        sql(r#"ALTER TABLE "orders" DROP CONSTRAINT "fk_orders_user_id""#)
    );
}

#[test]
fn foreign_keys_rebuild_the_referencing_table_on_sqlite() {
    for op in [
        Op::AddForeignKey(fk(ReferentialAction::Cascade)),
        Op::DropForeignKey(fk(ReferentialAction::Cascade)),
    ] {
        assert_eq!(lite(&op), rebuild("orders", &op));
    }
}

#[test]
fn checks_postgres() {
    assert_eq!(
        pg(&Op::AddCheck(age_check())),
        sqls(&[
            r#"ALTER TABLE "users" ADD CONSTRAINT "ck_users_age_positive" CHECK (age > 0) NOT VALID"#,
            r#"ALTER TABLE "users" VALIDATE CONSTRAINT "ck_users_age_positive""#,
        ])
    );
    assert_eq!(
        pg(&Op::DropCheck(age_check())),
        sql(r#"ALTER TABLE "users" DROP CONSTRAINT "ck_users_age_positive""#)
    );
}

#[test]
fn checks_rebuild_the_table_on_sqlite() {
    for op in [Op::AddCheck(age_check()), Op::DropCheck(age_check())] {
        assert_eq!(lite(&op), rebuild("users", &op));
    }
}

#[test]
fn unique_postgres() {
    // The index is built concurrently outside the transaction, then attached (a brief lock,
    // no build under ACCESS EXCLUSIVE).
    assert_eq!(
        pg(&Op::AddUnique(unique())),
        vec![
            Step::DropInvalidIndex("uq_users_email".into()),
            Step::SqlOutsideTransaction(
                r#"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "uq_users_email" ON "users" ("email", "tenant_id")"#.into()
            ),
            Step::Sql(
                r#"ALTER TABLE "users" ADD CONSTRAINT "uq_users_email" UNIQUE USING INDEX "uq_users_email""#.into()
            ),
        ]
    );
    assert_eq!(
        pg(&Op::DropUnique(unique())),
        sql(r#"ALTER TABLE "users" DROP CONSTRAINT "uq_users_email""#)
    );
}

#[test]
fn unique_is_a_unique_index_on_sqlite() {
    assert_eq!(
        lite(&Op::AddUnique(unique())),
        sql(r#"CREATE UNIQUE INDEX "uq_users_email" ON "users" ("email", "tenant_id")"#)
    );
    assert_eq!(
        lite(&Op::DropUnique(unique())),
        sql(r#"DROP INDEX "uq_users_email""#)
    );
}

// ---------------------------------------------------------------------------------------------
// Enums
// ---------------------------------------------------------------------------------------------

#[test]
fn enums_postgres() {
    assert_eq!(
        pg(&Op::CreateEnum(mood())),
        sql(r#"CREATE TYPE "mood" AS ENUM ('sad', 'it''s ok', 'happy')"#)
    );
    assert_eq!(pg(&Op::DropEnum(mood())), sql(r#"DROP TYPE "mood""#));
    for (position, suffix) in [
        (None, ""),
        (
            Some(EnumPosition::Before("happy".into())),
            " BEFORE 'happy'",
        ),
        (
            Some(EnumPosition::After("it's ok".into())),
            " AFTER 'it''s ok'",
        ),
    ] {
        let op = Op::AddEnumValue {
            enum_name: "mood".into(),
            value: "meh".into(),
            position,
        };
        assert_eq!(
            pg(&op),
            sql(&format!(r#"ALTER TYPE "mood" ADD VALUE 'meh'{suffix}"#))
        );
    }
}

#[test]
fn enums_render_nothing_on_sqlite() {
    assert_eq!(lite(&Op::CreateEnum(mood())), vec![]);
    assert_eq!(lite(&Op::DropEnum(mood())), vec![]);
    for position in [
        None,
        Some(EnumPosition::Before("happy".into())),
        Some(EnumPosition::After("sad".into())),
    ] {
        let op = Op::AddEnumValue {
            enum_name: "mood".into(),
            value: "meh".into(),
            position,
        };
        assert_eq!(lite(&op), vec![]);
    }
}

// ---------------------------------------------------------------------------------------------
// Raw SQL, backfills and Rust
// ---------------------------------------------------------------------------------------------

#[test]
fn execute_runs_its_up_as_written() {
    for down in [None, Some("DROP EXTENSION citext".into())] {
        let op = Op::Execute {
            up: "CREATE EXTENSION IF NOT EXISTS citext".into(),
            down,
        };
        assert_eq!(pg(&op), sql("CREATE EXTENSION IF NOT EXISTS citext"));
        assert_eq!(lite(&op), sql("CREATE EXTENSION IF NOT EXISTS citext"));
    }
}

#[test]
fn backfill_postgres_batches_by_ctid() {
    let op = Op::Backfill {
        table: "users".into(),
        set: "email = lower(email)".into(),
        filter: "email <> lower(email)".into(),
        batch_size: 1000,
    };
    assert_eq!(
        pg(&op),
        vec![Step::Backfill {
            batch: r#"UPDATE "users" SET email = lower(email) WHERE ctid IN (SELECT ctid FROM "users" WHERE email <> lower(email) LIMIT 1000)"#.into(),
            remaining: r#"SELECT CAST(count(*) AS bigint) AS value FROM "users" WHERE email <> lower(email)"#.into(),
            keyset: None,
        }]
    );
}

#[test]
fn backfill_sqlite_batches_by_rowid() {
    let op = Op::Backfill {
        table: r#"we"ird"#.into(),
        set: "name = 'x'".into(),
        filter: "name IS NULL".into(),
        batch_size: 50,
    };
    assert_eq!(
        lite(&op),
        vec![Step::Backfill {
            batch: r#"UPDATE "we""ird" SET name = 'x' WHERE rowid IN (SELECT rowid FROM "we""ird" WHERE name IS NULL LIMIT 50)"#.into(),
            remaining: r#"SELECT CAST(count(*) AS bigint) AS value FROM "we""ird" WHERE name IS NULL"#.into(),
            keyset: None,
        }]
    );
}

/// The backfill of `ops`' last op, rendered after the ops before it: its keyset walk.
fn walk_after(ops: &[Op], dialect: Dialect) -> Option<Keyset> {
    let mut steps = render_ops(ops, dialect);
    match steps.pop().expect("the backfill's steps").as_slice() {
        [Step::Backfill { keyset, .. }] => keyset.clone(),
        other => panic!("not a backfill: {other:?}"),
    }
}

fn lower_emails(batch_size: u32) -> Op {
    lower_emails_of("users", batch_size)
}

fn lower_emails_of(table: &'static str, batch_size: u32) -> Op {
    Op::Backfill {
        table: table.into(),
        set: "email = lower(email)".into(),
        filter: "email <> lower(email) OR email IS NULL".into(),
        batch_size,
    }
}

#[test]
fn a_backfill_walks_the_primary_key_the_chain_made() {
    let ops = [Op::CreateTable(users_table()), lower_emails(1000)];
    let walk = walk_after(&ops, Dialect::Postgres).expect("a walk");
    assert_eq!(walk.width(), 1);
    assert_eq!(
        walk.bound(None),
        r#"SELECT CAST("id" AS text) AS a, CAST(NULL AS text) AS b, CAST(NULL AS text) AS c, CAST(NULL AS text) AS d FROM (SELECT "id" FROM "users" WHERE (email <> lower(email) OR email IS NULL) ORDER BY "id" LIMIT 1000) AS batch ORDER BY "id" DESC LIMIT 1"#
    );
    assert_eq!(
        walk.bound(Some(&["1000".into()])),
        r#"SELECT CAST("id" AS text) AS a, CAST(NULL AS text) AS b, CAST(NULL AS text) AS c, CAST(NULL AS text) AS d FROM (SELECT "id" FROM "users" WHERE "id" > 1000 AND (email <> lower(email) OR email IS NULL) ORDER BY "id" LIMIT 1000) AS batch ORDER BY "id" DESC LIMIT 1"#
    );
    assert_eq!(
        walk.update(None, &["1000".into()]),
        r#"UPDATE "users" SET email = lower(email) WHERE "id" <= 1000 AND (email <> lower(email) OR email IS NULL)"#
    );
    assert_eq!(
        walk.update(Some(&["1000".into()]), &["2017".into()]),
        r#"UPDATE "users" SET email = lower(email) WHERE "id" > 1000 AND "id" <= 2017 AND (email <> lower(email) OR email IS NULL)"#
    );
    // An integer read back that is not one (it cannot be) is still a literal, not SQL.
    assert_eq!(
        walk.update(Some(&["1; DROP TABLE users".into()]), &["2".into()]),
        r#"UPDATE "users" SET email = lower(email) WHERE "id" > '1; DROP TABLE users' AND "id" <= 2 AND (email <> lower(email) OR email IS NULL)"#
    );
    let sqlite = walk_after(&ops, Dialect::Sqlite).expect("a walk");
    assert_eq!(
        sqlite.bound(None),
        r#"SELECT CAST("id" AS TEXT) AS a, CAST(NULL AS TEXT) AS b, CAST(NULL AS TEXT) AS c, CAST(NULL AS TEXT) AS d FROM (SELECT "id" FROM "users" WHERE (email <> lower(email) OR email IS NULL) ORDER BY "id" LIMIT 1000) AS batch ORDER BY "id" DESC LIMIT 1"#
    );
}

#[test]
fn a_composite_key_is_walked_as_a_row_and_text_keys_are_quoted() {
    let table = Table {
        name: "memberships".into(),
        columns: vec![
            column("org", Scalar::Varchar(50)),
            column("user_id", Scalar::Integer),
            column("email", Scalar::Text),
        ]
        .into(),
        primary_key: Some(PrimaryKey {
            name: "pk_memberships".into(),
            columns: vec!["org".into(), "user_id".into()].into(),
        }),
    };
    let backfill = lower_emails_of("memberships", 50);
    let walk = walk_after(&[Op::CreateTable(table), backfill], Dialect::Postgres).expect("a walk");
    assert_eq!(walk.width(), 2);
    let key = ["o'brien".to_owned(), "7".to_owned()];
    assert_eq!(
        walk.bound(Some(&key)),
        r#"SELECT CAST("org" AS text) AS a, CAST("user_id" AS text) AS b, CAST(NULL AS text) AS c, CAST(NULL AS text) AS d FROM (SELECT "org", "user_id" FROM "memberships" WHERE ("org", "user_id") > ('o''brien', 7) AND (email <> lower(email) OR email IS NULL) ORDER BY "org", "user_id" LIMIT 50) AS batch ORDER BY "org" DESC, "user_id" DESC LIMIT 1"#
    );
    assert_eq!(
        walk.update(Some(&key), &[r"x\y".to_owned(), "9".to_owned()]),
        r#"UPDATE "memberships" SET email = lower(email) WHERE ("org", "user_id") > ('o''brien', 7) AND ("org", "user_id") <= (E'x\\y', 9) AND (email <> lower(email) OR email IS NULL)"#
    );
}

#[test]
fn a_backfill_scans_when_the_key_is_unknown_or_does_not_survive_text() {
    let keyed_by = |ty: Scalar| {
        Op::CreateTable(Table {
            columns: vec![column("id", ty), column("email", Scalar::Text)].into(),
            ..users_table()
        })
    };
    // No table the chain knows, no primary key, a key of bytes or of a timestamp.
    assert_eq!(walk_after(&[lower_emails(10)], Dialect::Postgres), None);
    let keyless = Op::CreateTable(Table {
        primary_key: None,
        ..users_table()
    });
    assert_eq!(
        walk_after(&[keyless, lower_emails(10)], Dialect::Postgres),
        None
    );
    for ty in [Scalar::Bytea, Scalar::Timestamptz, Scalar::Numeric(None)] {
        assert_eq!(
            walk_after(&[keyed_by(ty), lower_emails(10)], Dialect::Postgres),
            None
        );
    }
    // A uuid is text on SQLite and MySQL, where the chain cannot vouch for its spelling.
    assert!(walk_after(
        &[keyed_by(Scalar::Uuid), lower_emails(10)],
        Dialect::Postgres
    )
    .is_some());
    assert_eq!(
        walk_after(&[keyed_by(Scalar::Uuid), lower_emails(10)], Dialect::Sqlite),
        None
    );
    // More key columns than the runtime reads back.
    let wide = Op::CreateTable(Table {
        columns: ["a", "b", "c", "d", "e"]
            .into_iter()
            .map(|name| column(name, Scalar::Integer))
            .chain([column("email", Scalar::Text)])
            .collect::<Vec<_>>()
            .into(),
        primary_key: Some(PrimaryKey {
            name: "pk_users".into(),
            columns: ["a", "b", "c", "d", "e"].map(Into::into).to_vec().into(),
        }),
        ..users_table()
    });
    assert_eq!(
        walk_after(&[wide, lower_emails(10)], Dialect::Postgres),
        None
    );
}

#[test]
fn a_walking_backfill_shows_the_walk_then_the_scan() {
    let mut steps = render_ops(
        &[Op::CreateTable(users_table()), lower_emails(500)],
        Dialect::Postgres,
    );
    let [step]: [Step; 1] = steps
        .pop()
        .and_then(|steps| steps.try_into().ok())
        .expect("one step");
    assert_eq!(
        step.display_sql(),
        r#"-- in primary-key order, 500 rows a batch, until no row is left: each batch reads the key of its last row
--   SELECT CAST("id" AS text) AS a, CAST(NULL AS text) AS b, CAST(NULL AS text) AS c, CAST(NULL AS text) AS d FROM (SELECT "id" FROM "users" WHERE (email <> lower(email) OR email IS NULL) ORDER BY "id" LIMIT 500) AS batch ORDER BY "id" DESC LIMIT 1;
-- then updates the rows up to it
--   UPDATE "users" SET email = lower(email) WHERE "id" > <last key> AND "id" <= <its last row's key> AND (email <> lower(email) OR email IS NULL);
-- then, while rows written behind the walk still match, repeated until no row is updated
UPDATE "users" SET email = lower(email) WHERE ctid IN (SELECT ctid FROM "users" WHERE email <> lower(email) OR email IS NULL LIMIT 500);"#
    );
}

#[test]
fn run_calls_the_up_function() {
    for down in [None, Some("crate::data::empty".into())] {
        let op = Op::RunRust {
            up: "crate::data::fill".into(),
            down,
        };
        let expected = vec![Step::RunRust {
            path: "crate::data::fill".into(),
        }];
        assert_eq!(pg(&op), expected);
        assert_eq!(lite(&op), expected);
    }
}

// ---------------------------------------------------------------------------------------------
// Steps, dialects and whole migrations
// ---------------------------------------------------------------------------------------------

#[test]
fn display_sql_of_every_step() {
    assert_eq!(
        Step::Sql(r#"DROP TABLE "users""#.into()).display_sql(),
        r#"DROP TABLE "users";"#
    );
    assert_eq!(
        Step::SqlOutsideTransaction(r#"DROP INDEX CONCURRENTLY "ix""#.into()).display_sql(),
        r#"DROP INDEX CONCURRENTLY "ix";"#
    );
    assert_eq!(
        Step::Backfill {
            batch: "UPDATE t SET a = 1".into(),
            remaining: "SELECT CAST(count(*) AS bigint) AS value FROM t WHERE a <> 1".into(),
            keyset: None,
        }
        .display_sql(),
        "-- repeated until no row is updated\nUPDATE t SET a = 1;"
    );
    assert_eq!(
        Step::DropInvalidIndex("ix_users_email".into()).display_sql(),
        "-- the runtime first drops \"ix_users_email\" if a failed concurrent build left it INVALID"
    );
    assert_eq!(
        Step::DropInvalidIndex(r#"ix_"q"#.into()).display_sql(),
        "-- the runtime first drops \"ix_\"\"q\" if a failed concurrent build left it INVALID"
    );
    assert_eq!(
        Step::RunRust {
            path: "crate::seed".into()
        }
        .display_sql(),
        "-- Rust: crate::seed"
    );
    assert_eq!(
        Step::RebuildTable {
            table: r#"us"ers"#.into(),
            op: alter(ColumnChange::SetNotNull),
        }
        .display_sql(),
        r#"-- rebuild of table "us""ers" for: alter_column(users, age, set_not_null)"#
    );
}

#[test]
fn dialect_names() {
    assert_eq!(
        Dialect::ALL,
        &[Dialect::Postgres, Dialect::Sqlite, Dialect::Mysql]
    );
    for dialect in Dialect::ALL {
        assert_eq!(Dialect::from_name(dialect.name()), Some(*dialect));
    }
    assert_eq!(Dialect::Postgres.name(), "postgres");
    assert_eq!(Dialect::Sqlite.name(), "sqlite");
    assert_eq!(Dialect::from_name("postgresql"), Some(Dialect::Postgres));
    assert_eq!(Dialect::from_name("pg"), Some(Dialect::Postgres));
    assert_eq!(Dialect::from_name("mariadb"), Some(Dialect::Mysql));
    assert_eq!(Dialect::from_name("mssql"), None);
    assert_eq!(Dialect::from_name("Postgres"), None);
}

#[test]
fn render_upgrade_renders_every_op_in_order() {
    let (migration, diagnostics) = check(
        MigrationDef {
            id: "0001_users".into(),
            parents: vec![],
            replaces: vec![],
            doc: String::new(),
            upgrade: vec![
                Op::CreateEnum(mood()),
                Op::CreateTable(users_table()),
                Op::CreateIndex(index()),
            ],
            // Written out: dropping the table drops its index too.
            downgrade: DowngradeDef::Ops(vec![Op::DropTable(users_table()), Op::DropEnum(mood())]),
            lock_timeout_ms: None,
            statement_timeout_ms: None,
            waivers: vec![],
            adopted_names: false,
        },
        &Config::default(),
    );
    assert_eq!(diagnostics, vec![]);
    assert_eq!(
        render_upgrade(&migration, Dialect::Postgres),
        vec![
            pg(&Op::CreateEnum(mood())),
            pg(&Op::CreateTable(users_table())),
            pg(&Op::CreateIndex(index())),
        ]
    );
    assert_eq!(
        render_upgrade(&migration, Dialect::Sqlite),
        vec![
            vec![],
            lite(&Op::CreateTable(users_table())),
            lite(&Op::CreateIndex(index())),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// render_ops: ops on a table created earlier in the same list
// ---------------------------------------------------------------------------------------------

fn orders_table() -> Table {
    Table {
        name: "orders".into(),
        columns: vec![
            Column {
                identity: true,
                ..column("id", Scalar::BigInt)
            },
            column("user_id", Scalar::BigInt),
        ]
        .into(),
        primary_key: Some(PrimaryKey {
            name: "pk_orders".into(),
            columns: vec!["id".into()].into(),
        }),
    }
}

fn check_on(table: &'static str) -> Op {
    Op::AddCheck(CheckConstraint {
        table: table.into(),
        ..age_check()
    })
}

fn concurrent_index() -> Op {
    Op::CreateIndex(Index {
        concurrently: true,
        ..index()
    })
}

/// The plain, single-statement form of `check_on(table)`.
fn plain_check(table: &str) -> Vec<Step> {
    sql(&format!(
        r#"ALTER TABLE "{table}" ADD CONSTRAINT "ck_users_age_positive" CHECK (age > 0)"#
    ))
}

#[test]
fn render_ops_without_create_table_renders_like_render() {
    let ops = vec![
        Op::AddForeignKey(fk(ReferentialAction::Cascade)),
        Op::AddCheck(age_check()),
        alter(ColumnChange::SetNotNull),
        Op::AddUnique(unique()),
        concurrent_index(),
    ];
    for dialect in Dialect::ALL {
        assert_eq!(
            render_ops(&ops, *dialect),
            ops.iter()
                .map(|op| render(op, *dialect))
                .collect::<Vec<_>>(),
            "{dialect:?}"
        );
    }
}

#[test]
fn render_ops_uses_the_plain_form_on_a_table_created_earlier_in_the_list() {
    let ops = vec![
        Op::CreateTable(users_table()),
        Op::CreateTable(orders_table()),
        Op::AddForeignKey(fk(ReferentialAction::Cascade)),
        Op::AddCheck(age_check()),
        alter(ColumnChange::SetNotNull),
        Op::AddUnique(unique()),
        concurrent_index(),
    ];
    assert_eq!(
        pg_ops(&ops),
        vec![
            pg(&Op::CreateTable(users_table())),
            pg(&Op::CreateTable(orders_table())),
            sql(
                r#"ALTER TABLE "orders" ADD CONSTRAINT "fk_orders_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE"#
            ),
            sql(r#"ALTER TABLE "users" ADD CONSTRAINT "ck_users_age_positive" CHECK (age > 0)"#),
            sql(r#"ALTER TABLE "users" ALTER COLUMN "age" SET NOT NULL"#),
            sql(
                r#"ALTER TABLE "users" ADD CONSTRAINT "uq_users_email" UNIQUE ("email", "tenant_id")"#
            ),
            // `concurrently` is what the author asked for: it stays concurrent.
            drop_invalid_then_outside(
                "ix_users_email",
                r#"CREATE INDEX CONCURRENTLY IF NOT EXISTS "ix_users_email" ON "users" ("email")"#
            ),
        ]
    );
}

/// Every op with an online form on an existing `users`/`orders` table, the drop of a concurrent
/// index last.
fn online_ops() -> Vec<Op> {
    vec![
        Op::AddForeignKey(fk(ReferentialAction::Cascade)),
        Op::AddCheck(age_check()),
        alter(ColumnChange::SetNotNull),
        Op::AddUnique(unique()),
        concurrent_index(),
        Op::DropIndex(Index {
            concurrently: true,
            ..index()
        }),
    ]
}

/// Two migrations a run joins in one transaction: the first creates the tables, the second holds
/// every online op on them. Rendered in that transaction, each is the plain statement, the index
/// `concurrently` included: no other session can see the tables to be blocked.
#[test]
fn render_ops_in_the_transaction_that_created_the_tables_uses_the_plain_form_throughout() {
    let create = vec![
        Op::CreateTable(users_table()),
        Op::CreateTable(orders_table()),
    ];
    let online = online_ops();
    let mut unpublished = Unpublished::default();
    assert!(unpublished.admits(&create));
    render_ops_in(
        &create,
        Dialect::Postgres,
        &Simulation::closed(),
        &mut unpublished,
    );
    assert!(unpublished.admits(&online));
    assert_eq!(
        render_ops_in(
            &online,
            Dialect::Postgres,
            &Simulation::closed(),
            &mut unpublished
        ),
        vec![
            sql(
                r#"ALTER TABLE "orders" ADD CONSTRAINT "fk_orders_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE"#
            ),
            sql(r#"ALTER TABLE "users" ADD CONSTRAINT "ck_users_age_positive" CHECK (age > 0)"#),
            sql(r#"ALTER TABLE "users" ALTER COLUMN "age" SET NOT NULL"#),
            sql(
                r#"ALTER TABLE "users" ADD CONSTRAINT "uq_users_email" UNIQUE ("email", "tenant_id")"#
            ),
            sql(r#"CREATE INDEX "ix_users_email" ON "users" ("email")"#),
            sql(r#"DROP INDEX "ix_users_email""#),
        ]
    );
    // The same ops in a transaction of their own, after the tables' was committed: online forms.
    assert_eq!(
        render_ops_in(
            &online,
            Dialect::Postgres,
            &Simulation::closed(),
            &mut Unpublished::default()
        ),
        pg_ops(&online)
    );
    assert_ne!(
        pg_ops(&online)[4],
        sql(r#"CREATE INDEX "ix_users_email" ON "users" ("email")"#)
    );
}

/// What may join the transaction that created some tables: only ops that lock nothing else.
#[test]
fn a_transaction_that_created_tables_admits_only_ops_on_them() {
    let mut unpublished = Unpublished::default();
    unpublished.track(&[Op::CreateTable(orders_table())]);
    let admits = |op: Op| unpublished.admits(&[op]);
    // On `orders`, created in the transaction.
    assert!(admits(check_on("orders")));
    assert!(admits(Op::CreateIndex(Index {
        table: "orders".into(),
        concurrently: true,
        ..index()
    })));
    assert!(admits(Op::CreateTable(users_table())));
    assert!(admits(Op::CreateEnum(mood())));
    // On `users`, which another session can use: its lock would last until the whole
    // transaction commits.
    assert!(!admits(check_on("users")));
    assert!(!admits(concurrent_index()));
    // A foreign key locks the table it references too.
    assert!(!admits(Op::AddForeignKey(fk(ReferentialAction::Cascade))));
    let mut both = unpublished.clone();
    both.track(&[Op::CreateTable(users_table())]);
    assert!(both.admits(&[Op::AddForeignKey(fk(ReferentialAction::Cascade))]));
    // What the op does not say it touches, or cannot share a transaction: never.
    assert!(!admits(Op::Execute {
        up: RawSql::Portable("CREATE INDEX ix ON orders (id)".into()),
        down: None,
    }));
    assert!(!admits(Op::Backfill {
        table: "orders".into(),
        set: "user_id = 0".into(),
        filter: "user_id IS NULL".into(),
        batch_size: 1000,
    }));
    assert!(!admits(Op::AddEnumValue {
        enum_name: "mood".into(),
        value: "calm".into(),
        position: None,
    }));
    // Ops are admitted in order: a table created earlier in the same list counts.
    assert!(Unpublished::default().admits(&[Op::CreateTable(users_table()), check_on("users")]));
    assert!(!Unpublished::default().admits(&[check_on("users"), Op::CreateTable(users_table())]));
}

#[test]
fn render_ops_every_alter_column_on_a_new_table_is_one_plain_statement() {
    for (change, action) in all_changes() {
        let ops = vec![Op::CreateTable(users_table()), alter(change.clone())];
        assert_eq!(
            pg_ops(&ops)[1],
            sql(&format!(
                r#"ALTER TABLE "users" ALTER COLUMN "age" {action}"#
            )),
            "{change:?}"
        );
    }
}

#[test]
fn render_ops_only_the_created_table_gets_the_plain_form() {
    // The FK is on `orders`, which exists already; only `users` is new.
    let ops = vec![
        Op::CreateTable(users_table()),
        Op::AddForeignKey(fk(ReferentialAction::NoAction)),
        check_on("accounts"),
        Op::AddCheck(age_check()),
    ];
    let steps = pg_ops(&ops);
    assert_eq!(steps[1], pg(&ops[1]));
    assert_eq!(steps[1].len(), 2, "NOT VALID then VALIDATE");
    assert_eq!(steps[2], pg(&ops[2]));
    assert_eq!(steps[2].len(), 2, "NOT VALID then VALIDATE");
    assert_eq!(steps[3], plain_check("users"));
}

#[test]
fn render_ops_ops_before_the_create_table_are_online() {
    let ops = vec![Op::AddCheck(age_check()), Op::CreateTable(users_table())];
    assert_eq!(pg_ops(&ops)[0], pg(&Op::AddCheck(age_check())));
}

#[test]
fn render_ops_a_renamed_new_table_stays_new() {
    let ops = vec![
        Op::CreateTable(users_table()),
        Op::RenameTable {
            from: "users".into(),
            to: "accounts".into(),
        },
        check_on("accounts"),
        Op::AddForeignKey(ForeignKey {
            table: "accounts".into(),
            ..fk(ReferentialAction::Cascade)
        }),
    ];
    let steps = pg_ops(&ops);
    assert_eq!(steps[1], sql(r#"ALTER TABLE "users" RENAME TO "accounts""#));
    assert_eq!(steps[2], plain_check("accounts"));
    assert_eq!(
        steps[3],
        sql(
            r#"ALTER TABLE "accounts" ADD CONSTRAINT "fk_orders_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE"#
        )
    );
}

#[test]
fn render_ops_the_old_name_of_a_renamed_new_table_is_no_longer_new() {
    // After `users` → `accounts`, a `users` is some other (existing) table.
    let ops = vec![
        Op::CreateTable(users_table()),
        Op::RenameTable {
            from: "users".into(),
            to: "accounts".into(),
        },
        check_on("users"),
    ];
    assert_eq!(pg_ops(&ops)[2], pg(&check_on("users")));
}

#[test]
fn render_ops_renaming_an_existing_table_does_not_make_it_new() {
    let ops = vec![
        Op::RenameTable {
            from: "users".into(),
            to: "accounts".into(),
        },
        check_on("accounts"),
    ];
    assert_eq!(pg_ops(&ops)[1], pg(&check_on("accounts")));
}

#[test]
fn render_ops_after_drop_table_a_re_creation_is_new_again() {
    let ops = vec![
        Op::CreateTable(users_table()),
        Op::DropTable(users_table()),
        check_on("users"),
        Op::CreateTable(users_table()),
        check_on("users"),
    ];
    let steps = pg_ops(&ops);
    // Between the drop and the re-creation, `users` is not a table created in the list.
    assert_eq!(steps[2], pg(&check_on("users")));
    assert_eq!(steps[4], plain_check("users"));

    // Dropping an existing table and creating it anew: new as well.
    let ops = vec![
        Op::DropTable(users_table()),
        Op::CreateTable(users_table()),
        check_on("users"),
    ];
    assert_eq!(pg_ops(&ops)[2], plain_check("users"));
}

#[test]
fn render_ops_sqlite_ignores_whether_the_table_is_new() {
    let ops = vec![
        Op::CreateTable(users_table()),
        Op::AddCheck(age_check()),
        Op::AddUnique(unique()),
        concurrent_index(),
    ];
    assert_eq!(
        render_ops(&ops, Dialect::Sqlite),
        ops.iter().map(lite).collect::<Vec<_>>()
    );
}

#[test]
fn rendered_steps_run_outside_the_transaction_exactly_when_the_op_says_so() {
    let mut online = online_ops();
    online.push(Op::CreateIndex(index()));
    let mut on_new = vec![
        Op::CreateTable(users_table()),
        Op::CreateTable(orders_table()),
    ];
    on_new.extend(online.iter().cloned());
    for (ops, first) in [(&online, 0), (&on_new, 2)] {
        let new = migrate_core::model::on_new_table(ops);
        for ((op, steps), new) in ops.iter().zip(pg_ops(ops)).zip(new).skip(first) {
            let outside = steps
                .iter()
                .any(|step| matches!(step, Step::SqlOutsideTransaction(_)));
            assert_eq!(outside, op.runs_outside_transaction(new), "{op}");
            let drops_invalid = steps
                .iter()
                .any(|step| matches!(step, Step::DropInvalidIndex(_)));
            assert_eq!(
                drops_invalid,
                outside && !matches!(op, Op::DropIndex(_)),
                "{op}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Generated names
// ---------------------------------------------------------------------------------------------

#[test]
fn generated_name_leaves_names_up_to_63_bytes_unchanged() {
    assert_eq!(MAX_IDENTIFIER_BYTES, 63);
    for name in [
        "",
        "ck_users_age_not_null",
        &"x".repeat(63),
        &"é".repeat(31),
    ] {
        assert_eq!(generated_name(name), name);
    }
}

#[test]
fn generated_name_cuts_a_longer_name_and_adds_a_hash_of_the_whole() {
    // 54 bytes of the name, `_`, then the first 4 bytes of SHA-256 in hex (checked with sha256sum).
    let name = "x".repeat(64);
    assert_eq!(
        generated_name(&name),
        format!("{}_7ce10097", "x".repeat(54))
    );
    assert_eq!(generated_name(&name).len(), 63);
    assert_eq!(
        generated_name(
            "ck_customer_subscription_billing_events_archive_processed_at_timestamp_not_null"
        ),
        "ck_customer_subscription_billing_events_archive_proces_474ba92e"
    );
}

#[test]
fn generated_name_is_deterministic_and_keeps_long_names_apart() {
    let long = |tail: &str| format!("ck_{}_{tail}", "very_long_table_name_".repeat(4));
    for tail in ["a_not_null", "b_not_null"] {
        assert_eq!(generated_name(&long(tail)), generated_name(&long(tail)));
    }
    // Same first 54 bytes, different names: the hash keeps them apart.
    assert_eq!(long("a_not_null")[..54], long("b_not_null")[..54]);
    assert_ne!(
        generated_name(&long("a_not_null")),
        generated_name(&long("b_not_null"))
    );
}

#[test]
fn generated_name_is_at_most_63_bytes_for_every_length() {
    for len in 0..200 {
        for unit in ["x", "é", "日", "🦀"] {
            let name = unit.repeat(len);
            let generated = generated_name(&name);
            assert!(
                generated.len() <= MAX_IDENTIFIER_BYTES,
                "{name}: {generated}"
            );
            if name.len() <= MAX_IDENTIFIER_BYTES {
                assert_eq!(generated, name);
            } else {
                // A whole-char prefix of the name, `_`, 8 hex digits.
                let (prefix, hash) = generated.rsplit_once('_').expect("a hash suffix");
                assert!(name.starts_with(prefix), "{name}: {generated}");
                assert!(prefix.len() > MAX_IDENTIFIER_BYTES - 9 - unit.len());
                assert_eq!(hash.len(), 8);
                assert!(hash.bytes().all(|byte| byte.is_ascii_hexdigit()));
            }
        }
    }
}

#[test]
fn generated_name_cuts_a_multibyte_name_on_a_char_boundary() {
    // Byte 54 falls inside an `é` (bytes 53..55): the cut steps back to byte 53.
    let name = format!("a{}", "é".repeat(40));
    assert_eq!(name.len(), 81);
    let generated = generated_name(&name);
    assert_eq!(generated, format!("a{}_4831141c", "é".repeat(26)));
    assert_eq!(generated.len(), 62);

    // Byte 54 falls inside the 14th crab (bytes 52..56): the cut steps back to byte 52.
    let name = "🦀".repeat(20);
    let generated = generated_name(&name);
    assert_eq!(generated, format!("{}_6caec0d2", "🦀".repeat(13)));
    assert_eq!(generated.len(), 61);
}
