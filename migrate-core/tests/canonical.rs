//! The canonical text of ops and migrations, and the checksum computed from it.

use std::collections::BTreeSet;

use migrate_core::canonical;
use migrate_core::check::{check, Config, DowngradeDef, MigrationDef};
use migrate_core::checksum;
use migrate_core::model::{
    CheckConstraint, Column, ColumnChange, ColumnType, DefaultValue, Downgrade, EnumPosition,
    EnumType, ForeignKey, Index, Migration, Mode, Op, OpKind, PrimaryKey, ReferentialAction,
    Scalar, SqlFunction, Table, UniqueConstraint,
};

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

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

fn alter(change: ColumnChange) -> Op {
    Op::AlterColumn {
        table: "users".into(),
        column: "age".into(),
        change,
    }
}

fn add_column(column: Column) -> Op {
    Op::AddColumn {
        table: "users".into(),
        column,
    }
}

/// Every op, each with the DSL text it is written as.
fn ops_and_texts() -> Vec<(Op, &'static str)> {
    vec![
        (
            Op::CreateTable(users_table()),
            r#"create_table(users, { id: bigint identity, email: text, name: varchar(100) nullable default("anon") }, primary_key: pk_users(id))"#,
        ),
        (
            Op::CreateTable(Table {
                name: "logs".into(),
                columns: vec![Column {
                    nullable: true,
                    ..column("line", Scalar::Text)
                }]
                .into(),
                primary_key: None,
            }),
            "create_table(logs, { line: text nullable })",
        ),
        (
            Op::DropTable(users_table()),
            r#"drop_table(users, { id: bigint identity, email: text, name: varchar(100) nullable default("anon") }, primary_key: pk_users(id))"#,
        ),
        (
            Op::CreateTable(Table {
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
            }),
            "create_table(memberships, { user_id: bigint, group_id: bigint }, primary_key: pk_memberships(user_id, group_id))",
        ),
        (
            add_column(Column {
                default: Some(DefaultValue::Int("0".into())),
                ..column("age", Scalar::Integer)
            }),
            "add_column(users, age: integer default(0))",
        ),
        (
            Op::DropColumn {
                table: "users".into(),
                column: Column {
                    nullable: true,
                    ..column("legacy", Scalar::Jsonb)
                },
            },
            "drop_column(users, legacy: jsonb nullable)",
        ),
        (
            Op::RenameTable {
                from: "users".into(),
                to: "accounts".into(),
            },
            "rename_table(users => accounts)",
        ),
        (
            Op::RenameColumn {
                table: "users".into(),
                from: "name".into(),
                to: "full_name".into(),
            },
            "rename_column(users, name => full_name)",
        ),
        (
            alter(ColumnChange::SetType {
                to: ColumnType::Scalar(Scalar::BigInt),
                from: ColumnType::Scalar(Scalar::Integer),
                using: None,
            }),
            "alter_column(users, age, set_type(bigint, from: integer))",
        ),
        (
            alter(ColumnChange::SetType {
                to: ColumnType::Scalar(Scalar::Integer),
                from: ColumnType::Scalar(Scalar::Text),
                using: Some("age::integer".into()),
            }),
            r#"alter_column(users, age, set_type(integer, from: text, using: "age::integer"))"#,
        ),
        (
            alter(ColumnChange::SetType {
                to: ColumnType::Array(Scalar::Text),
                from: ColumnType::Scalar(Scalar::Enum("mood".into())),
                using: None,
            }),
            "alter_column(users, age, set_type(array(text), from: enum(mood)))",
        ),
        (
            alter(ColumnChange::SetNotNull),
            "alter_column(users, age, set_not_null)",
        ),
        (
            alter(ColumnChange::DropNotNull),
            "alter_column(users, age, drop_not_null)",
        ),
        (
            alter(ColumnChange::SetDefault {
                to: DefaultValue::Int("1".into()),
                from: Some(DefaultValue::Int("0".into())),
            }),
            "alter_column(users, age, set_default(1, from: 0))",
        ),
        (
            alter(ColumnChange::SetDefault {
                to: DefaultValue::Function(SqlFunction::Now),
                from: None,
            }),
            "alter_column(users, age, set_default(now(), from: none))",
        ),
        (
            alter(ColumnChange::DropDefault {
                was: DefaultValue::Sql("now()".into()),
            }),
            r#"alter_column(users, age, drop_default(was: sql("now()")))"#,
        ),
        (
            Op::CreateIndex(index()),
            "create_index(ix_users_email, users(email))",
        ),
        (
            Op::CreateIndex(Index {
                columns: vec!["tenant_id".into(), "email".into()].into(),
                unique: true,
                predicate: Some("deleted_at IS NULL".into()),
                concurrently: true,
                ..index()
            }),
            r#"create_index(ix_users_email, users(tenant_id, email), unique, where: "deleted_at IS NULL", concurrently)"#,
        ),
        (
            Op::DropIndex(index()),
            "drop_index(ix_users_email, users(email))",
        ),
        (
            Op::DropIndex(Index {
                concurrently: true,
                ..index()
            }),
            "drop_index(ix_users_email, users(email), concurrently)",
        ),
        (
            Op::AddForeignKey(fk(ReferentialAction::Cascade)),
            "add_foreign_key(fk_orders_user_id, orders(user_id), references: users(id), on_delete: cascade)",
        ),
        (
            Op::DropForeignKey(fk(ReferentialAction::SetNull)),
            "drop_foreign_key(fk_orders_user_id, orders(user_id), references: users(id), on_delete: set_null)",
        ),
        (
            Op::AddCheck(age_check()),
            r#"add_check(ck_users_age_positive, users, "age > 0")"#,
        ),
        (
            Op::DropCheck(CheckConstraint {
                expr: r#"name <> "" AND note <> 'x'"#.into(),
                ..age_check()
            }),
            r#"drop_check(ck_users_age_positive, users, "name <> \"\" AND note <> 'x'")"#,
        ),
        (
            Op::AddUnique(unique()),
            "add_unique(uq_users_email, users(email, tenant_id))",
        ),
        (
            Op::DropUnique(unique()),
            "drop_unique(uq_users_email, users(email, tenant_id))",
        ),
        (
            Op::AddPrimaryKey {
                table: "users".into(),
                key: PrimaryKey {
                    name: "pk_users".into(),
                    columns: vec!["tenant_id".into(), "id".into()].into(),
                },
            },
            "add_primary_key(pk_users, users(tenant_id, id))",
        ),
        (
            Op::DropPrimaryKey {
                table: "users".into(),
                key: PrimaryKey {
                    name: "pk_users".into(),
                    columns: vec!["id".into()].into(),
                },
            },
            "drop_primary_key(pk_users, users(id))",
        ),
        (
            Op::InsertRows(migrate_core::model::Rows {
                table: "roles".into(),
                columns: vec!["name".into(), "rank".into()].into(),
                values: vec![
                    vec![DefaultValue::Str("owner".into()), DefaultValue::Int("1".into())].into(),
                    vec![DefaultValue::Str("member".into()), DefaultValue::Null].into(),
                ]
                .into(),
            }),
            r#"insert_rows(roles, [{ name: "owner", rank: 1 }, { name: "member", rank: null }])"#,
        ),
        (
            Op::DeleteRows(migrate_core::model::Rows {
                table: "roles".into(),
                columns: vec!["name".into()].into(),
                values: vec![vec![DefaultValue::Str("owner".into())].into()].into(),
            }),
            r#"delete_rows(roles, [{ name: "owner" }])"#,
        ),
        (
            Op::CreateEnum(mood()),
            r#"create_enum(mood, ["sad", "it's ok", "happy"])"#,
        ),
        (
            Op::DropEnum(mood()),
            r#"drop_enum(mood, ["sad", "it's ok", "happy"])"#,
        ),
        (
            Op::AddEnumValue {
                enum_name: "mood".into(),
                value: "meh".into(),
                position: None,
            },
            r#"add_enum_value(mood, "meh")"#,
        ),
        (
            Op::AddEnumValue {
                enum_name: "mood".into(),
                value: "meh".into(),
                position: Some(EnumPosition::Before("happy".into())),
            },
            r#"add_enum_value(mood, "meh", before: "happy")"#,
        ),
        (
            Op::AddEnumValue {
                enum_name: "mood".into(),
                value: "meh".into(),
                position: Some(EnumPosition::After("sad".into())),
            },
            r#"add_enum_value(mood, "meh", after: "sad")"#,
        ),
        (
            Op::DropEnumValue {
                enum_name: "mood".into(),
                value: "meh".into(),
                position: Some(EnumPosition::After("sad".into())),
            },
            r#"drop_enum_value(mood, "meh", after: "sad")"#,
        ),
        (
            Op::Execute {
                up: "CREATE EXTENSION citext".into(),
                down: None,
            },
            r#"execute("CREATE EXTENSION citext")"#,
        ),
        (
            Op::Execute {
                up: "CREATE EXTENSION citext".into(),
                down: Some("DROP EXTENSION citext".into()),
            },
            r#"execute("CREATE EXTENSION citext", down: "DROP EXTENSION citext")"#,
        ),
        (
            Op::Execute {
                up: "SELECT '\\n'\n;".into(),
                down: None,
            },
            r#"execute("SELECT '\\n'\n;")"#,
        ),
        (
            Op::Backfill {
                table: "users".into(),
                set: "email = lower(email)".into(),
                filter: "email <> lower(email)".into(),
                batch_size: 1000,
            },
            r#"backfill(users, set: "email = lower(email)", where: "email <> lower(email)", batch: 1000)"#,
        ),
        (
            Op::RunRust {
                up: "crate::data::fill".into(),
                down: None,
            },
            "run(up: crate::data::fill)",
        ),
        (
            Op::RunRust {
                up: "crate::data::fill".into(),
                down: Some("crate::data::empty".into()),
            },
            "run(up: crate::data::fill, down: crate::data::empty)",
        ),
    ]
}

