//! The symbolic simulation behind the reversibility checks, driven through `check::check`.

use migrate_core::check::{check, Config, DowngradeDef, MigrationDef};
use migrate_core::diagnostic::{CheckId, Diagnostic, Location, Part, Section};
use migrate_core::inverse::downgrade_of;
use migrate_core::model::{
    CheckConstraint, Column, ColumnChange, ColumnType, DefaultValue, Downgrade, EnumPosition,
    EnumType, ForeignKey, Index, Migration, Mode, Op, PrimaryKey, ReferentialAction, Scalar,
    SqlFunction, Table, UniqueConstraint,
};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// The migration and its diagnostics, without the safety rules (tested in `safety.rs`): these
/// tests are about reversibility, references and transaction modes.
fn run(upgrade: Vec<Op>, downgrade: DowngradeDef) -> (Migration, Vec<Diagnostic>) {
    let (migration, diagnostics) = check_all(upgrade, downgrade);
    let kept = diagnostics
        .into_iter()
        .filter(|diagnostic| diagnostic.check.family() != "safety")
        .collect();
    (migration, kept)
}

fn check_all(upgrade: Vec<Op>, downgrade: DowngradeDef) -> (Migration, Vec<Diagnostic>) {
    check(
        MigrationDef {
            id: "0001_test".into(),
            parents: vec![],
            replaces: vec![],
            doc: String::new(),
            upgrade,
            downgrade,
            lock_timeout_ms: None,
            statement_timeout_ms: None,
            waivers: vec![],
            adopted_names: false,
        },
        &Config::default(),
    )
}

fn diagnostics(upgrade: Vec<Op>, downgrade: Vec<Op>) -> Vec<Diagnostic> {
    run(upgrade, DowngradeDef::Ops(downgrade)).1
}

/// Asserts `downgrade` undoes `upgrade`, and that the computed downgrade does too.
fn assert_reversible(upgrade: Vec<Op>, downgrade: Vec<Op>) {
    assert_eq!(
        diagnostics(upgrade.clone(), downgrade),
        vec![],
        "written downgrade of {upgrade:?}"
    );
    let computed = downgrade_of(&upgrade).expect("reversible");
    assert_eq!(
        diagnostics(upgrade.clone(), computed),
        vec![],
        "computed downgrade of {upgrade:?}"
    );
}

fn not_inverse(section: Section, message: &str, help: Option<&str>) -> Diagnostic {
    let diagnostic = Diagnostic::new(CheckId::DowngradeNotInverse, Location::op(section), message);
    match help {
        Some(help) => diagnostic.help(help),
        None => diagnostic,
    }
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

fn nullable(name: &'static str, ty: Scalar) -> Column {
    Column {
        nullable: true,
        ..column(name, ty)
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
        ]
        .into(),
        primary_key: Some(PrimaryKey {
            name: "pk_users".into(),
            columns: vec!["id".into()].into(),
        }),
    }
}

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

fn email_index(table: &'static str) -> Index {
    Index {
        name: "ix_users_email".into(),
        table: table.into(),
        columns: vec!["email".into()].into(),
        unique: false,
        predicate: None,
        concurrently: false,
    }
}

fn concurrent_email_index() -> Index {
    Index {
        concurrently: true,
        ..email_index("users")
    }
}

fn orders_user_fk() -> ForeignKey {
    ForeignKey {
        name: "fk_orders_user_id".into(),
        table: "orders".into(),
        columns: vec!["user_id".into()].into(),
        referenced_table: "users".into(),
        referenced_columns: vec!["id".into()].into(),
        on_delete: ReferentialAction::Cascade,
        on_update: ReferentialAction::NoAction,
    }
}

fn age_check(expr: &'static str) -> CheckConstraint {
    CheckConstraint {
        name: "ck_users_age_positive".into(),
        table: "users".into(),
        expr: expr.into(),
    }
}

fn email_unique() -> UniqueConstraint {
    UniqueConstraint {
        name: "uq_users_email".into(),
        table: "users".into(),
        columns: vec!["email".into()].into(),
    }
}

fn mood_enum() -> EnumType {
    EnumType {
        name: "mood".into(),
        values: vec!["sad".into(), "happy".into()].into(),
    }
}

fn alter(column: &'static str, change: ColumnChange) -> Op {
    Op::AlterColumn {
        table: "users".into(),
        column: column.into(),
        change,
    }
}

fn set_type(to: Scalar, from: Scalar) -> ColumnChange {
    ColumnChange::SetType {
        to: ColumnType::Scalar(to),
        from: ColumnType::Scalar(from),
        using: None,
    }
}

fn rename_table(from: &'static str, to: &'static str) -> Op {
    Op::RenameTable {
        from: from.into(),
        to: to.into(),
    }
}

fn rename_column(from: &'static str, to: &'static str) -> Op {
    Op::RenameColumn {
        table: "users".into(),
        from: from.into(),
        to: to.into(),
    }
}

fn add_column(table: &'static str, column: Column) -> Op {
    Op::AddColumn {
        table: table.into(),
        column,
    }
}

fn drop_column(table: &'static str, column: Column) -> Op {
    Op::DropColumn {
        table: table.into(),
        column,
    }
}

fn backfill() -> Op {
    Op::Backfill {
        table: "users".into(),
        set: "email = lower(email)".into(),
        filter: "email <> lower(email)".into(),
        batch_size: 1000,
    }
}

// ---------------------------------------------------------------------------------------------
// Correct downgrades: no diagnostic
// ---------------------------------------------------------------------------------------------

#[test]
fn create_table_undone_by_drop_table() {
    assert_reversible(
        vec![Op::CreateTable(users_table())],
        vec![Op::DropTable(users_table())],
    );
}

#[test]
fn drop_table_undone_by_create_table() {
    assert_reversible(
        vec![Op::DropTable(users_table())],
        vec![Op::CreateTable(users_table())],
    );
}

