//! The fold of a whole chain: what one migration cannot know on its own, found from the
//! migrations before it.

use migrate_core::check::{check, Config, DowngradeDef, MigrationDef};
use migrate_core::diagnostic::{CheckId, Part, Section};
use migrate_core::fold::{fold, ChainProblem};
use migrate_core::graph::GraphError;
use migrate_core::model::{
    Column, ColumnChange, ColumnType, DefaultValue, EnumType, ForeignKey, Index, Migration, Op,
    PrimaryKey, ReferentialAction, Scalar, Table,
};

fn migration(id: &str, parents: &[&str], upgrade: Vec<Op>) -> Migration {
    let def = MigrationDef {
        id: id.into(),
        parents: parents.iter().map(|parent| parent.to_string()).collect(),
        replaces: vec![],
        doc: String::new(),
        upgrade,
        downgrade: DowngradeDef::Irreversible("test".into()),
        lock_timeout_ms: None,
        statement_timeout_ms: None,
        waivers: vec![],
        adopted_names: false,
    };
    check(def, &Config::default()).0
}

fn column(name: &'static str, scalar: Scalar) -> Column {
    Column {
        name: name.into(),
        ty: ColumnType::Scalar(scalar),
        nullable: true,
        default: None,
        identity: false,
        generated: None,
    }
}

fn create_table(name: &'static str, columns: Vec<Column>) -> Op {
    Op::CreateTable(Table {
        name: name.into(),
        columns: columns.into(),
        primary_key: Some(PrimaryKey {
            name: format!("pk_{name}").into(),
            columns: vec!["id".into()].into(),
        }),
    })
}

fn users() -> Op {
    create_table(
        "users",
        vec![column("id", Scalar::BigInt), column("email", Scalar::Text)],
    )
}

fn index(name: &'static str, table: &'static str, column: &'static str) -> Index {
    Index {
        name: name.into(),
        table: table.into(),
        columns: vec![column.into()].into(),
        unique: false,
        predicate: None,
        concurrently: false,
    }
}

/// `add_foreign_key(fk_posts_user_id, posts(user_id), references: users(id), on_delete: cascade)`.
fn posts_user_fk() -> Op {
    Op::AddForeignKey(ForeignKey {
        name: "fk_posts_user_id".into(),
        table: "posts".into(),
        columns: vec!["user_id".into()].into(),
        referenced_table: "users".into(),
        referenced_columns: vec!["id".into()].into(),
        on_delete: ReferentialAction::Cascade,
        on_update: ReferentialAction::NoAction,
    })
}

/// The problems of a linear chain of `steps`, each a migration of its own.
fn chain(steps: Vec<Vec<Op>>) -> Vec<ChainProblem> {
    let mut migrations = Vec::new();
    for (index, upgrade) in steps.into_iter().enumerate() {
        let id = format!("{:04}_step", index + 1);
        let parent = format!("{index:04}_step");
        let parents: Vec<&str> = if index == 0 { vec![] } else { vec![&parent] };
        migrations.push(migration(&id, &parents, upgrade));
    }
    let refs: Vec<&Migration> = migrations.iter().collect();
    fold(&refs).expect("a valid graph")
}

fn checks(problems: &[ChainProblem]) -> Vec<(String, CheckId)> {
    problems
        .iter()
        .map(|problem| (problem.migration.clone(), problem.diagnostic.check))
        .collect()
}

#[test]
fn a_consistent_chain_has_no_problem() {
    let problems = chain(vec![
        vec![users()],
        vec![
            create_table(
                "posts",
                vec![
                    column("id", Scalar::BigInt),
                    column("user_id", Scalar::BigInt),
                ],
            ),
            Op::CreateIndex(index("ix_posts_user_id", "posts", "user_id")),
        ],
        vec![posts_user_fk()],
        vec![
            Op::RenameColumn {
                table: "users".into(),
                from: "email".into(),
                to: "login".into(),
            },
            Op::DropIndex(index("ix_posts_user_id", "posts", "user_id")),
        ],
    ]);
    assert_eq!(problems, vec![]);
}