fn def(upgrade: Vec<Op>) -> MigrationDef {
    MigrationDef {
        id: "0002_add_email".into(),
        parents: vec!["0001_init".into()],
        replaces: vec![],
        doc: "Adds the email column.".into(),
        upgrade,
        downgrade: DowngradeDef::Computed,
        lock_timeout_ms: None,
        statement_timeout_ms: None,
        waivers: vec![],
        adopted_names: false,
    }
}

fn add_email() -> Op {
    add_column(Column {
        nullable: true,
        ..column("email", Scalar::Text)
    })
}

fn built(def: MigrationDef) -> Migration {
    let (migration, diagnostics) = check(def, &Config::default());
    assert_eq!(diagnostics, vec![]);
    migration
}

fn checksum_of(def: MigrationDef) -> String {
    check(def, &Config::default()).0.checksum.into_owned()
}

// ---------------------------------------------------------------------------------------------
// Display of ops
// ---------------------------------------------------------------------------------------------

#[test]
fn every_kind_has_a_display_case() {
    let kinds: BTreeSet<OpKind> = ops_and_texts().iter().map(|(op, _)| op.kind()).collect();
    let all: BTreeSet<OpKind> = OpKind::ALL.iter().copied().collect();
    assert_eq!(kinds, all);
}

#[test]
fn display_of_each_op_is_its_dsl_text() {
    for (op, text) in ops_and_texts() {
        assert_eq!(op.to_string(), text, "{op:?}");
    }
}