#[test]
fn add_column_undone_by_drop_column() {
    let col = Column {
        default: Some(DefaultValue::Bool(true)),
        ..column("active", Scalar::Boolean)
    };
    assert_reversible(
        vec![add_column("users", col.clone())],
        vec![drop_column("users", col)],
    );
}

#[test]
fn drop_column_undone_by_add_column() {
    let col = nullable("nickname", Scalar::Text);
    assert_reversible(
        vec![drop_column("users", col.clone())],
        vec![add_column("users", col)],
    );
}

#[test]
fn rename_table_and_back() {
    assert_reversible(
        vec![rename_table("users", "accounts")],
        vec![rename_table("accounts", "users")],
    );
}

#[test]
fn rename_table_twice_and_back_in_one_step() {
    assert_eq!(
        diagnostics(
            vec![
                rename_table("users", "people"),
                rename_table("people", "accounts")
            ],
            vec![rename_table("accounts", "users")],
        ),
        vec![]
    );
}

#[test]
fn rename_column_and_back() {
    assert_reversible(
        vec![rename_column("name", "full_name")],
        vec![rename_column("full_name", "name")],
    );
}

#[test]
fn set_not_null_undone_by_drop_not_null() {
    assert_reversible(
        vec![alter("email", ColumnChange::SetNotNull)],
        vec![alter("email", ColumnChange::DropNotNull)],
    );
}

#[test]
fn drop_not_null_undone_by_set_not_null() {
    assert_reversible(
        vec![alter("email", ColumnChange::DropNotNull)],
        vec![alter("email", ColumnChange::SetNotNull)],
    );
}

#[test]
fn set_type_undone_by_set_type_back() {
    assert_reversible(
        vec![alter("age", set_type(Scalar::BigInt, Scalar::Integer))],
        vec![alter("age", set_type(Scalar::Integer, Scalar::BigInt))],
    );
}

#[test]
fn set_type_with_using_undone_by_set_type_back() {
    assert_reversible(
        vec![alter(
            "age",
            ColumnChange::SetType {
                to: ColumnType::Scalar(Scalar::Integer),
                from: ColumnType::Scalar(Scalar::Text),
                using: Some("age::integer".into()),
            },
        )],
        vec![alter("age", set_type(Scalar::Text, Scalar::Integer))],
    );
}

#[test]
fn set_default_from_none_undone_by_drop_default() {
    assert_reversible(
        vec![alter(
            "score",
            ColumnChange::SetDefault {
                to: DefaultValue::Int("0".into()),
                from: None,
            },
        )],
        vec![alter(
            "score",
            ColumnChange::DropDefault {
                was: DefaultValue::Int("0".into()),
            },
        )],
    );
}

#[test]
fn set_default_from_a_default_undone_by_setting_it_back() {
    assert_reversible(
        vec![alter(
            "score",
            ColumnChange::SetDefault {
                to: DefaultValue::Int("1".into()),
                from: Some(DefaultValue::Int("0".into())),
            },
        )],
        vec![alter(
            "score",
            ColumnChange::SetDefault {
                to: DefaultValue::Int("0".into()),
                from: Some(DefaultValue::Int("1".into())),
            },
        )],
    );
}

#[test]
fn drop_default_undone_by_set_default() {
    assert_reversible(
        vec![alter(
            "created_at",
            ColumnChange::DropDefault {
                was: DefaultValue::Function(SqlFunction::Now),
            },
        )],
        vec![alter(
            "created_at",
            ColumnChange::SetDefault {
                to: DefaultValue::Function(SqlFunction::Now),
                from: None,
            },
        )],
    );
}

#[test]
fn create_index_undone_by_drop_index() {
    assert_reversible(
        vec![Op::CreateIndex(email_index("users"))],
        vec![Op::DropIndex(email_index("users"))],
    );
}

#[test]
fn drop_index_undone_by_create_index() {
    assert_reversible(
        vec![Op::DropIndex(email_index("users"))],
        vec![Op::CreateIndex(email_index("users"))],
    );
}

#[test]
fn how_an_index_is_built_is_not_part_of_what_it_is() {
    let (migration, diagnostics) = run(
        vec![Op::CreateIndex(concurrent_email_index())],
        DowngradeDef::Ops(vec![Op::DropIndex(email_index("users"))]),
    );
    assert_eq!(diagnostics, vec![]);
    assert_eq!(migration.mode, Mode::NonTransactional);
}

#[test]
fn foreign_key_add_and_drop() {
    assert_reversible(
        vec![Op::AddForeignKey(orders_user_fk())],
        vec![Op::DropForeignKey(orders_user_fk())],
    );
    assert_reversible(
        vec![Op::DropForeignKey(orders_user_fk())],
        vec![Op::AddForeignKey(orders_user_fk())],
    );
}

#[test]
fn check_add_and_drop() {
    assert_reversible(
        vec![Op::AddCheck(age_check("age > 0"))],
        vec![Op::DropCheck(age_check("age > 0"))],
    );
    assert_reversible(
        vec![Op::DropCheck(age_check("age > 0"))],
        vec![Op::AddCheck(age_check("age > 0"))],
    );
}

#[test]
fn unique_add_and_drop() {
    assert_reversible(
        vec![Op::AddUnique(email_unique())],
        vec![Op::DropUnique(email_unique())],
    );
    assert_reversible(
        vec![Op::DropUnique(email_unique())],
        vec![Op::AddUnique(email_unique())],
    );
}

#[test]
fn enum_create_and_drop() {
    assert_reversible(
        vec![Op::CreateEnum(mood_enum())],
        vec![Op::DropEnum(mood_enum())],
    );
    assert_reversible(
        vec![Op::DropEnum(mood_enum())],
        vec![Op::CreateEnum(mood_enum())],
    );
}