#[test]
fn an_op_on_what_no_earlier_migration_made_is_reported_where_it_is() {
    let problems = chain(vec![
        vec![users()],
        vec![
            Op::AddColumn {
                table: "users".into(),
                column: column("role", Scalar::Text),
            },
            Op::AddColumn {
                table: "user".into(),
                column: column("role", Scalar::Text),
            },
        ],
        vec![Op::CreateIndex(index("ix_users_name", "users", "name"))],
    ]);
    assert_eq!(
        checks(&problems),
        [
            ("0002_step".to_owned(), CheckId::UnknownInChain),
            ("0003_step".to_owned(), CheckId::UnknownInChain),
        ]
    );
    assert_eq!(problems[0].diagnostic.at.section, Section::Upgrade(1));
    assert!(problems[0]
        .diagnostic
        .message
        .starts_with("table `user` does not exist at this point of the chain"));
    assert_eq!(problems[1].diagnostic.at.part, Part::Column(0));
    assert!(problems[1]
        .diagnostic
        .message
        .starts_with("column `users.name` does not exist"));
}

#[test]
fn a_renamed_or_dropped_object_is_gone_for_later_migrations() {
    let problems = chain(vec![
        vec![users()],
        vec![Op::RenameTable {
            from: "users".into(),
            to: "accounts".into(),
        }],
        vec![Op::AddColumn {
            table: "users".into(),
            column: column("role", Scalar::Text),
        }],
    ]);
    assert_eq!(
        checks(&problems),
        [("0003_step".to_owned(), CheckId::UnknownInChain)]
    );
}

#[test]
fn a_drop_or_from_that_differs_from_what_the_chain_built_is_a_mismatch() {
    let problems = chain(vec![
        vec![users()],
        vec![Op::DropColumn {
            table: "users".into(),
            column: column("email", Scalar::Varchar(255)),
        }],
    ]);
    assert_eq!(
        checks(&problems),
        [("0002_step".to_owned(), CheckId::DefinitionMismatch)]
    );
    assert!(
        problems[0].diagnostic.message.contains("varchar(255)"),
        "{}",
        problems[0].diagnostic.message
    );

    let problems = chain(vec![
        vec![users()],
        vec![Op::AlterColumn {
            table: "users".into(),
            column: "email".into(),
            change: ColumnChange::SetType {
                to: ColumnType::Scalar(Scalar::Varchar(100)),
                from: ColumnType::Scalar(Scalar::Varchar(50)),
                using: None,
            },
        }],
    ]);
    assert_eq!(
        checks(&problems),
        [("0002_step".to_owned(), CheckId::DefinitionMismatch)]
    );
}

#[test]
fn a_name_taken_by_an_earlier_migration_is_a_duplicate() {
    let problems = chain(vec![
        vec![
            users(),
            Op::CreateIndex(index("ix_users_email", "users", "email")),
        ],
        vec![Op::CreateIndex(index("ix_users_email", "users", "id"))],
    ]);
    assert_eq!(
        checks(&problems),
        [("0002_step".to_owned(), CheckId::DuplicateInChain)]
    );
}

#[test]
fn defaults_are_checked_against_the_type_the_chain_gave_the_column() {
    let set_default = |to| Op::AlterColumn {
        table: "users".into(),
        column: "id".into(),
        change: ColumnChange::SetDefault { to, from: None },
    };
    let problems = chain(vec![
        vec![users()],
        vec![set_default(DefaultValue::Str("ten".into()))],
    ]);
    assert_eq!(
        checks(&problems),
        [("0002_step".to_owned(), CheckId::DefaultTypeMismatch)]
    );
    assert!(problems[0]
        .diagnostic
        .message
        .contains("does not fit a column of type `bigint`"));

    let problems = chain(vec![
        vec![users()],
        vec![set_default(DefaultValue::Int("10".into()))],
    ]);
    assert_eq!(problems, vec![]);
}