#[test]
fn display_starts_with_the_op_name() {
    for (op, _) in ops_and_texts() {
        let text = op.to_string();
        assert!(
            text.starts_with(&format!("{}(", op.kind().name())),
            "{text}"
        );
    }
}

#[test]
fn display_of_every_referential_action() {
    for (action, name) in [
        (ReferentialAction::NoAction, "no_action"),
        (ReferentialAction::Restrict, "restrict"),
        (ReferentialAction::Cascade, "cascade"),
        (ReferentialAction::SetNull, "set_null"),
        (ReferentialAction::SetDefault, "set_default"),
    ] {
        assert_eq!(
            Op::AddForeignKey(fk(action)).to_string(),
            format!("add_foreign_key(fk_orders_user_id, orders(user_id), references: users(id), on_delete: {name})")
        );
        assert_eq!(ReferentialAction::from_name(name), Some(action));
    }
    assert_eq!(ReferentialAction::ALL.len(), 5);
}

#[test]
fn display_of_every_type() {
    use ColumnType::{Array, Scalar as S};
    for (ty, text) in [
        (S(Scalar::SmallInt), "smallint"),
        (S(Scalar::Integer), "integer"),
        (S(Scalar::BigInt), "bigint"),
        (S(Scalar::Real), "real"),
        (S(Scalar::DoublePrecision), "double"),
        (S(Scalar::Numeric(None)), "numeric"),
        (S(Scalar::Numeric(Some((10, 2)))), "numeric(10, 2)"),
        (S(Scalar::Text), "text"),
        (S(Scalar::Varchar(20)), "varchar(20)"),
        (S(Scalar::Char(2)), "char(2)"),
        (S(Scalar::Boolean), "boolean"),
        (S(Scalar::Uuid), "uuid"),
        (S(Scalar::Date), "date"),
        (S(Scalar::Time), "time"),
        (S(Scalar::Timestamp), "timestamp"),
        (S(Scalar::Timestamptz), "timestamptz"),
        (S(Scalar::Interval), "interval"),
        (S(Scalar::Json), "json"),
        (S(Scalar::Jsonb), "jsonb"),
        (S(Scalar::Bytea), "bytea"),
        (S(Scalar::Enum("mood".into())), "enum(mood)"),
        (Array(Scalar::Text), "array(text)"),
        (
            Array(Scalar::Numeric(Some((10, 2)))),
            "array(numeric(10, 2))",
        ),
        (Array(Scalar::Enum("mood".into())), "array(enum(mood))"),
    ] {
        assert_eq!(ty.to_string(), text);
        // What the printer writes for a keyword type is what the parser reads back.
        if let S(scalar) = &ty {
            if !text.contains('(') {
                assert_eq!(Scalar::from_keyword(text).as_ref(), Some(scalar), "{text}");
            }
        }
    }
}