#[test]
fn enum_created_then_extended_is_undone_by_dropping_every_value() {
    assert_eq!(
        diagnostics(
            vec![
                Op::CreateEnum(mood_enum()),
                Op::AddEnumValue {
                    enum_name: "mood".into(),
                    value: "ok".into(),
                    position: Some(EnumPosition::Before("happy".into())),
                },
            ],
            vec![Op::DropEnum(EnumType {
                name: "mood".into(),
                values: vec!["sad".into(), "ok".into(), "happy".into()].into(),
            })],
        ),
        vec![]
    );
}

#[test]
fn dropping_a_table_drops_its_indexes_and_constraints() {
    assert_eq!(
        diagnostics(
            vec![
                Op::CreateTable(users_table()),
                Op::CreateIndex(email_index("users")),
                Op::AddUnique(email_unique()),
                Op::AddCheck(age_check("id > 0")),
            ],
            vec![Op::DropTable(users_table())],
        ),
        vec![]
    );
}

#[test]
fn a_whole_migration_and_its_computed_downgrade() {
    let upgrade = vec![
        Op::CreateEnum(mood_enum()),
        Op::CreateTable(users_table()),
        Op::CreateTable(orders_table()),
        Op::AddForeignKey(orders_user_fk()),
        add_column(
            "users",
            Column {
                ty: ColumnType::Scalar(Scalar::Enum("mood".into())),
                ..nullable("mood", Scalar::Text)
            },
        ),
        Op::CreateIndex(email_index("users")),
        Op::AddUnique(email_unique()),
        Op::AddCheck(age_check("id > 0")),
        rename_column("email", "email_address"),
        alter(
            "email_address",
            set_type(Scalar::Varchar(320), Scalar::Text),
        ),
        alter(
            "email_address",
            ColumnChange::SetDefault {
                to: DefaultValue::Str("".into()),
                from: None,
            },
        ),
        backfill(),
    ];
    let computed = downgrade_of(&upgrade).expect("reversible");
    assert_eq!(diagnostics(upgrade.clone(), computed.clone()), vec![]);
    let (migration, diagnostics) = run(upgrade, DowngradeDef::Computed);
    assert_eq!(diagnostics, vec![]);
    assert_eq!(migration.downgrade, Downgrade::Ops(computed.into()));
}

#[test]
fn ops_on_a_renamed_table_with_the_computed_downgrade() {
    let upgrade = vec![
        rename_table("users", "accounts"),
        add_column("accounts", nullable("bio", Scalar::Text)),
        Op::AlterColumn {
            table: "accounts".into(),
            column: "email".into(),
            change: ColumnChange::SetNotNull,
        },
        Op::CreateIndex(Index {
            name: "ix_accounts_bio".into(),
            ..email_index("accounts")
        }),
    ];
    let computed = downgrade_of(&upgrade).expect("reversible");
    assert_eq!(diagnostics(upgrade, computed), vec![]);
}

#[test]
fn an_index_created_before_a_table_rename_is_dropped_after_renaming_back() {
    let upgrade = vec![
        Op::CreateIndex(email_index("users")),
        rename_table("users", "accounts"),
    ];
    let computed = downgrade_of(&upgrade).expect("reversible");
    assert_eq!(diagnostics(upgrade, computed), vec![]);
}

#[test]
fn an_index_dropped_after_a_table_rename_is_recreated_before_renaming_back() {
    // The index existed before the migration, on the table under its old name; the upgrade records
    // it as it is after the rename. The computed downgrade re-creates it there, then renames the
    // table back: the index is exactly as it was.
    let upgrade = vec![
        rename_table("users", "accounts"),
        Op::DropIndex(email_index("accounts")),
    ];
    let computed = downgrade_of(&upgrade).expect("reversible");
    assert_eq!(
        computed,
        vec![
            Op::CreateIndex(email_index("accounts")),
            rename_table("accounts", "users"),
        ]
    );
    assert_eq!(diagnostics(upgrade, computed), vec![]);
}

#[test]
fn a_table_dropped_after_a_rename_is_recreated_before_renaming_back() {
    let old_users = Table {
        name: "old_users".into(),
        ..users_table()
    };
    let upgrade = vec![rename_table("users", "old_users"), Op::DropTable(old_users)];
    let computed = downgrade_of(&upgrade).expect("reversible");
    assert_eq!(diagnostics(upgrade, computed), vec![]);
}

#[test]
fn a_foreign_key_to_a_renamed_table_dropped_before_renaming_back() {
    // After `users` is renamed, the foreign key references `accounts`: the downgrade drops it as it
    // is at that point, then renames the table back.
    let to_accounts = ForeignKey {
        referenced_table: "accounts".into(),
        ..orders_user_fk()
    };
    assert_eq!(
        diagnostics(
            vec![
                Op::AddForeignKey(orders_user_fk()),
                rename_table("users", "accounts"),
            ],
            vec![
                Op::DropForeignKey(to_accounts),
                rename_table("accounts", "users"),
            ],
        ),
        vec![]
    );
}

#[test]
fn an_index_on_a_renamed_column_dropped_before_renaming_back() {
    // After the rename, the index is on `email_address`: the downgrade drops it as it is at that
    // point, then renames the column back.
    let on_email_address = Index {
        columns: vec!["email_address".into()].into(),
        ..email_index("users")
    };
    assert_eq!(
        diagnostics(
            vec![
                Op::CreateIndex(email_index("users")),
                rename_column("email", "email_address"),
            ],
            vec![
                Op::DropIndex(on_email_address),
                rename_column("email_address", "email"),
            ],
        ),
        vec![]
    );
}

// ---------------------------------------------------------------------------------------------
// Incorrect downgrades: downgrade_not_inverse, at the right place
// ---------------------------------------------------------------------------------------------