#[test]
fn an_enum_default_must_be_one_of_its_values_as_the_chain_has_them() {
    let status = Column {
        default: Some(DefaultValue::Str("archived".into())),
        ..column("status", Scalar::Enum("todo_status".into()))
    };
    let problems = chain(vec![
        vec![
            Op::CreateEnum(EnumType {
                name: "todo_status".into(),
                values: vec!["open".into(), "done".into()].into(),
            }),
            users(),
        ],
        vec![Op::AddColumn {
            table: "users".into(),
            column: status.clone(),
        }],
    ]);
    assert_eq!(
        checks(&problems),
        [("0002_step".to_owned(), CheckId::DefaultTypeMismatch)]
    );

    let problems = chain(vec![
        vec![
            Op::CreateEnum(EnumType {
                name: "todo_status".into(),
                values: vec!["open".into(), "done".into()].into(),
            }),
            users(),
        ],
        vec![Op::AddEnumValue {
            enum_name: "todo_status".into(),
            value: "archived".into(),
            position: None,
        }],
        vec![Op::AddColumn {
            table: "users".into(),
            column: status,
        }],
    ]);
    assert_eq!(problems, vec![]);
}

#[test]
fn a_foreign_key_across_types_is_reported() {
    let problems = chain(vec![
        vec![users()],
        vec![
            create_table(
                "posts",
                vec![
                    column("id", Scalar::BigInt),
                    column("user_id", Scalar::Integer),
                ],
            ),
            Op::CreateIndex(index("ix_posts_user_id", "posts", "user_id")),
        ],
        vec![posts_user_fk()],
    ]);
    assert_eq!(
        checks(&problems),
        [("0003_step".to_owned(), CheckId::ForeignKeyTypeMismatch)]
    );
}

#[test]
fn what_raw_sql_names_is_opaque_not_guessed() {
    let problems = chain(vec![
        vec![Op::Execute {
            up: "CREATE TABLE legacy_users (id bigint primary key)".into(),
            down: Some("DROP TABLE legacy_users".into()),
        }],
        vec![
            Op::AddColumn {
                table: "legacy_users".into(),
                column: column("email", Scalar::Text),
            },
            Op::AddColumn {
                table: "other".into(),
                column: column("email", Scalar::Text),
            },
        ],
    ]);
    assert_eq!(
        checks(&problems),
        [("0002_step".to_owned(), CheckId::UnknownInChain)]
    );
    assert!(problems[0].diagnostic.message.starts_with("table `other`"));
}

#[test]
fn branches_that_define_the_same_object_conflict_at_their_merge() {
    let base = migration("0001_base", &[], vec![users()]);
    let role = Op::AddColumn {
        table: "users".into(),
        column: column("role", Scalar::Text),
    };
    let left = migration("0002_left", &["0001_base"], vec![role.clone()]);
    let right = migration("0002_right", &["0001_base"], vec![role]);
    let merge = migration("0003_merge", &["0002_left", "0002_right"], vec![]);
    let problems = fold(&[&base, &left, &right, &merge]).expect("a valid graph");
    assert_eq!(
        checks(&problems),
        [("0003_merge".to_owned(), CheckId::MergeConflict)]
    );
    assert!(
        problems[0].diagnostic.message.contains("0002_right"),
        "{}",
        problems[0].diagnostic.message
    );

    // Branches that touch different objects merge cleanly, and what follows sees both.
    let email = Op::CreateIndex(index("ix_users_email", "users", "email"));
    let left = migration("0002_left", &["0001_base"], vec![email]);
    let right = migration(
        "0002_right",
        &["0001_base"],
        vec![Op::AddColumn {
            table: "users".into(),
            column: column("role", Scalar::Text),
        }],
    );
    let after = migration(
        "0004_after",
        &["0003_merge"],
        vec![Op::CreateIndex(index("ix_users_role", "users", "role"))],
    );
    let problems = fold(&[&base, &left, &right, &merge, &after]).expect("a valid graph");
    assert_eq!(problems, vec![]);
}

