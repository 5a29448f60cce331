//! Autogenerate: the migrations written from a difference pass the checks they are written for,
//! and the chain with them builds the target.

#![allow(clippy::unwrap_used)]

use migrate_core::check::{check, Config, DowngradeDef, MigrationDef};
use migrate_core::diagnostic::CheckId;
use migrate_core::fold::autogenerate::{plan, Options, Plan, Rename, Sees, Target};
use migrate_core::fold::{compare, expected, fold, schema, Schema};
use migrate_core::model::{
    Column, ColumnType, DefaultValue, EnumType, ForeignKey, Index, Migration, Op, PrimaryKey,
    ReferentialAction, Scalar, Table, UniqueConstraint,
};
use migrate_core::render::Dialect;

fn column(name: &'static str, scalar: Scalar, nullable: bool) -> Column {
    Column {
        name: name.into(),
        ty: ColumnType::Scalar(scalar),
        nullable,
        default: None,
        identity: false,
        generated: None,
    }
}

fn table(name: &'static str, columns: Vec<Column>) -> Table {
    let mut all = vec![Column {
        identity: true,
        ..column("id", Scalar::BigInt, false)
    }];
    all.extend(columns);
    Table {
        name: name.into(),
        columns: all.into(),
        primary_key: Some(PrimaryKey {
            name: format!("pk_{name}").into(),
            columns: vec!["id".into()].into(),
        }),
    }
}