#[test]
fn empty_downgrade_of_create_table_leaves_everything_there() {
    let help = "the downgrade should contain `drop_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id));`";
    assert_eq!(
        diagnostics(vec![Op::CreateTable(users_table())], vec![]),
        vec![
            not_inverse(
                Section::Upgrade(0),
                "the downgrade does not undo this op: table `users` is still there after it",
                Some(help),
            ),
            not_inverse(
                Section::Upgrade(0),
                "the downgrade does not undo this op: column `users.email` is still there after it",
                Some(help),
            ),
            not_inverse(
                Section::Upgrade(0),
                "the downgrade does not undo this op: column `users.id` is still there after it",
                Some(help),
            ),
            not_inverse(
                Section::Upgrade(0),
                "the downgrade does not undo this op: `pk_users` is still there after it",
                Some(help),
            ),
        ]
    );
}

#[test]
fn downgrade_that_forgets_a_drop_index() {
    assert_eq!(
        diagnostics(
            vec![
                add_column("users", nullable("nickname", Scalar::Text)),
                Op::CreateIndex(email_index("users")),
            ],
            vec![drop_column("users", nullable("nickname", Scalar::Text))],
        ),
        vec![not_inverse(
            Section::Upgrade(1),
            "the downgrade does not undo this op: `ix_users_email` is still there after it",
            Some("the downgrade should contain `drop_index(ix_users_email, users(email));`"),
        )]
    );
}

#[test]
fn downgrade_that_forgets_to_undo_set_not_null() {
    assert_eq!(
        diagnostics(
            vec![
                backfill(),
                alter("email", ColumnChange::SetNotNull),
            ],
            vec![],
        ),
        // The backfill touched the table first; the blame is the first op that touched the column.
        vec![not_inverse(
            Section::Upgrade(1),
            "the downgrade restores column `users.email` differently: not null where it was nullable",
            Some("the downgrade should contain `alter_column(users, email, drop_not_null);`"),
        )]
    );
}

#[test]
fn downgrade_that_sets_not_null_again_instead_of_dropping_it() {
    assert_eq!(
        diagnostics(
            vec![alter("email", ColumnChange::SetNotNull)],
            vec![alter("email", ColumnChange::SetNotNull)],
        ),
        vec![not_inverse(
            Section::Downgrade(0),
            "the downgrade restores column `users.email` differently: not null where it was nullable",
            Some("the downgrade should contain `alter_column(users, email, drop_not_null);`"),
        )]
    );
}

#[test]
fn drop_column_restored_with_another_type() {
    assert_eq!(
        diagnostics(
            vec![drop_column("users", nullable("nickname", Scalar::Text))],
            vec![add_column("users", nullable("nickname", Scalar::Integer))],
        ),
        vec![not_inverse(
            Section::Downgrade(0),
            "the downgrade restores column `users.nickname` differently: type `integer` where it was `text`",
            Some("the downgrade should contain `add_column(users, nickname: text nullable);`"),
        )]
    );
}

#[test]
fn drop_column_restored_without_its_default() {
    let was = Column {
        default: Some(DefaultValue::Int("0".into())),
        ..column("score", Scalar::Integer)
    };
    assert_eq!(
        diagnostics(
            vec![drop_column("users", was)],
            vec![add_column("users", column("score", Scalar::Integer))],
        ),
        vec![not_inverse(
            Section::Downgrade(0),
            "the downgrade restores column `users.score` differently: no default where it was `default(0)`",
            Some("the downgrade should contain `add_column(users, score: integer default(0));`"),
        )]
    );
}

#[test]
fn drop_column_not_restored() {
    assert_eq!(
        diagnostics(
            vec![drop_column("users", nullable("nickname", Scalar::Text))],
            vec![],
        ),
        vec![not_inverse(
            Section::Upgrade(0),
            "the downgrade does not undo this op: column `users.nickname` is gone after it",
            Some("the downgrade should contain `add_column(users, nickname: text nullable);`"),
        )]
    );
}

#[test]
fn downgrade_drops_a_column_recorded_with_another_definition() {
    assert_eq!(
        diagnostics(
            vec![add_column("users", column("score", Scalar::Integer))],
            vec![drop_column("users", column("score", Scalar::Text))],
        ),
        vec![Diagnostic::new(
            CheckId::DowngradeNotInverse,
            Location::new(Section::Downgrade(0), Part::Column(0)),
            "the definition recorded for column `users.score` is not the one it has at this point: type `text` where it was `integer`",
        )]
    );
}

#[test]
fn drop_table_restored_with_another_column_type() {
    let table = |ty| Table {
        name: "tags".into(),
        columns: vec![column("label", ty)].into(),
        primary_key: None,
    };
    assert_eq!(
        diagnostics(
            vec![Op::DropTable(table(Scalar::Text))],
            vec![Op::CreateTable(table(Scalar::Varchar(20)))],
        ),
        vec![not_inverse(
            Section::Downgrade(0),
            "the downgrade restores column `tags.label` differently: type `varchar(20)` where it was `text`",
            Some("the downgrade should contain `create_table(tags, { label: text });`"),
        )]
    );
}

#[test]
fn drop_table_restored_without_a_column() {
    let partial = Table {
        columns: vec![users_table().columns[0].clone()].into(),
        ..users_table()
    };
    assert_eq!(
        diagnostics(
            vec![Op::DropTable(users_table())],
            vec![Op::CreateTable(partial)],
        ),
        vec![not_inverse(
            Section::Upgrade(0),
            "the downgrade does not undo this op: column `users.email` is gone after it",
            Some("the downgrade should contain `create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id));`"),
        )]
    );
}

#[test]
fn rename_table_not_renamed_back() {
    assert_eq!(
        diagnostics(vec![rename_table("users", "accounts")], vec![]),
        vec![not_inverse(
            Section::Upgrade(0),
            "the downgrade leaves table `accounts` renamed: it must be renamed back to `users`",
            Some("the downgrade should contain `rename_table(accounts => users);`"),
        )]
    );
}