#[test]
fn graph_errors_come_first() {
    let orphan = migration("0002_orphan", &["0001_missing"], vec![]);
    let errors = fold(&[&orphan]).expect_err("an unknown parent");
    assert!(matches!(&errors[0], GraphError::UnknownParent { .. }));
}

#[test]
fn a_foreign_key_needs_an_index_somewhere_in_the_chain() {
    let fk = posts_user_fk();
    let posts = create_table(
        "posts",
        vec![
            column("id", Scalar::BigInt),
            column("user_id", Scalar::BigInt),
        ],
    );
    let problems = chain(vec![vec![users(), posts.clone()], vec![fk.clone()]]);
    assert_eq!(
        checks(&problems),
        [("0002_step".to_owned(), CheckId::ForeignKeyWithoutIndex)]
    );

    // An index made by an earlier migration, or later in the same one, serves it.
    let index = Op::CreateIndex(index("ix_posts_user_id", "posts", "user_id"));
    assert_eq!(
        chain(vec![
            vec![users(), posts.clone(), index.clone()],
            vec![fk.clone()]
        ]),
        vec![]
    );
    assert_eq!(chain(vec![vec![users(), posts], vec![fk, index]]), vec![]);
}

#[test]
fn enum_labels_keep_the_order_before_and_after_give_them() {
    use migrate_core::model::EnumPosition;
    let first = migration(
        "0001_step",
        &[],
        vec![Op::CreateEnum(EnumType {
            name: "status".into(),
            values: vec!["open".into(), "done".into()].into(),
        })],
    );
    let second = migration(
        "0002_step",
        &["0001_step"],
        vec![
            Op::AddEnumValue {
                enum_name: "status".into(),
                value: "doing".into(),
                position: Some(EnumPosition::Before("done".into())),
            },
            Op::AddEnumValue {
                enum_name: "status".into(),
                value: "new".into(),
                position: Some(EnumPosition::Before("open".into())),
            },
            Op::AddEnumValue {
                enum_name: "status".into(),
                value: "archived".into(),
                position: None,
            },
        ],
    );
    let schema = migrate_core::fold::schema(&[&first, &second], None).expect("a valid graph");
    let labels: Vec<&str> = schema.enums[0].values.iter().map(AsRef::as_ref).collect();
    assert_eq!(labels, ["new", "open", "doing", "done", "archived"]);
}

#[test]
fn a_type_change_without_rewrite_still_rechecks_the_checks_that_name_the_column() {
    let widen = |from, to| Op::AlterColumn {
        table: "users".into(),
        column: "email".into(),
        change: ColumnChange::SetType {
            to: ColumnType::Scalar(to),
            from: ColumnType::Scalar(from),
            using: None,
        },
    };
    let users = || {
        create_table(
            "users",
            vec![
                column("id", Scalar::BigInt),
                column("email", Scalar::Varchar(100)),
            ],
        )
    };
    let email_check = || {
        Op::AddCheck(migrate_core::model::CheckConstraint {
            name: "ck_users_email_at".into(),
            table: "users".into(),
            expr: "position('@' in \"email\") > 1".into(),
        })
    };
    let problems = chain(vec![
        vec![users(), email_check()],
        vec![widen(Scalar::Varchar(100), Scalar::Varchar(200))],
    ]);
    assert_eq!(
        checks(&problems),
        [("0002_step".to_owned(), CheckId::TypeChangeRechecks)]
    );
    assert!(problems[0]
        .diagnostic
        .message
        .contains("`ck_users_email_at`"));
    // No check names the column, or the change rewrites anyway (its own rule), or the table is
    // new: nothing to say.
    assert_eq!(
        chain(vec![
            vec![users()],
            vec![widen(Scalar::Varchar(100), Scalar::Varchar(200))]
        ]),
        []
    );
    assert_eq!(
        chain(vec![
            vec![users(), email_check()],
            vec![widen(Scalar::Varchar(100), Scalar::Varchar(50))]
        ]),
        []
    );
    assert_eq!(
        chain(vec![vec![
            users(),
            email_check(),
            widen(Scalar::Varchar(100), Scalar::Varchar(200))
        ]]),
        []
    );
}