fn index(name: &'static str, table: &'static str, columns: &[&'static str]) -> Index {
    Index {
        name: name.into(),
        table: table.into(),
        columns: columns
            .iter()
            .map(|c| (*c).into())
            .collect::<Vec<_>>()
            .into(),
        unique: false,
        predicate: None,
        concurrently: false,
    }
}

fn migration(id: &str, parents: &[&str], upgrade: Vec<Op>) -> (Migration, Vec<CheckId>) {
    let def = MigrationDef {
        id: id.into(),
        parents: parents.iter().map(|parent| parent.to_string()).collect(),
        doc: String::new(),
        upgrade,
        downgrade: DowngradeDef::Computed,
        lock_timeout_ms: None,
        statement_timeout_ms: None,
        waivers: vec![],
        adopted_names: false,
        replaces: vec![],
    };
    let (migration, diagnostics) = check(def, &Config::default());
    (migration, diagnostics.iter().map(|d| d.check).collect())
}

/// The chain's one migration, the plan towards `target`, the rules the written migrations break
/// (their own checks and the fold's), and the schema the chain builds with them.
struct Generated {
    plan: Plan,
    broken: Vec<CheckId>,
    after: Schema,
}

fn generate(chain: Vec<Op>, target: Schema, options: &Options) -> Generated {
    let (first, problems) = migration("0001_first", &[], chain);
    assert_eq!(problems, [], "the fixture chain is clean");
    let before = schema(&[&first], None).unwrap();
    let plan = plan(
        &before,
        &Target {
            schema: target,
            sees: Sees::EVERYTHING,
        },
        options,
    );
    let mut migrations = vec![first];
    let mut broken = Vec::new();
    for (index, (_, steps)) in plan.migrations().into_iter().enumerate() {
        let parent = migrations
            .last()
            .map(|m| m.id.to_string())
            .unwrap_or_default();
        let ops = steps.iter().map(|step| step.op.clone()).collect();
        let (written, problems) = migration(&format!("000{}_written", index + 2), &[&parent], ops);
        broken.extend(problems);
        migrations.push(written);
    }
    let all: Vec<&Migration> = migrations.iter().collect();
    broken.extend(fold(&all).unwrap().into_iter().map(|p| p.diagnostic.check));
    let after = schema(&all, None).unwrap();
    Generated {
        plan,
        broken,
        after,
    }
}

fn ops(steps: &[migrate_core::fold::autogenerate::Step]) -> Vec<String> {
    steps.iter().map(|step| step.op.to_string()).collect()
}

fn same_schema(built: &Schema, target: &Schema) {
    let differences = compare(
        &expected(built, Dialect::Postgres),
        &expected(target, Dialect::Postgres),
        &[],
    );
    assert!(differences.is_empty(), "{differences:#?}");
}

fn users() -> Table {
    table("users", vec![column("email", Scalar::Text, false)])
}

#[test]
fn a_nullable_column_is_added_as_it_is() {
    let target = Schema {
        tables: vec![table(
            "users",
            vec![
                column("email", Scalar::Text, false),
                column("bio", Scalar::Text, true),
            ],
        )],
        ..Schema::default()
    };
    let generated = generate(
        vec![Op::CreateTable(users())],
        target.clone(),
        &Options::default(),
    );
    assert_eq!(
        ops(&generated.plan.main),
        ["add_column(users, bio: text nullable)"]
    );
    assert_eq!(generated.broken, []);
    same_schema(&generated.after, &target);
}

#[test]
fn a_required_column_is_added_nullable_filled_then_constrained() {
    let target = Schema {
        tables: vec![table(
            "users",
            vec![
                column("email", Scalar::Text, false),
                column("age", Scalar::Integer, false),
            ],
        )],
        ..Schema::default()
    };
    let generated = generate(
        vec![Op::CreateTable(users())],
        target.clone(),
        &Options::default(),
    );
    assert_eq!(
        ops(&generated.plan.main),
        [
            "add_column(users, age: integer nullable)",
            "backfill(users, set: \"age = NULL\", where: \"age IS NULL\", batch: 1000)",
            "alter_column(users, age, set_not_null)"
        ]
    );
    assert!(
        generated.plan.main[1].decide.is_some(),
        "the value is the user's to decide"
    );
    assert_eq!(generated.broken, []);
    same_schema(&generated.after, &target);
}

#[test]
fn a_new_table_gets_its_indexes_and_keys_in_one_migration() {
    let posts = table(
        "posts",
        vec![
            column("user_id", Scalar::BigInt, false),
            column("title", Scalar::Varchar(200), false),
        ],
    );
    let target = Schema {
        tables: vec![users(), posts],
        indexes: vec![index("ix_posts_user_id", "posts", &["user_id"])],
        foreign_keys: vec![ForeignKey {
            name: "fk_posts_user_id".into(),
            table: "posts".into(),
            columns: vec!["user_id".into()].into(),
            referenced_table: "users".into(),
            referenced_columns: vec!["id".into()].into(),
            on_delete: ReferentialAction::Cascade,
            on_update: ReferentialAction::NoAction,
        }],
        uniques: vec![UniqueConstraint {
            name: "uq_posts_title".into(),
            table: "posts".into(),
            columns: vec!["title".into()].into(),
        }],
        ..Schema::default()
    };
    let generated = generate(
        vec![Op::CreateTable(users())],
        target.clone(),
        &Options::default(),
    );
    assert_eq!(
        generated.plan.migrations().len(),
        1,
        "{:#?}",
        generated.plan
    );
    assert_eq!(generated.broken, []);
    same_schema(&generated.after, &target);
}

#[test]
fn an_index_and_a_foreign_key_on_an_existing_table_come_after_in_their_own_migration() {
    let posts = || table("posts", vec![column("user_id", Scalar::BigInt, false)]);
    let target = Schema {
        tables: vec![users(), posts()],
        indexes: vec![index("ix_posts_user_id", "posts", &["user_id"])],
        foreign_keys: vec![ForeignKey {
            name: "fk_posts_user_id".into(),
            table: "posts".into(),
            columns: vec!["user_id".into()].into(),
            referenced_table: "users".into(),
            referenced_columns: vec!["id".into()].into(),
            on_delete: ReferentialAction::Cascade,
            on_update: ReferentialAction::NoAction,
        }],
        ..Schema::default()
    };
    let generated = generate(
        vec![Op::CreateTable(users()), Op::CreateTable(posts())],
        target.clone(),
        &Options::default(),
    );
    assert!(generated.plan.main.is_empty());
    assert_eq!(
        ops(&generated.plan.after),
        [
            "create_index(ix_posts_user_id, posts(user_id), concurrently)",
            "add_foreign_key(fk_posts_user_id, posts(user_id), references: users(id), on_delete: cascade)"
        ]
    );
    assert_eq!(generated.broken, []);
    same_schema(&generated.after, &target);
}

#[test]
fn a_dropped_column_is_written_and_refused_until_decided() {
    let chain = table(
        "users",
        vec![
            column("email", Scalar::Text, false),
            column("legacy", Scalar::Text, true),
        ],
    );
    let target = Schema {
        tables: vec![users()],
        ..Schema::default()
    };
    let generated = generate(
        vec![Op::CreateTable(chain)],
        target.clone(),
        &Options::default(),
    );
    assert_eq!(
        ops(&generated.plan.main),
        ["drop_column(users, legacy: text nullable)"]
    );
    assert!(generated.plan.main[0]
        .note
        .as_deref()
        .is_some_and(|note| note.contains("--rename users.legacy=")));
    assert_eq!(generated.broken, [CheckId::DropColumn]);
    same_schema(&generated.after, &target);
}

#[test]
fn a_rename_is_written_only_when_given() {
    let chain = table("users", vec![column("name", Scalar::Text, false)]);
    let target = Schema {
        tables: vec![table(
            "users",
            vec![column("full_name", Scalar::Text, false)],
        )],
        ..Schema::default()
    };
    let guessed = generate(
        vec![Op::CreateTable(chain.clone())],
        target.clone(),
        &Options::default(),
    );
    assert_eq!(
        guessed.plan.rename_hints,
        ["users.name=full_name".parse::<Rename>().unwrap()]
    );
    assert!(ops(&guessed.plan.main)
        .iter()
        .any(|op| op.starts_with("drop_column")));

    let options = Options {
        renames: vec!["users.name=full_name".parse::<Rename>().unwrap()],
    };
    let told = generate(vec![Op::CreateTable(chain)], target.clone(), &options);
    assert_eq!(
        ops(&told.plan.main),
        ["rename_column(users, name => full_name)"]
    );
    assert_eq!(told.broken, [CheckId::RenameColumn]);
    same_schema(&told.after, &target);
}

#[test]
fn changed_columns_are_altered() {
    let chain = table(
        "users",
        vec![
            column("email", Scalar::Varchar(100), true),
            Column {
                default: Some(DefaultValue::Int("0".into())),
                ..column("logins", Scalar::Integer, false)
            },
        ],
    );
    let target = Schema {
        tables: vec![table(
            "users",
            vec![
                column("email", Scalar::Varchar(200), false),
                Column {
                    default: Some(DefaultValue::Int("1".into())),
                    ..column("logins", Scalar::Integer, false)
                },
            ],
        )],
        ..Schema::default()
    };
    let generated = generate(
        vec![Op::CreateTable(chain)],
        target.clone(),
        &Options::default(),
    );
    assert_eq!(
        ops(&generated.plan.main),
        [
            "alter_column(users, email, set_type(varchar(200), from: varchar(100)))",
            "alter_column(users, email, set_not_null)",
            "alter_column(users, logins, set_default(1, from: 0))"
        ]
    );
    // Widening a varchar rewrites nothing and the NOT NULL is validated online, but the way
    // back narrows it: the author decides (waives it for the downgrade, or writes one).
    assert_eq!(generated.broken, [CheckId::TypeChangeNarrowing]);
    same_schema(&generated.after, &target);
}

#[test]
fn enum_labels_are_added_in_place() {
    let status = |values: &[&'static str]| EnumType {
        name: "status".into(),
        values: values
            .iter()
            .map(|v| (*v).into())
            .collect::<Vec<_>>()
            .into(),
    };
    let target = Schema {
        tables: vec![users()],
        enums: vec![status(&["open", "archived", "done"])],
        ..Schema::default()
    };
    let generated = generate(
        vec![
            Op::CreateEnum(status(&["open", "done"])),
            Op::CreateTable(users()),
        ],
        target.clone(),
        &Options::default(),
    );
    assert_eq!(
        ops(&generated.plan.main),
        ["add_enum_value(status, \"archived\", after: \"open\")"]
    );
    same_schema(&generated.after, &target);
}

#[test]
fn a_dropped_index_covering_a_dropped_column_goes_first() {
    let chain = table(
        "users",
        vec![
            column("email", Scalar::Text, false),
            column("legacy", Scalar::Text, true),
        ],
    );
    let target = Schema {
        tables: vec![users()],
        ..Schema::default()
    };
    let generated = generate(
        vec![
            Op::CreateTable(chain),
            Op::CreateIndex(index("ix_users_legacy", "users", &["legacy"])),
        ],
        target.clone(),
        &Options::default(),
    );
    assert_eq!(
        ops(&generated.plan.before),
        ["drop_index(ix_users_legacy, users(legacy), concurrently)"]
    );
    assert_eq!(generated.broken, [CheckId::DropColumn]);
    same_schema(&generated.after, &target);
}

#[test]
fn nothing_differs_nothing_is_planned() {
    let generated = generate(
        vec![Op::CreateTable(users())],
        Schema {
            tables: vec![users()],
            ..Schema::default()
        },
        &Options::default(),
    );
    assert!(generated.plan.is_empty());
}