#[test]
fn rename_column_not_renamed_back() {
    let help = Some("the downgrade should contain `rename_column(users, full_name => name);`");
    assert_eq!(
        diagnostics(vec![rename_column("name", "full_name")], vec![]),
        vec![
            not_inverse(
                Section::Upgrade(0),
                "the downgrade does not undo this op: column `users.full_name` is still there after it",
                help,
            ),
            not_inverse(
                Section::Upgrade(0),
                "the downgrade does not undo this op: column `users.name` is gone after it",
                help,
            ),
        ]
    );
}

#[test]
fn set_type_reverted_to_another_type() {
    assert_eq!(
        diagnostics(
            vec![alter("age", set_type(Scalar::BigInt, Scalar::Integer))],
            vec![alter("age", set_type(Scalar::Text, Scalar::BigInt))],
        ),
        vec![not_inverse(
            Section::Downgrade(0),
            "the downgrade restores column `users.age` differently: type `text` where it was `integer`",
            Some("the downgrade should contain `alter_column(users, age, set_type(integer, from: bigint));`"),
        )]
    );
}

#[test]
fn set_type_in_downgrade_with_a_wrong_from() {
    assert_eq!(
        diagnostics(
            vec![alter("age", set_type(Scalar::BigInt, Scalar::Integer))],
            vec![alter("age", set_type(Scalar::Integer, Scalar::Text))],
        ),
        vec![Diagnostic::new(
            CheckId::DowngradeNotInverse,
            Location::op(Section::Downgrade(0)),
            "`from: text` does not match column `users.age` as it is at this point (bigint)",
        )]
    );
}

#[test]
fn set_default_not_undone() {
    assert_eq!(
        diagnostics(
            vec![alter(
                "score",
                ColumnChange::SetDefault {
                    to: DefaultValue::Int("0".into()),
                    from: None,
                },
            )],
            vec![],
        ),
        vec![not_inverse(
            Section::Upgrade(0),
            "the downgrade restores column `users.score` differently: `default(0)` where it was no default",
            Some("the downgrade should contain `alter_column(users, score, drop_default(was: 0));`"),
        )]
    );
}

#[test]
fn drop_default_restored_with_another_default() {
    assert_eq!(
        diagnostics(
            vec![alter(
                "score",
                ColumnChange::DropDefault {
                    was: DefaultValue::Int("0".into()),
                },
            )],
            vec![alter(
                "score",
                ColumnChange::SetDefault {
                    to: DefaultValue::Int("1".into()),
                    from: None,
                },
            )],
        ),
        vec![not_inverse(
            Section::Downgrade(0),
            "the downgrade restores column `users.score` differently: `default(1)` where it was `default(0)`",
            Some("the downgrade should contain `alter_column(users, score, set_default(0, from: none));`"),
        )]
    );
}

#[test]
fn drop_index_restored_as_another_index() {
    let unique = Index {
        unique: true,
        ..email_index("users")
    };
    assert_eq!(
        diagnostics(
            vec![Op::DropIndex(email_index("users"))],
            vec![Op::CreateIndex(unique)],
        ),
        vec![not_inverse(
            Section::Downgrade(0),
            "the downgrade restores `ix_users_email` differently: `create_index(ix_users_email, users(email), unique)` where it was `create_index(ix_users_email, users(email))`",
            Some("the downgrade should contain `create_index(ix_users_email, users(email));`"),
        )]
    );
}

#[test]
fn foreign_key_not_dropped() {
    assert_eq!(
        diagnostics(vec![Op::AddForeignKey(orders_user_fk())], vec![]),
        vec![not_inverse(
            Section::Upgrade(0),
            "the downgrade does not undo this op: `fk_orders_user_id` is still there after it",
            Some("the downgrade should contain `drop_foreign_key(fk_orders_user_id, orders(user_id), references: users(id), on_delete: cascade);`"),
        )]
    );
}

#[test]
fn foreign_key_restored_with_another_action() {
    let restrict = ForeignKey {
        on_delete: ReferentialAction::Restrict,
        on_update: ReferentialAction::NoAction,
        ..orders_user_fk()
    };
    assert_eq!(
        diagnostics(
            vec![Op::DropForeignKey(orders_user_fk())],
            vec![Op::AddForeignKey(restrict)],
        ),
        vec![not_inverse(
            Section::Downgrade(0),
            "the downgrade restores `fk_orders_user_id` differently: `add_foreign_key(fk_orders_user_id, orders(user_id), references: users(id), on_delete: restrict)` where it was `add_foreign_key(fk_orders_user_id, orders(user_id), references: users(id), on_delete: cascade)`",
            Some("the downgrade should contain `add_foreign_key(fk_orders_user_id, orders(user_id), references: users(id), on_delete: cascade);`"),
        )]
    );
}

#[test]
fn check_restored_with_another_expression() {
    assert_eq!(
        diagnostics(
            vec![Op::DropCheck(age_check("age > 0"))],
            vec![Op::AddCheck(age_check("age >= 0"))],
        ),
        vec![not_inverse(
            Section::Downgrade(0),
            "the downgrade restores `ck_users_age_positive` differently: `add_check(ck_users_age_positive, users, \"age >= 0\")` where it was `add_check(ck_users_age_positive, users, \"age > 0\")`",
            Some("the downgrade should contain `add_check(ck_users_age_positive, users, \"age > 0\");`"),
        )]
    );
}

#[test]
fn unique_not_dropped() {
    assert_eq!(
        diagnostics(vec![Op::AddUnique(email_unique())], vec![]),
        vec![not_inverse(
            Section::Upgrade(0),
            "the downgrade does not undo this op: `uq_users_email` is still there after it",
            Some("the downgrade should contain `drop_unique(uq_users_email, users(email));`"),
        )]
    );
}