#[test]
fn display_of_every_default() {
    for (default, text) in [
        (DefaultValue::Null, "null"),
        (DefaultValue::Bool(true), "true"),
        (DefaultValue::Bool(false), "false"),
        (DefaultValue::Int("42".into()), "42"),
        (DefaultValue::Int("-42".into()), "-42"),
        (DefaultValue::Float("3.14".into()), "3.14"),
        (DefaultValue::Float("-0.5".into()), "-0.5"),
        (DefaultValue::Str("it's".into()), r#""it's""#),
        (DefaultValue::Str(r#"say "hi""#.into()), r#""say \"hi\"""#),
        (DefaultValue::Str(r"C:\dir".into()), r#""C:\\dir""#),
        (DefaultValue::Function(SqlFunction::Now), "now()"),
        // `current_date` is an SQL keyword, not a call: written without parentheses.
        (
            DefaultValue::Function(SqlFunction::CurrentDate),
            "current_date",
        ),
        (
            DefaultValue::Function(SqlFunction::GenRandomUuid),
            "gen_random_uuid()",
        ),
        (DefaultValue::Function(SqlFunction::Random), "random()"),
        (
            DefaultValue::Function(SqlFunction::ClockTimestamp),
            "clock_timestamp()",
        ),
        (
            DefaultValue::Sql("now() + interval '1 day'".into()),
            r#"sql("now() + interval '1 day'")"#,
        ),
    ] {
        assert_eq!(default.to_string(), text);
    }
    for function in SqlFunction::ALL {
        assert_eq!(SqlFunction::from_name(function.name()), Some(*function));
    }
}

#[test]
fn display_of_a_column_with_every_modifier() {
    let col = Column {
        nullable: true,
        identity: true,
        default: Some(DefaultValue::Int("1".into())),
        ..column("n", Scalar::BigInt)
    };
    assert_eq!(col.to_string(), "n: bigint nullable identity default(1)");
    assert_eq!(column("n", Scalar::BigInt).to_string(), "n: bigint");
}

#[test]
fn display_of_every_column_change() {
    for (change, text) in [
        (ColumnChange::SetNotNull, "set_not_null"),
        (ColumnChange::DropNotNull, "drop_not_null"),
        (
            ColumnChange::SetDefault {
                to: DefaultValue::Bool(true),
                from: Some(DefaultValue::Bool(false)),
            },
            "set_default(true, from: false)",
        ),
        (
            ColumnChange::SetDefault {
                to: DefaultValue::Null,
                from: None,
            },
            "set_default(null, from: none)",
        ),
        (
            ColumnChange::DropDefault {
                was: DefaultValue::Str("x".into()),
            },
            r#"drop_default(was: "x")"#,
        ),
        (
            ColumnChange::SetType {
                to: ColumnType::Scalar(Scalar::Numeric(Some((12, 4)))),
                from: ColumnType::Scalar(Scalar::Numeric(None)),
                using: Some(r#"round("amount", 4)"#.into()),
            },
            r#"set_type(numeric(12, 4), from: numeric, using: "round(\"amount\", 4)")"#,
        ),
    ] {
        assert_eq!(change.to_string(), text);
    }
}

// ---------------------------------------------------------------------------------------------
// Blocks, downgrades and whole migrations
// ---------------------------------------------------------------------------------------------

#[test]
fn block_is_one_indented_op_per_line() {
    assert_eq!(canonical::block(&[]), "");
    assert_eq!(
        canonical::block(&[
            add_email(),
            Op::RenameTable {
                from: "users".into(),
                to: "accounts".into(),
            },
        ]),
        "    add_column(users, email: text nullable);\n    rename_table(users => accounts);\n"
    );
}

#[test]
fn downgrade_text() {
    assert_eq!(
        canonical::downgrade(&Downgrade::Ops(vec![add_email()].into())),
        "downgrade {\n    add_column(users, email: text nullable);\n}\n"
    );
    assert_eq!(
        canonical::downgrade(&Downgrade::Ops(vec![].into())),
        "downgrade {\n}\n"
    );
    assert_eq!(
        canonical::downgrade(&Downgrade::Irreversible(
            "enum values cannot be \"removed\"".into()
        )),
        "downgrade {\n    irreversible(\"enum values cannot be \\\"removed\\\"\");\n}\n"
    );
}

#[test]
fn migration_text() {
    let migration = built(MigrationDef {
        lock_timeout_ms: Some(5000),
        statement_timeout_ms: Some(60000),
        ..def(vec![add_email()])
    });
    assert_eq!(
        canonical::migration(&migration),
        "id: \"0002_add_email\"\n\
         parents: [\"0001_init\"]\n\
         mode: transactional\n\
         lock_timeout: 5000ms\n\
         statement_timeout: 60000ms\n\
         upgrade {\n    \
         add_column(users, email: text nullable);\n\
         }\n\
         downgrade {\n    \
         drop_column(users, email: text nullable);\n\
         }\n"
    );
}

#[test]
fn migration_text_of_a_root_non_transactional_irreversible_migration() {
    let migration = built(MigrationDef {
        id: "0001_backfill".into(),
        parents: vec![],
        downgrade: DowngradeDef::Irreversible("data only".into()),
        ..def(vec![Op::Backfill {
            table: "users".into(),
            set: "a = 1".into(),
            filter: "a IS NULL".into(),
            batch_size: 10,
        }])
    });
    assert_eq!(migration.mode, Mode::NonTransactional);
    assert_eq!(
        canonical::migration(&migration),
        "id: \"0001_backfill\"\n\
         parents: []\n\
         mode: non_transactional\n\
         upgrade {\n    \
         backfill(users, set: \"a = 1\", where: \"a IS NULL\", batch: 10);\n\
         }\n\
         downgrade {\n    \
         irreversible(\"data only\");\n\
         }\n"
    );
}

#[test]
fn migration_text_of_a_merge() {
    let migration = built(MigrationDef {
        id: "0004_merge".into(),
        parents: vec!["0002_a".into(), "0003_b".into()],
        ..def(vec![])
    });
    assert_eq!(
        canonical::migration(&migration),
        "id: \"0004_merge\"\nparents: [\"0002_a\", \"0003_b\"]\nmode: transactional\nupgrade {\n}\ndowngrade {\n}\n"
    );
}

// ---------------------------------------------------------------------------------------------
// Checksum
// ---------------------------------------------------------------------------------------------

#[test]
fn checksum_is_64_lowercase_hex_characters() {
    let migration = built(def(vec![add_email()]));
    assert_eq!(migration.checksum.len(), 64);
    assert!(migration
        .checksum
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
}

#[test]
fn checksum_is_the_sha256_of_the_canonical_text() {
    use sha2::{Digest, Sha256};
    let migration = built(def(vec![add_email()]));
    let digest = Sha256::digest(canonical::migration(&migration).as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(migration.checksum, hex);
    assert_eq!(checksum::of(&migration), hex);
}

#[test]
fn checksum_is_stable() {
    // Pinned: a change here means every applied migration would report drift.
    let migration = built(def(vec![add_email()]));
    assert_eq!(
        canonical::migration(&migration),
        "id: \"0002_add_email\"\nparents: [\"0001_init\"]\nmode: transactional\nupgrade {\n    add_column(users, email: text nullable);\n}\ndowngrade {\n    drop_column(users, email: text nullable);\n}\n"
    );
    assert_eq!(
        migration.checksum,
        "131a1ab9d3b13e789a6e60953d5f1c2a147178b7fcb8ea798f33e547dd84ba0c"
    );
    assert_eq!(checksum_of(def(vec![add_email()])), migration.checksum);
    assert_eq!(checksum::of(&migration), migration.checksum);
}

#[test]
fn checksum_ignores_the_checksum_field() {
    let mut migration = built(def(vec![add_email()]));
    let expected = migration.checksum.clone();
    migration.checksum = "tampered".into();
    assert_eq!(checksum::of(&migration), expected);
}

#[test]
fn checksum_is_unchanged_by_the_doc_comment() {
    let with_doc = checksum_of(def(vec![add_email()]));
    let other_doc = checksum_of(MigrationDef {
        doc: "A completely different comment.\n\nWith paragraphs.".into(),
        ..def(vec![add_email()])
    });
    let no_doc = checksum_of(MigrationDef {
        doc: String::new(),
        ..def(vec![add_email()])
    });
    assert_eq!(with_doc, other_doc);
    assert_eq!(with_doc, no_doc);
}

#[test]
fn checksum_changes_with_any_op_change() {
    // Every op of the fixture, plus variants differing in one field each.
    let mut upgrades: Vec<Vec<Op>> = ops_and_texts()
        .into_iter()
        .map(|(op, _)| vec![op])
        .collect();
    let variants = vec![
        add_column(column("email", Scalar::Text)),
        add_column(Column {
            nullable: true,
            ..column("email", Scalar::Varchar(320))
        }),
        add_column(Column {
            nullable: true,
            ..column("email", Scalar::Varchar(321))
        }),
        add_column(Column {
            nullable: true,
            ..column("mail", Scalar::Text)
        }),
        Op::AddColumn {
            table: "accounts".into(),
            column: Column {
                nullable: true,
                ..column("email", Scalar::Text)
            },
        },
        add_column(Column {
            nullable: true,
            default: Some(DefaultValue::Str("1".into())),
            ..column("email", Scalar::Text)
        }),
        add_column(Column {
            nullable: true,
            default: Some(DefaultValue::Int("1".into())),
            ..column("email", Scalar::Text)
        }),
        add_column(Column {
            nullable: true,
            default: Some(DefaultValue::Sql("1".into())),
            ..column("email", Scalar::Text)
        }),
        add_column(Column {
            identity: true,
            ..column("n", Scalar::BigInt)
        }),
        add_column(column("n", Scalar::BigInt)),
        Op::CreateIndex(Index {
            unique: true,
            ..index()
        }),
        Op::CreateIndex(Index {
            concurrently: true,
            ..index()
        }),
        Op::CreateIndex(Index {
            predicate: Some("active".into()),
            ..index()
        }),
        Op::CreateIndex(Index {
            predicate: Some("not active".into()),
            ..index()
        }),
        Op::AddForeignKey(fk(ReferentialAction::Restrict)),
        Op::AddEnumValue {
            enum_name: "mood".into(),
            value: "meh".into(),
            position: Some(EnumPosition::After("happy".into())),
        },
        Op::Backfill {
            table: "users".into(),
            set: "email = lower(email)".into(),
            filter: "email <> lower(email)".into(),
            batch_size: 1001,
        },
        alter(ColumnChange::SetType {
            to: ColumnType::Scalar(Scalar::BigInt),
            from: ColumnType::Scalar(Scalar::Integer),
            using: Some("age::bigint".into()),
        }),
    ];
    upgrades.extend(variants.into_iter().map(|op| vec![op]));
    upgrades.push(vec![add_email(), Op::CreateIndex(index())]);
    upgrades.push(vec![Op::CreateIndex(index()), add_email()]);
    upgrades.push(vec![]);

    let mut seen = BTreeSet::new();
    for upgrade in &upgrades {
        let def = MigrationDef {
            downgrade: DowngradeDef::Irreversible("test".into()),
            ..def(upgrade.clone())
        };
        let sum = checksum_of(def);
        assert!(
            seen.insert(sum),
            "two upgrades share a checksum: {upgrade:?}"
        );
    }
    assert_eq!(seen.len(), upgrades.len());
}

#[test]
fn checksum_changes_with_the_header_and_the_downgrade() {
    let base = || def(vec![add_email()]);
    let sums = [
        checksum_of(base()),
        checksum_of(MigrationDef {
            id: "0003_add_email".into(),
            ..base()
        }),
        checksum_of(MigrationDef {
            parents: vec![],
            ..base()
        }),
        checksum_of(MigrationDef {
            parents: vec!["0001_init".into(), "0001_other".into()],
            ..base()
        }),
        checksum_of(MigrationDef {
            lock_timeout_ms: Some(1000),
            ..base()
        }),
        checksum_of(MigrationDef {
            lock_timeout_ms: Some(2000),
            ..base()
        }),
        checksum_of(MigrationDef {
            statement_timeout_ms: Some(1000),
            ..base()
        }),
        checksum_of(MigrationDef {
            downgrade: DowngradeDef::Irreversible("no".into()),
            ..base()
        }),
        checksum_of(MigrationDef {
            downgrade: DowngradeDef::Irreversible("never".into()),
            ..base()
        }),
        checksum_of(MigrationDef {
            downgrade: DowngradeDef::Ops(vec![]),
            ..base()
        }),
        checksum_of(MigrationDef {
            upgrade: vec![add_email(), Op::CreateIndex(index())],
            ..base()
        }),
        checksum_of(MigrationDef {
            upgrade: vec![
                add_email(),
                Op::CreateIndex(Index {
                    concurrently: true,
                    ..index()
                }),
            ],
            downgrade: DowngradeDef::Irreversible("no".into()),
            ..base()
        }),
    ];
    let distinct: BTreeSet<&String> = sums.iter().collect();
    assert_eq!(distinct.len(), sums.len(), "{sums:#?}");
}

#[test]
fn computed_and_written_downgrades_with_the_same_ops_have_the_same_checksum() {
    // `change { … }` and the equivalent `upgrade`/`downgrade` pair mean the same migration.
    let computed = checksum_of(def(vec![add_email()]));
    let written = checksum_of(MigrationDef {
        downgrade: DowngradeDef::Ops(vec![Op::DropColumn {
            table: "users".into(),
            column: Column {
                nullable: true,
                ..column("email", Scalar::Text)
            },
        }]),
        ..def(vec![add_email()])
    });
    assert_eq!(computed, written);
}
