//! The inverse of every op, and the downgrade computed from an upgrade.

use std::collections::BTreeSet;

use migrate_core::inverse::{downgrade_of, Inverse};
use migrate_core::model::{
    CheckConstraint, Column, ColumnChange, ColumnType, DefaultValue, EnumPosition, EnumType,
    ForeignKey, Index, Op, OpKind, PrimaryKey, ReferentialAction, Scalar, SqlFunction, Table,
    UniqueConstraint,
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
            Column {
                nullable: true,
                default: Some(DefaultValue::Str("anonymous".into())),
                ..column("name", Scalar::Text)
            },
        ]
        .into(),
        primary_key: Some(PrimaryKey {
            name: "pk_users".into(),
            columns: vec!["id".into()].into(),
        }),
    }
}

fn email_index() -> Index {
    Index {
        name: "ix_users_email".into(),
        table: "users".into(),
        columns: vec!["email".into()].into(),
        unique: true,
        predicate: Some("deleted_at IS NULL".into()),
        concurrently: true,
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

fn age_check() -> CheckConstraint {
    CheckConstraint {
        name: "ck_users_age_positive".into(),
        table: "users".into(),
        expr: "age > 0".into(),
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
        values: vec!["sad".into(), "ok".into(), "happy".into()].into(),
    }
}

fn alter(change: ColumnChange) -> Op {
    Op::AlterColumn {
        table: "users".into(),
        column: "age".into(),
        change,
    }
}

/// Every `ColumnChange` variant, with every shape of its payload that the inverse treats apart.
fn all_changes() -> Vec<ColumnChange> {
    vec![
        ColumnChange::SetType {
            to: ColumnType::Scalar(Scalar::BigInt),
            from: ColumnType::Scalar(Scalar::Integer),
            using: None,
        },
        ColumnChange::SetType {
            to: ColumnType::Array(Scalar::Text),
            from: ColumnType::Scalar(Scalar::Varchar(20)),
            using: None,
        },
        ColumnChange::SetNotNull,
        ColumnChange::DropNotNull,
        ColumnChange::SetDefault {
            to: DefaultValue::Int("1".into()),
            from: Some(DefaultValue::Int("0".into())),
        },
        ColumnChange::SetDefault {
            to: DefaultValue::Function(SqlFunction::Now),
            from: None,
        },
        ColumnChange::DropDefault {
            was: DefaultValue::Sql("now() + interval '1 day'".into()),
        },
    ]
}

/// At least one op of every `OpKind`, covering every `ColumnChange` variant and both the
/// reversible and the irreversible forms of `execute` and `run`.
fn all_ops() -> Vec<Op> {
    let mut ops = vec![
        Op::CreateTable(users_table()),
        Op::DropTable(users_table()),
        Op::AddColumn {
            table: "users".into(),
            column: column("email", Scalar::Text),
        },
        Op::DropColumn {
            table: "users".into(),
            column: Column {
                nullable: true,
                ..column("legacy", Scalar::Jsonb)
            },
        },
        Op::RenameTable {
            from: "users".into(),
            to: "accounts".into(),
        },
        Op::RenameColumn {
            table: "users".into(),
            from: "name".into(),
            to: "full_name".into(),
        },
    ];
    ops.extend(all_changes().into_iter().map(alter));
    ops.extend([
        Op::CreateIndex(email_index()),
        Op::DropIndex(email_index()),
        Op::AddForeignKey(orders_user_fk()),
        Op::DropForeignKey(orders_user_fk()),
        Op::AddCheck(age_check()),
        Op::DropCheck(age_check()),
        Op::AddUnique(email_unique()),
        Op::DropUnique(email_unique()),
        Op::InsertRows(migrate_core::model::Rows {
            table: "users".into(),
            columns: vec!["email".into()].into(),
            values: vec![vec![migrate_core::model::DefaultValue::Str("a@x".into())].into()].into(),
        }),
        Op::DeleteRows(migrate_core::model::Rows {
            table: "users".into(),
            columns: vec!["email".into()].into(),
            values: vec![vec![migrate_core::model::DefaultValue::Str("a@x".into())].into()].into(),
        }),
        Op::AddPrimaryKey {
            table: "users".into(),
            key: migrate_core::model::PrimaryKey {
                name: "pk_users_email".into(),
                columns: vec!["email".into()].into(),
            },
        },
        Op::DropPrimaryKey {
            table: "users".into(),
            key: migrate_core::model::PrimaryKey {
                name: "pk_users_email".into(),
                columns: vec!["email".into()].into(),
            },
        },
        Op::CreateEnum(mood_enum()),
        Op::DropEnum(mood_enum()),
        Op::AddEnumValue {
            enum_name: "mood".into(),
            value: "ecstatic".into(),
            position: None,
        },
        Op::AddEnumValue {
            enum_name: "mood".into(),
            value: "meh".into(),
            position: Some(EnumPosition::After("ok".into())),
        },
        Op::DropEnumValue {
            enum_name: "mood".into(),
            value: "meh".into(),
            position: Some(EnumPosition::After("ok".into())),
        },
        Op::Execute {
            up: "CREATE EXTENSION citext".into(),
            down: Some("DROP EXTENSION citext".into()),
        },
        Op::Execute {
            up: "UPDATE users SET name = 'x'".into(),
            down: None,
        },
        Op::Backfill {
            table: "users".into(),
            set: "email = lower(email)".into(),
            filter: "email <> lower(email)".into(),
            batch_size: 1000,
        },
        Op::RunRust {
            up: "crate::data::fill".into(),
            down: Some("crate::data::empty".into()),
        },
        Op::RunRust {
            up: "crate::data::fill".into(),
            down: None,
        },
    ]);
    ops
}

/// The name of each `ColumnChange` variant; the match has no wildcard so a new variant does not
/// compile until it is added here (and then to `all_changes`, or `every_change_is_covered` fails).
fn change_name(change: &ColumnChange) -> &'static str {
    match change {
        ColumnChange::SetType { .. } => "set_type",
        ColumnChange::SetNotNull => "set_not_null",
        ColumnChange::DropNotNull => "drop_not_null",
        ColumnChange::SetDefault { .. } => "set_default",
        ColumnChange::DropDefault { .. } => "drop_default",
    }
}

fn inverse_op(op: &Op) -> Op {
    match op.inverse() {
        Inverse::Op(inverse) => inverse,
        other => panic!("`{op}` should be reversible, its inverse is {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Coverage of the fixture
// ---------------------------------------------------------------------------------------------

#[test]
fn fixture_covers_every_op_kind() {
    let in_fixture: BTreeSet<OpKind> = all_ops().iter().map(Op::kind).collect();
    let all: BTreeSet<OpKind> = OpKind::ALL.iter().copied().collect();
    let missing: Vec<&OpKind> = all.difference(&in_fixture).collect();
    assert!(
        missing.is_empty(),
        "all_ops() has no op of kind {missing:?}: add one to the fixture"
    );
    assert_eq!(in_fixture, all);
    // `ALL` lists every kind once.
    assert_eq!(all.len(), OpKind::ALL.len());
}

#[test]
fn fixture_covers_every_column_change() {
    let in_fixture: BTreeSet<&str> = all_ops()
        .iter()
        .filter_map(|op| match op {
            Op::AlterColumn { change, .. } => Some(change_name(change)),
            _ => None,
        })
        .collect();
    let expected: BTreeSet<&str> = [
        "set_type",
        "set_not_null",
        "drop_not_null",
        "set_default",
        "drop_default",
    ]
    .into_iter()
    .collect();
    assert_eq!(in_fixture, expected);
}

#[test]
fn op_kind_names_round_trip() {
    for kind in OpKind::ALL {
        assert_eq!(OpKind::from_name(kind.name()), Some(*kind), "{kind:?}");
    }
    assert_eq!(OpKind::RunRust.name(), "run");
    assert_eq!(OpKind::from_name("run_rust"), None);
    assert_eq!(OpKind::from_name("nope"), None);
}

// ---------------------------------------------------------------------------------------------
// The inverse of each variant, exactly
// ---------------------------------------------------------------------------------------------

#[test]
fn create_table_is_undone_by_drop_table_of_the_same_definition() {
    assert_eq!(
        Op::CreateTable(users_table()).inverse(),
        Inverse::Op(Op::DropTable(users_table()))
    );
}

#[test]
fn drop_table_is_undone_by_create_table_of_the_recorded_definition() {
    assert_eq!(
        Op::DropTable(users_table()).inverse(),
        Inverse::Op(Op::CreateTable(users_table()))
    );
}

#[test]
fn add_column_is_undone_by_drop_column() {
    let col = Column {
        default: Some(DefaultValue::Bool(false)),
        ..column("active", Scalar::Boolean)
    };
    let op = Op::AddColumn {
        table: "users".into(),
        column: col.clone(),
    };
    assert_eq!(
        op.inverse(),
        Inverse::Op(Op::DropColumn {
            table: "users".into(),
            column: col,
        })
    );
}

#[test]
fn drop_column_is_undone_by_add_column_of_the_recorded_definition() {
    let col = Column {
        nullable: true,
        ..column("legacy", Scalar::Numeric(Some((10, 2))))
    };
    let op = Op::DropColumn {
        table: "users".into(),
        column: col.clone(),
    };
    assert_eq!(
        op.inverse(),
        Inverse::Op(Op::AddColumn {
            table: "users".into(),
            column: col,
        })
    );
}

#[test]
fn rename_table_is_undone_by_the_opposite_rename() {
    let op = Op::RenameTable {
        from: "users".into(),
        to: "accounts".into(),
    };
    assert_eq!(
        op.inverse(),
        Inverse::Op(Op::RenameTable {
            from: "accounts".into(),
            to: "users".into(),
        })
    );
}

#[test]
fn rename_column_is_undone_by_the_opposite_rename_on_the_same_table() {
    let op = Op::RenameColumn {
        table: "users".into(),
        from: "name".into(),
        to: "full_name".into(),
    };
    assert_eq!(
        op.inverse(),
        Inverse::Op(Op::RenameColumn {
            table: "users".into(),
            from: "full_name".into(),
            to: "name".into(),
        })
    );
}

#[test]
fn set_type_is_undone_by_the_opposite_set_type() {
    let op = alter(ColumnChange::SetType {
        to: ColumnType::Scalar(Scalar::BigInt),
        from: ColumnType::Scalar(Scalar::Integer),
        using: None,
    });
    assert_eq!(
        op.inverse(),
        Inverse::Op(alter(ColumnChange::SetType {
            to: ColumnType::Scalar(Scalar::Integer),
            from: ColumnType::Scalar(Scalar::BigInt),
            using: None,
        }))
    );
}

#[test]
fn set_type_inverse_does_not_reuse_the_using_expression() {
    // `using` converts old values to the new type; it means nothing in the other direction, so
    // the inverse relies on the implicit cast back.
    let op = alter(ColumnChange::SetType {
        to: ColumnType::Scalar(Scalar::Integer),
        from: ColumnType::Scalar(Scalar::Text),
        using: Some("age::integer".into()),
    });
    let back = alter(ColumnChange::SetType {
        to: ColumnType::Scalar(Scalar::Text),
        from: ColumnType::Scalar(Scalar::Integer),
        using: None,
    });
    assert_eq!(op.inverse(), Inverse::Op(back.clone()));
    // Hence the double inverse is the op without its `using`.
    assert_eq!(
        back.inverse(),
        Inverse::Op(alter(ColumnChange::SetType {
            to: ColumnType::Scalar(Scalar::Integer),
            from: ColumnType::Scalar(Scalar::Text),
            using: None,
        }))
    );
}

#[test]
fn set_not_null_and_drop_not_null_undo_each_other() {
    assert_eq!(
        alter(ColumnChange::SetNotNull).inverse(),
        Inverse::Op(alter(ColumnChange::DropNotNull))
    );
    assert_eq!(
        alter(ColumnChange::DropNotNull).inverse(),
        Inverse::Op(alter(ColumnChange::SetNotNull))
    );
}

#[test]
fn set_default_with_a_previous_default_is_undone_by_setting_it_back() {
    let op = alter(ColumnChange::SetDefault {
        to: DefaultValue::Int("1".into()),
        from: Some(DefaultValue::Int("0".into())),
    });
    assert_eq!(
        op.inverse(),
        Inverse::Op(alter(ColumnChange::SetDefault {
            to: DefaultValue::Int("0".into()),
            from: Some(DefaultValue::Int("1".into())),
        }))
    );
}

#[test]
fn set_default_without_a_previous_default_is_undone_by_drop_default() {
    let op = alter(ColumnChange::SetDefault {
        to: DefaultValue::Function(SqlFunction::Now),
        from: None,
    });
    assert_eq!(
        op.inverse(),
        Inverse::Op(alter(ColumnChange::DropDefault {
            was: DefaultValue::Function(SqlFunction::Now),
        }))
    );
}

#[test]
fn drop_default_is_undone_by_set_default_from_none() {
    let op = alter(ColumnChange::DropDefault {
        was: DefaultValue::Str("n/a".into()),
    });
    assert_eq!(
        op.inverse(),
        Inverse::Op(alter(ColumnChange::SetDefault {
            to: DefaultValue::Str("n/a".into()),
            from: None,
        }))
    );
}

#[test]
fn column_change_inverse_directly() {
    assert_eq!(
        ColumnChange::SetNotNull.inverse(),
        ColumnChange::DropNotNull
    );
    assert_eq!(
        ColumnChange::DropNotNull.inverse(),
        ColumnChange::SetNotNull
    );
    assert_eq!(
        ColumnChange::DropDefault {
            was: DefaultValue::Null
        }
        .inverse(),
        ColumnChange::SetDefault {
            to: DefaultValue::Null,
            from: None
        }
    );
}

#[test]
fn create_index_and_drop_index_undo_each_other_keeping_every_option() {
    assert_eq!(
        Op::CreateIndex(email_index()).inverse(),
        Inverse::Op(Op::DropIndex(email_index()))
    );
    assert_eq!(
        Op::DropIndex(email_index()).inverse(),
        Inverse::Op(Op::CreateIndex(email_index()))
    );
}

#[test]
fn foreign_key_ops_undo_each_other() {
    assert_eq!(
        Op::AddForeignKey(orders_user_fk()).inverse(),
        Inverse::Op(Op::DropForeignKey(orders_user_fk()))
    );
    assert_eq!(
        Op::DropForeignKey(orders_user_fk()).inverse(),
        Inverse::Op(Op::AddForeignKey(orders_user_fk()))
    );
}

#[test]
fn check_ops_undo_each_other() {
    assert_eq!(
        Op::AddCheck(age_check()).inverse(),
        Inverse::Op(Op::DropCheck(age_check()))
    );
    assert_eq!(
        Op::DropCheck(age_check()).inverse(),
        Inverse::Op(Op::AddCheck(age_check()))
    );
}

#[test]
fn unique_ops_undo_each_other() {
    assert_eq!(
        Op::AddUnique(email_unique()).inverse(),
        Inverse::Op(Op::DropUnique(email_unique()))
    );
    assert_eq!(
        Op::DropUnique(email_unique()).inverse(),
        Inverse::Op(Op::AddUnique(email_unique()))
    );
}

#[test]
fn enum_ops_undo_each_other() {
    assert_eq!(
        Op::CreateEnum(mood_enum()).inverse(),
        Inverse::Op(Op::DropEnum(mood_enum()))
    );
    assert_eq!(
        Op::DropEnum(mood_enum()).inverse(),
        Inverse::Op(Op::CreateEnum(mood_enum()))
    );
}

#[test]
fn add_enum_value_is_impossible_to_undo() {
    for position in [
        None,
        Some(EnumPosition::Before("ok".into())),
        Some(EnumPosition::After("ok".into())),
    ] {
        let op = Op::AddEnumValue {
            enum_name: "mood".into(),
            value: "meh".into(),
            position,
        };
        assert_eq!(
            op.inverse(),
            Inverse::Impossible(
                "PostgreSQL cannot remove a value from an enum type without re-creating the type"
            )
        );
    }
}

#[test]
fn execute_with_down_is_undone_by_swapping_up_and_down() {
    let op = Op::Execute {
        up: "CREATE EXTENSION citext".into(),
        down: Some("DROP EXTENSION citext".into()),
    };
    assert_eq!(
        op.inverse(),
        Inverse::Op(Op::Execute {
            up: "DROP EXTENSION citext".into(),
            down: Some("CREATE EXTENSION citext".into()),
        })
    );
}

#[test]
fn execute_without_down_is_impossible_to_undo() {
    let op = Op::Execute {
        up: "DELETE FROM users".into(),
        down: None,
    };
    assert_eq!(
        op.inverse(),
        Inverse::Impossible("raw SQL has no known inverse unless `down:` gives one")
    );
}

#[test]
fn backfill_needs_nothing_undone() {
    let op = Op::Backfill {
        table: "users".into(),
        set: "email = lower(email)".into(),
        filter: "email <> lower(email)".into(),
        batch_size: 500,
    };
    assert_eq!(op.inverse(), Inverse::Nothing);
}

#[test]
fn run_with_down_is_undone_by_swapping_up_and_down() {
    let op = Op::RunRust {
        up: "crate::data::fill".into(),
        down: Some("crate::data::empty".into()),
    };
    assert_eq!(
        op.inverse(),
        Inverse::Op(Op::RunRust {
            up: "crate::data::empty".into(),
            down: Some("crate::data::fill".into()),
        })
    );
}

#[test]
fn run_without_down_is_impossible_to_undo() {
    let op = Op::RunRust {
        up: "crate::data::fill".into(),
        down: None,
    };
    assert_eq!(
        op.inverse(),
        Inverse::Impossible("a Rust step has no known inverse unless `down:` gives one")
    );
}

// ---------------------------------------------------------------------------------------------
// Properties over the whole fixture
// ---------------------------------------------------------------------------------------------

#[test]
fn inverse_of_inverse_is_the_op_for_every_reversible_op() {
    let mut reversible = 0;
    for op in all_ops() {
        if let Inverse::Op(inverse) = op.inverse() {
            reversible += 1;
            // The one asymmetry, on purpose: a removed label is put back, but a removal (a rewrite
            // that fails on the rows holding it) is never computed, only written.
            if op.kind() == OpKind::DropEnumValue {
                assert!(matches!(inverse.inverse(), Inverse::Impossible(_)));
                continue;
            }
            assert_eq!(inverse.inverse(), Inverse::Op(op.clone()), "for `{op}`");
        }
    }
    // Every op of the fixture but the two add_enum_value, execute without down, backfill and run
    // without down.
    assert_eq!(reversible, all_ops().len() - 5);
}

#[test]
fn only_the_documented_ops_lack_an_inverse_op() {
    let kinds_without: BTreeSet<(OpKind, &str)> = all_ops()
        .iter()
        .filter_map(|op| match op.inverse() {
            Inverse::Op(_) => None,
            Inverse::Nothing => Some((op.kind(), "nothing")),
            Inverse::Impossible(_) => Some((op.kind(), "impossible")),
        })
        .collect();
    let expected: BTreeSet<(OpKind, &str)> = [
        (OpKind::AddEnumValue, "impossible"),
        (OpKind::Execute, "impossible"),
        (OpKind::Backfill, "nothing"),
        (OpKind::RunRust, "impossible"),
    ]
    .into_iter()
    .collect();
    assert_eq!(kinds_without, expected);
}

#[test]
fn inverse_keeps_the_kind_family() {
    // Every reversible op is undone by its counterpart kind, and the counterpart of the
    // counterpart is the kind itself.
    for op in all_ops() {
        let Inverse::Op(inverse) = op.inverse() else {
            continue;
        };
        let expected = match op.kind() {
            OpKind::CreateTable => OpKind::DropTable,
            OpKind::DropTable => OpKind::CreateTable,
            OpKind::AddColumn => OpKind::DropColumn,
            OpKind::DropColumn => OpKind::AddColumn,
            OpKind::CreateIndex => OpKind::DropIndex,
            OpKind::DropIndex => OpKind::CreateIndex,
            OpKind::AddForeignKey => OpKind::DropForeignKey,
            OpKind::DropForeignKey => OpKind::AddForeignKey,
            OpKind::AddCheck => OpKind::DropCheck,
            OpKind::DropCheck => OpKind::AddCheck,
            OpKind::AddUnique => OpKind::DropUnique,
            OpKind::DropUnique => OpKind::AddUnique,
            OpKind::AddPrimaryKey => OpKind::DropPrimaryKey,
            OpKind::InsertRows => OpKind::DeleteRows,
            OpKind::DeleteRows => OpKind::InsertRows,
            OpKind::DropPrimaryKey => OpKind::AddPrimaryKey,
            OpKind::CreateEnum => OpKind::DropEnum,
            OpKind::DropEnum => OpKind::CreateEnum,
            OpKind::DropEnumValue => OpKind::AddEnumValue,
            same => same,
        };
        assert_eq!(inverse.kind(), expected, "for `{op}`");
        assert_eq!(inverse.table(), op_table_after_inverse(&op), "for `{op}`");
    }
}

/// The table the inverse works on: the same table, except a rename works on the new name.
fn op_table_after_inverse(op: &Op) -> Option<&str> {
    match op {
        Op::RenameTable { to, .. } => Some(to),
        other => other.table(),
    }
}

// ---------------------------------------------------------------------------------------------
// downgrade_of
// ---------------------------------------------------------------------------------------------

#[test]
fn downgrade_of_nothing_is_nothing() {
    assert_eq!(downgrade_of(&[]), Ok(vec![]));
}

#[test]
fn downgrade_of_is_the_inverses_in_reverse_order() {
    let upgrade = vec![
        Op::CreateTable(users_table()),
        Op::AddColumn {
            table: "users".into(),
            column: column("email", Scalar::Text),
        },
        Op::CreateIndex(email_index()),
        Op::RenameTable {
            from: "users".into(),
            to: "accounts".into(),
        },
    ];
    assert_eq!(
        downgrade_of(&upgrade),
        Ok(vec![
            Op::RenameTable {
                from: "accounts".into(),
                to: "users".into(),
            },
            Op::DropIndex(email_index()),
            Op::DropColumn {
                table: "users".into(),
                column: column("email", Scalar::Text),
            },
            Op::DropTable(users_table()),
        ])
    );
}

#[test]
fn downgrade_of_skips_backfills() {
    let add = Op::AddColumn {
        table: "users".into(),
        column: Column {
            nullable: true,
            ..column("email_lower", Scalar::Text)
        },
    };
    let backfill = Op::Backfill {
        table: "users".into(),
        set: "email_lower = lower(email)".into(),
        filter: "email_lower IS NULL".into(),
        batch_size: 1000,
    };
    let not_null = Op::AlterColumn {
        table: "users".into(),
        column: "email_lower".into(),
        change: ColumnChange::SetNotNull,
    };
    assert_eq!(
        downgrade_of(&[add.clone(), backfill.clone(), not_null.clone()]),
        Ok(vec![inverse_op(&not_null), inverse_op(&add)])
    );
    assert_eq!(downgrade_of(&[backfill]), Ok(vec![]));
}

#[test]
fn downgrade_of_the_downgrade_is_the_upgrade() {
    let upgrade: Vec<Op> = all_ops()
        .into_iter()
        .filter(|op| matches!(op.inverse(), Inverse::Op(_)) && op.kind() != OpKind::DropEnumValue)
        .collect();
    let downgrade = downgrade_of(&upgrade).expect("every op is reversible");
    assert_eq!(downgrade.len(), upgrade.len());
    assert_eq!(downgrade_of(&downgrade), Ok(upgrade));
}

#[test]
fn downgrade_of_lists_every_impossible_op_by_index_in_order() {
    let upgrade = vec![
        Op::CreateEnum(mood_enum()),
        Op::AddEnumValue {
            enum_name: "mood".into(),
            value: "meh".into(),
            position: Some(EnumPosition::Before("ok".into())),
        },
        Op::Backfill {
            table: "users".into(),
            set: "mood = 'ok'".into(),
            filter: "mood IS NULL".into(),
            batch_size: 10,
        },
        Op::Execute {
            up: "SELECT 1".into(),
            down: None,
        },
        Op::Execute {
            up: "SELECT 2".into(),
            down: Some("SELECT 3".into()),
        },
        Op::RunRust {
            up: "crate::fix".into(),
            down: None,
        },
    ];
    assert_eq!(
        downgrade_of(&upgrade),
        Err(vec![
            (
                1,
                "PostgreSQL cannot remove a value from an enum type without re-creating the type"
            ),
            (3, "raw SQL has no known inverse unless `down:` gives one"),
            (
                5,
                "a Rust step has no known inverse unless `down:` gives one"
            ),
        ])
    );
}

#[test]
fn downgrade_of_a_single_impossible_op() {
    let upgrade = vec![Op::RunRust {
        up: "crate::fix".into(),
        down: None,
    }];
    assert_eq!(
        downgrade_of(&upgrade),
        Err(vec![(
            0,
            "a Rust step has no known inverse unless `down:` gives one"
        )])
    );
}