#[test]
fn enum_not_dropped() {
    let help = Some("the downgrade should contain `drop_enum(mood, [\"sad\", \"happy\"]);`");
    assert_eq!(
        diagnostics(vec![Op::CreateEnum(mood_enum())], vec![]),
        vec![
            not_inverse(
                Section::Upgrade(0),
                "the downgrade does not undo this op: enum `mood` is still there after it",
                help,
            ),
            not_inverse(
                Section::Upgrade(0),
                "the downgrade does not undo this op: value \"happy\" of enum `mood` is still there after it",
                help,
            ),
            not_inverse(
                Section::Upgrade(0),
                "the downgrade does not undo this op: value \"sad\" of enum `mood` is still there after it",
                help,
            ),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Missing, computed and irreversible downgrades
// ---------------------------------------------------------------------------------------------

#[test]
fn missing_downgrade_offers_the_computed_one_verbatim() {
    let (migration, diagnostics) = run(
        vec![
            rename_table("users", "accounts"),
            add_column("accounts", nullable("bio", Scalar::Text)),
            Op::Backfill {
                table: "accounts".into(),
                set: "bio = ''".into(),
                filter: "bio IS NULL".into(),
                batch_size: 100,
            },
        ],
        DowngradeDef::Missing,
    );
    assert_eq!(
        diagnostics,
        vec![Diagnostic::new(
            CheckId::MissingDowngrade,
            Location::op(Section::UpgradeKeyword),
            "`downgrade` is missing, so this migration cannot be rolled back",
        )
        .help(
            "every op here can be undone; paste the computed downgrade after `upgrade { … }`:\n\
             \n\
             downgrade {\n    \
             drop_column(accounts, bio: text nullable);\n    \
             rename_table(accounts => users);\n\
             }\n\
             \n\
             or write `change { … }` instead of `upgrade { … }` to have it computed"
        )]
    );
    assert_eq!(migration.downgrade, Downgrade::Ops(vec![].into()));
}

#[test]
fn computed_downgrade_has_no_diagnostic() {
    let upgrade = vec![
        Op::CreateTable(users_table()),
        Op::CreateIndex(email_index("users")),
    ];
    let (migration, diagnostics) = run(upgrade, DowngradeDef::Computed);
    assert_eq!(diagnostics, vec![]);
    assert_eq!(
        migration.downgrade,
        Downgrade::Ops(
            vec![
                Op::DropIndex(email_index("users")),
                Op::DropTable(users_table()),
            ]
            .into()
        )
    );
    assert_eq!(migration.mode, Mode::Transactional);
}

#[test]
fn computed_downgrade_of_an_irreversible_op() {
    let (migration, diagnostics) = run(
        vec![
            Op::CreateTable(users_table()),
            Op::Execute {
                up: "INSERT INTO users (email) VALUES ('root')".into(),
                down: None,
            },
        ],
        DowngradeDef::Computed,
    );
    assert_eq!(
        diagnostics,
        vec![Diagnostic::new(
            CheckId::IrreversibleWithoutReason,
            Location::op(Section::Upgrade(1)),
            "`execute` cannot be undone: raw SQL has no known inverse unless `down:` gives one",
        )
        .help("`change { … }` only holds ops that can be undone; write `upgrade { … }` and `downgrade { irreversible(\"why\"); }`, or give the op its way back")]
    );
    assert_eq!(migration.downgrade, Downgrade::Ops(vec![].into()));
}

#[test]
fn add_enum_value_with_missing_downgrade_is_irreversible_without_reason() {
    let (_, diagnostics) = run(
        vec![Op::AddEnumValue {
            enum_name: "mood".into(),
            value: "ok".into(),
            position: None,
        }],
        DowngradeDef::Missing,
    );
    assert_eq!(
        diagnostics,
        vec![Diagnostic::new(
            CheckId::IrreversibleWithoutReason,
            Location::op(Section::Upgrade(0)),
            "`add_enum_value` cannot be undone: PostgreSQL cannot remove a value from an enum type without re-creating the type",
        )
        .help("say so explicitly and why:\n\ndowngrade {\n    irreversible(\"why this cannot be rolled back\");\n}")]
    );
}

#[test]
fn execute_and_run_without_down_with_missing_downgrade_suggest_a_down() {
    let (_, diagnostics) = run(
        vec![
            Op::Execute {
                up: "SELECT 1".into(),
                down: None,
            },
            Op::RunRust {
                up: "crate::seed".into(),
                down: None,
            },
        ],
        DowngradeDef::Missing,
    );
    assert_eq!(
        diagnostics,
        vec![
            Diagnostic::new(
                CheckId::IrreversibleWithoutReason,
                Location::op(Section::Upgrade(0)),
                "`execute` cannot be undone: raw SQL has no known inverse unless `down:` gives one",
            )
            .help("give it its inverse with `down: \"…\"`, or say so explicitly and why:\n\ndowngrade {\n    irreversible(\"why this cannot be rolled back\");\n}"),
            Diagnostic::new(
                CheckId::IrreversibleWithoutReason,
                Location::op(Section::Upgrade(1)),
                "`run` cannot be undone: a Rust step has no known inverse unless `down:` gives one",
            )
            .help("give it its inverse with `down: path::to::fn`, or say so explicitly and why:\n\ndowngrade {\n    irreversible(\"why this cannot be rolled back\");\n}"),
        ]
    );
}

#[test]
fn irreversible_without_a_reason() {
    for reason in ["", "   ", "\n\t"] {
        let (migration, diagnostics) = run(
            vec![Op::AddEnumValue {
                enum_name: "mood".into(),
                value: "ok".into(),
                position: None,
            }],
            DowngradeDef::Irreversible(reason.into()),
        );
        assert_eq!(
            diagnostics,
            vec![Diagnostic::new(
                CheckId::IrreversibleWithoutReason,
                Location::op(Section::Downgrade(0)),
                "`irreversible` needs a reason: it is what an operator reads when a rollback is refused",
            )
            .help("irreversible(\"enum values cannot be removed in PostgreSQL\")")],
            "reason {reason:?}"
        );
        assert_eq!(migration.downgrade, Downgrade::Irreversible(reason.into()));
    }
}

#[test]
fn irreversible_with_a_reason_is_accepted() {
    let (migration, diagnostics) = run(
        vec![Op::AddEnumValue {
            enum_name: "mood".into(),
            value: "ok".into(),
            position: None,
        }],
        DowngradeDef::Irreversible("enum values cannot be removed".into()),
    );
    assert_eq!(diagnostics, vec![]);
    assert_eq!(
        migration.downgrade,
        Downgrade::Irreversible("enum values cannot be removed".into())
    );
}

// ---------------------------------------------------------------------------------------------
// Unknown references and duplicates
// ---------------------------------------------------------------------------------------------

fn irreversible() -> DowngradeDef {
    DowngradeDef::Irreversible("test".into())
}

#[test]
fn altering_a_column_dropped_earlier_is_an_unknown_reference() {
    let (_, diagnostics) = run(
        vec![
            drop_column("users", nullable("nickname", Scalar::Text)),
            alter("nickname", ColumnChange::SetNotNull),
        ],
        irreversible(),
    );
    assert_eq!(
        diagnostics,
        vec![Diagnostic::new(
            CheckId::UnknownReference,
            Location::new(Section::Upgrade(1), Part::Column(0)),
            "column `users.nickname` does not exist at this point of the migration",
        )]
    );
}

#[test]
fn adding_a_column_to_a_dropped_table_is_an_unknown_reference() {
    let (_, diagnostics) = run(
        vec![
            Op::DropTable(users_table()),
            add_column("users", nullable("bio", Scalar::Text)),
        ],
        irreversible(),
    );
    assert_eq!(
        diagnostics,
        vec![Diagnostic::new(
            CheckId::UnknownReference,
            Location::new(Section::Upgrade(1), Part::Table),
            "table `users` does not exist at this point of the migration",
        )]
    );
}

#[test]
fn using_the_old_name_of_a_renamed_table_is_an_unknown_reference() {
    let (_, diagnostics) = run(
        vec![
            rename_table("users", "accounts"),
            Op::CreateIndex(email_index("users")),
        ],
        irreversible(),
    );
    assert_eq!(
        diagnostics,
        vec![Diagnostic::new(
            CheckId::UnknownReference,
            Location::new(Section::Upgrade(1), Part::Table),
            "table `users` does not exist at this point of the migration",
        )]
    );
}

#[test]
fn indexing_a_dropped_column_is_an_unknown_reference() {
    let (_, diagnostics) = run(
        vec![
            drop_column("users", column("email", Scalar::Text)),
            Op::CreateIndex(email_index("users")),
        ],
        irreversible(),
    );
    assert_eq!(
        diagnostics,
        vec![Diagnostic::new(
            CheckId::UnknownReference,
            Location::new(Section::Upgrade(1), Part::Column(0)),
            "column `users.email` does not exist at this point of the migration",
        )]
    );
}

#[test]
fn unknown_reference_in_the_downgrade() {
    // The downgrade drops the column before altering it back.
    let (_, diagnostics) = run(
        vec![
            add_column("users", nullable("bio", Scalar::Text)),
            alter("bio", ColumnChange::SetNotNull),
        ],
        DowngradeDef::Ops(vec![
            drop_column("users", nullable("bio", Scalar::Text)),
            alter("bio", ColumnChange::DropNotNull),
        ]),
    );
    assert!(
        diagnostics.contains(&Diagnostic::new(
            CheckId::UnknownReference,
            Location::new(Section::Downgrade(1), Part::Column(0)),
            "column `users.bio` does not exist at this point of the migration",
        )),
        "{diagnostics:#?}"
    );
}

#[test]
fn creating_the_same_index_twice_is_a_duplicate_name() {
    let (_, diagnostics) = run(
        vec![
            Op::CreateIndex(email_index("users")),
            Op::CreateIndex(email_index("users")),
        ],
        irreversible(),
    );
    let duplicates: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter(|diagnostic| diagnostic.check == CheckId::DuplicateName)
        .collect();
    assert_eq!(
        duplicates,
        vec![Diagnostic::new(
            CheckId::DuplicateName,
            Location::new(Section::Upgrade(1), Part::Name),
            "`ix_users_email` already exists at this point of the migration",
        )]
    );
}

#[test]
fn indexes_and_constraints_share_one_namespace() {
    let (_, diagnostics) = run(
        vec![
            Op::CreateIndex(Index {
                name: "uq_users_email".into(),
                unique: true,
                ..email_index("users")
            }),
            Op::AddUnique(email_unique()),
        ],
        irreversible(),
    );
    let duplicates: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter(|diagnostic| diagnostic.check == CheckId::DuplicateName)
        .collect();
    assert_eq!(
        duplicates,
        vec![Diagnostic::new(
            CheckId::DuplicateName,
            Location::new(Section::Upgrade(1), Part::Name),
            "`uq_users_email` already exists at this point of the migration",
        )]
    );
}

#[test]
fn adding_a_column_twice_is_a_duplicate_name() {
    let (_, diagnostics) = run(
        vec![
            add_column("users", nullable("bio", Scalar::Text)),
            add_column("users", nullable("bio", Scalar::Text)),
        ],
        irreversible(),
    );
    assert_eq!(
        diagnostics,
        vec![Diagnostic::new(
            CheckId::DuplicateName,
            Location::new(Section::Upgrade(1), Part::Column(0)),
            "column `users.bio` already exists at this point of the migration",
        )]
    );
}

#[test]
fn renaming_onto_an_existing_table_is_a_duplicate_name() {
    let (_, diagnostics) = run(
        vec![
            Op::CreateTable(Table {
                name: "accounts".into(),
                columns: vec![column("id", Scalar::BigInt)].into(),
                primary_key: None,
            }),
            rename_table("users", "accounts"),
        ],
        irreversible(),
    );
    let duplicates: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter(|diagnostic| diagnostic.check == CheckId::DuplicateName)
        .collect();
    assert_eq!(
        duplicates,
        vec![Diagnostic::new(
            CheckId::DuplicateName,
            Location::new(Section::Upgrade(1), Part::Name),
            "table `accounts` already exists at this point of the migration",
        )]
    );
}

// ---------------------------------------------------------------------------------------------
// Transaction modes
// ---------------------------------------------------------------------------------------------

const MIXED_MESSAGE_END: &str =
    ": that op runs outside any transaction, so this one would lose its all-or-nothing guarantee";

fn mixed(section: Section, kind: &str, concurrent: &str) -> Diagnostic {
    Diagnostic::new(
        CheckId::MixedTransactionModes,
        Location::op(section),
        format!("`{kind}` cannot share a migration with `{concurrent}`{MIXED_MESSAGE_END}"),
    )
    .help("move the ops that run outside a transaction (`concurrently`, `add_unique` or `add_primary_key` on an existing table) into a migration of their own")
}

#[test]
fn concurrently_beside_create_table_is_mixed() {
    let (migration, diagnostics) = run(
        vec![
            Op::CreateTable(users_table()),
            Op::CreateIndex(concurrent_email_index()),
        ],
        irreversible(),
    );
    assert_eq!(
        diagnostics,
        vec![mixed(
            Section::Upgrade(0),
            "create_table",
            "create_index(ix_users_email, users(email), concurrently)"
        )]
    );
    assert_eq!(migration.mode, Mode::NonTransactional);
}

#[test]
fn a_computed_downgrade_is_not_reported_again_for_mixing() {
    // Its ops mirror the upgrade's, whose problems are already reported there.
    let (migration, diagnostics) = run(
        vec![
            Op::CreateTable(users_table()),
            Op::CreateIndex(concurrent_email_index()),
        ],
        DowngradeDef::Computed,
    );
    assert_eq!(
        diagnostics,
        vec![mixed(
            Section::Upgrade(0),
            "create_table",
            "create_index(ix_users_email, users(email), concurrently)"
        )]
    );
    assert_eq!(migration.mode, Mode::NonTransactional);
}

#[test]
fn concurrently_beside_other_ddl_in_a_written_downgrade_is_mixed() {
    let (migration, diagnostics) = run(
        vec![
            Op::CreateIndex(concurrent_email_index()),
            add_column("users", nullable("bio", Scalar::Text)),
        ],
        DowngradeDef::Ops(vec![
            drop_column("users", nullable("bio", Scalar::Text)),
            Op::DropIndex(concurrent_email_index()),
        ]),
    );
    assert_eq!(
        diagnostics,
        vec![
            mixed(
                Section::Upgrade(1),
                "add_column",
                "create_index(ix_users_email, users(email), concurrently)"
            ),
            mixed(
                Section::Downgrade(0),
                "drop_column",
                "drop_index(ix_users_email, users(email), concurrently)"
            ),
        ]
    );
    assert_eq!(migration.mode, Mode::NonTransactional);
}

#[test]
fn concurrently_beside_a_backfill_is_not_mixed() {
    let (migration, diagnostics) = run(
        vec![backfill(), Op::CreateIndex(concurrent_email_index())],
        DowngradeDef::Computed,
    );
    assert_eq!(diagnostics, vec![]);
    assert_eq!(migration.mode, Mode::NonTransactional);
}

#[test]
fn concurrently_alone_is_not_mixed() {
    let (migration, diagnostics) = run(
        vec![Op::CreateIndex(concurrent_email_index())],
        DowngradeDef::Computed,
    );
    assert_eq!(diagnostics, vec![]);
    assert_eq!(migration.mode, Mode::NonTransactional);
    assert_eq!(
        migration.downgrade,
        Downgrade::Ops(vec![Op::DropIndex(concurrent_email_index())].into())
    );
}

#[test]
fn backfill_alone_is_non_transactional_without_diagnostic() {
    let (migration, diagnostics) = run(vec![backfill()], DowngradeDef::Computed);
    assert_eq!(diagnostics, vec![]);
    assert_eq!(migration.mode, Mode::NonTransactional);
    assert_eq!(migration.downgrade, Downgrade::Ops(vec![].into()));
}

#[test]
fn backfill_beside_ddl_is_non_transactional_without_diagnostic() {
    let (migration, diagnostics) = run(
        vec![
            add_column("users", nullable("email_lower", Scalar::Text)),
            backfill(),
        ],
        DowngradeDef::Computed,
    );
    assert_eq!(diagnostics, vec![]);
    assert_eq!(migration.mode, Mode::NonTransactional);
}

#[test]
fn plain_ddl_is_transactional() {
    let (migration, diagnostics) = run(
        vec![
            Op::CreateTable(users_table()),
            Op::CreateIndex(email_index("users")),
        ],
        DowngradeDef::Computed,
    );
    assert_eq!(diagnostics, vec![]);
    assert_eq!(migration.mode, Mode::Transactional);
    assert_eq!(Mode::of(&[]), Mode::Transactional);
}

#[test]
fn a_written_downgrade_must_run_the_down_of_each_raw_sql_and_rust_step() {
    let execute = |up: &'static str, down: Option<&'static str>| Op::Execute {
        up: up.into(),
        down: down.map(Into::into),
    };
    // Undone: the downgrade runs the step's `down:`.
    assert_eq!(
        diagnostics(
            vec![execute("UPDATE t SET a = 1", Some("UPDATE t SET a = 0"))],
            vec![execute("UPDATE t SET a = 0", None)]
        ),
        vec![]
    );
    // Left out, or with no `down:` to run at all.
    let found: Vec<CheckId> = diagnostics(
        vec![
            execute("UPDATE t SET a = 1", Some("UPDATE t SET a = 0")),
            execute("UPDATE t SET b = 1", None),
        ],
        vec![],
    )
    .into_iter()
    .map(|diagnostic| diagnostic.check)
    .collect();
    assert_eq!(
        found,
        [
            CheckId::DowngradeNotInverse,
            CheckId::IrreversibleWithoutReason
        ]
    );
}
