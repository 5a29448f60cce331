//! Values the database would refuse: NUL in text, enum labels over 63 bytes, numeric defaults
//! outside their column's type. Driven through `check::check`.

use migrate_core::check::{check, Config, DowngradeDef, MigrationDef};
use migrate_core::diagnostic::{CheckId, Diagnostic, Location, Part, Section};
use migrate_core::model::{
    CheckConstraint, Column, ColumnChange, ColumnType, DefaultValue, EnumPosition, EnumType, Index,
    Op, PrimaryKey, Scalar, Table,
};

fn def(upgrade: Vec<Op>, downgrade: DowngradeDef) -> MigrationDef {
    MigrationDef {
        id: "0002_test".into(),
        parents: vec!["0001_base".into()],
        replaces: vec![],
        doc: String::new(),
        upgrade,
        downgrade,
        lock_timeout_ms: None,
        statement_timeout_ms: None,
        waivers: vec![],
        adopted_names: false,
    }
}

/// The diagnostics of the `values` family.
fn values(upgrade: Vec<Op>, downgrade: DowngradeDef) -> Vec<Diagnostic> {
    check(def(upgrade, downgrade), &Config::default())
        .1
        .into_iter()
        .filter(|diagnostic| diagnostic.check.family() == "values")
        .collect()
}

fn upgrade(ops: Vec<Op>) -> Vec<Diagnostic> {
    values(ops, DowngradeDef::Irreversible("test".into()))
}

/// Rule and location of each diagnostic, for the table-driven cases.
fn found(ops: Vec<Op>) -> Vec<(CheckId, Location)> {
    upgrade(ops).into_iter().map(|d| (d.check, d.at)).collect()
}

fn at(index: usize, value: usize) -> Location {
    Location::new(Section::Upgrade(index), Part::Value(value))
}

fn column(name: &'static str, ty: Scalar, default: Option<DefaultValue>) -> Column {
    Column {
        name: name.into(),
        ty: ColumnType::Scalar(ty),
        nullable: true,
        default,
        identity: false,
        generated: None,
    }
}

fn add_column(ty: Scalar, default: DefaultValue) -> Op {
    Op::AddColumn {
        table: "users".into(),
        column: column("score", ty, Some(default)),
    }
}

fn create_table(columns: Vec<Column>) -> Op {
    Op::CreateTable(Table {
        name: "scores".into(),
        columns: columns.into(),
        primary_key: Some(PrimaryKey {
            name: "pk_scores".into(),
            columns: vec!["id".into()].into(),
        }),
    })
}

fn int(text: &'static str) -> DefaultValue {
    DefaultValue::Int(text.into())
}

fn float(text: &'static str) -> DefaultValue {
    DefaultValue::Float(text.into())
}

fn create_enum(values: &[&str]) -> Op {
    Op::CreateEnum(EnumType {
        name: "mood".into(),
        values: values
            .iter()
            .map(|value| value.to_string().into())
            .collect(),
    })
}

// ---------------------------------------------------------------------------------------------
// NUL characters
// ---------------------------------------------------------------------------------------------

#[test]
fn a_nul_in_a_default_is_refused_at_the_default() {
    assert_eq!(
        upgrade(vec![add_column(
            Scalar::Text,
            DefaultValue::Str("a\0b".into())
        )]),
        vec![Diagnostic::new(
            CheckId::NulCharacter,
            at(0, 0),
            "the default of `score` \"a\\0b\" holds a NUL character (`\\0`): PostgreSQL refuses NUL in any text, and SQLite stops reading the statement there",
        )
        .help("remove the `\\0`; bytes that include NUL belong in a `bytea` column, written by a data step (`run(up: …)`)")]
    );
}

#[test]
fn a_nul_is_refused_in_every_text_that_reaches_the_database() {
    let nul = || "x\0".to_owned();
    let cases: Vec<(Op, Vec<Location>)> = vec![
        (
            create_table(vec![
                column("id", Scalar::BigInt, None),
                column("note", Scalar::Text, Some(DefaultValue::Str(nul().into()))),
            ]),
            vec![at(0, 1)],
        ),
        (
            add_column(Scalar::Text, DefaultValue::Sql(nul().into())),
            vec![at(0, 0)],
        ),
        (create_enum(&["ok", "x\0"]), vec![at(0, 1)]),
        (
            Op::AddEnumValue {
                enum_name: "mood".into(),
                value: nul().into(),
                position: Some(EnumPosition::After("a\0".into())),
            },
            vec![at(0, 0), at(0, 1)],
        ),
        (
            Op::AddCheck(CheckConstraint {
                name: "ck_users_x".into(),
                table: "users".into(),
                expr: nul().into(),
            }),
            vec![at(0, 0)],
        ),
        (
            Op::CreateIndex(Index {
                name: "ix_users_x".into(),
                table: "users".into(),
                columns: vec!["x".into()].into(),
                unique: false,
                predicate: Some(nul().into()),
                concurrently: true,
            }),
            vec![at(0, 0)],
        ),
        (
            Op::Execute {
                up: "SELECT 1".into(),
                down: Some(nul().into()),
            },
            vec![at(0, 1)],
        ),
        (
            Op::Backfill {
                table: "users".into(),
                set: format!("x = '{}'", nul()).into(),
                filter: nul().into(),
                batch_size: 10,
            },
            vec![at(0, 0), at(0, 1)],
        ),
        (
            Op::AlterColumn {
                table: "users".into(),
                column: "x".into(),
                change: ColumnChange::SetDefault {
                    to: DefaultValue::Str("ok".into()),
                    from: Some(DefaultValue::Str(nul().into())),
                },
            },
            vec![at(0, 1)],
        ),
        (
            Op::AlterColumn {
                table: "users".into(),
                column: "x".into(),
                change: ColumnChange::SetType {
                    to: ColumnType::Scalar(Scalar::BigInt),
                    from: ColumnType::Scalar(Scalar::Text),
                    using: Some(nul().into()),
                },
            },
            vec![at(0, 0)],
        ),
    ];
    for (op, expected) in cases {
        let expected: Vec<(CheckId, Location)> = expected
            .into_iter()
            .map(|location| (CheckId::NulCharacter, location))
            .collect();
        assert_eq!(found(vec![op.clone()]), expected, "{op}");
    }
    // A written downgrade is checked too.
    let downgrade = values(
        vec![Op::Execute {
            up: "SELECT 1".into(),
            down: Some("SELECT 1".into()),
        }],
        DowngradeDef::Ops(vec![create_enum(&["a\0"])]),
    );
    assert_eq!(
        downgrade
            .iter()
            .map(|d| (d.check, d.at))
            .collect::<Vec<_>>(),
        [(
            CheckId::NulCharacter,
            Location::new(Section::Downgrade(0), Part::Value(0))
        )]
    );
}

// ---------------------------------------------------------------------------------------------
// Enum labels
// ---------------------------------------------------------------------------------------------

#[test]
fn an_enum_label_over_63_bytes_is_refused_and_63_is_accepted() {
    let long = "a".repeat(64);
    let fits = "a".repeat(63);
    assert_eq!(
        upgrade(vec![create_enum(&["ok", &long])]),
        vec![Diagnostic::new(
            CheckId::EnumLabelTooLong,
            at(0, 1),
            format!("enum label {long:?} is 64 bytes long: PostgreSQL refuses labels longer than 63 bytes (\"invalid enum label\")"),
        )
        .help("shorten it to at most 63 bytes: a label is a short code; keep a longer description in a lookup table keyed by it")]
    );
    assert_eq!(found(vec![create_enum(&["ok", &fits])]), []);
    // Bytes, not characters: 32 two-byte characters are 64 bytes.
    assert_eq!(
        found(vec![create_enum(&[&"é".repeat(32)])]),
        [(CheckId::EnumLabelTooLong, at(0, 0))]
    );
    let add = Op::AddEnumValue {
        enum_name: "mood".into(),
        value: long.clone().into(),
        position: Some(EnumPosition::Before(long.clone().into())),
    };
    assert_eq!(
        found(vec![add]),
        [
            (CheckId::EnumLabelTooLong, at(0, 0)),
            (CheckId::EnumLabelTooLong, at(0, 1))
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Numeric defaults
// ---------------------------------------------------------------------------------------------

#[test]
fn an_integer_default_out_of_range_is_refused_with_the_range_and_a_wider_type() {
    assert_eq!(
        upgrade(vec![add_column(Scalar::SmallInt, int("40000"))]),
        vec![Diagnostic::new(
            CheckId::DefaultOutOfRange,
            at(0, 0),
            "`40000` is out of range for `smallint` (-32768 to 32767): PostgreSQL accepts the migration, then refuses every row that takes this default (\"smallint out of range\")",
        )
        .help("use a value from -32768 to 32767, or a wider type such as `integer`")]
    );
    assert_eq!(
        upgrade(vec![add_column(Scalar::Integer, float("1.5"))]),
        vec![Diagnostic::new(
            CheckId::DefaultOutOfRange,
            at(0, 0),
            "`1.5` is a decimal number and `integer` holds whole numbers: PostgreSQL would silently round the default, and SQLite store it as written",
        )
        .help("write a whole number from -2147483648 to 2147483647, or make the column `numeric(p, s)` to keep the decimals")]
    );
}

#[test]
fn numeric_defaults_at_and_past_the_bounds_of_each_type() {
    let out = |ty: Scalar, default: DefaultValue| !found(vec![add_column(ty, default)]).is_empty();
    let cases: Vec<(Scalar, DefaultValue, bool)> = vec![
        (Scalar::SmallInt, int("32767"), false),
        (Scalar::SmallInt, int("-32768"), false),
        (Scalar::SmallInt, int("32768"), true),
        (Scalar::SmallInt, int("-32769"), true),
        (Scalar::Integer, int("2147483647"), false),
        (Scalar::Integer, int("-2147483648"), false),
        (Scalar::Integer, int("3000000000"), true),
        (Scalar::Integer, int("-3000000000"), true),
        (Scalar::BigInt, int("9223372036854775807"), false),
        (Scalar::BigInt, int("-9223372036854775808"), false),
        (Scalar::BigInt, int("9223372036854775808"), true),
        (
            Scalar::BigInt,
            int("-170141183460469231731687303715884105727"),
            true,
        ),
        (Scalar::Integer, float("2.0"), true),
        (Scalar::BigInt, float("-0.5"), true),
        (Scalar::Integer, int("-5"), false),
        // numeric(5, 2): absolute values below 1000 once rounded to 2 places.
        (Scalar::Numeric(Some((5, 2))), int("999"), false),
        (Scalar::Numeric(Some((5, 2))), int("-999"), false),
        (Scalar::Numeric(Some((5, 2))), int("1000"), true),
        (Scalar::Numeric(Some((5, 2))), float("999.99"), false),
        (Scalar::Numeric(Some((5, 2))), float("999.994"), false),
        (Scalar::Numeric(Some((5, 2))), float("999.995"), true),
        (Scalar::Numeric(Some((5, 2))), float("-999.995"), true),
        (Scalar::Numeric(Some((5, 2))), float("0.001"), false),
        (Scalar::Numeric(Some((5, 2))), float("9.9999e2"), false),
        (Scalar::Numeric(Some((5, 2))), float("1e3"), true),
        (Scalar::Numeric(Some((5, 2))), float("99999e-2"), false),
        (Scalar::Numeric(Some((5, 0))), float("99999.4"), false),
        (Scalar::Numeric(Some((5, 0))), float("99999.5"), true),
        (Scalar::Numeric(Some((3, 3))), float("0.9994"), false),
        (Scalar::Numeric(Some((3, 3))), float("0.9995"), true),
        (Scalar::Numeric(None), float("1e300"), false),
        (Scalar::Real, float("3.4e38"), false),
        (Scalar::Real, float("1e39"), true),
        (Scalar::Real, float("1e-45"), false),
        (Scalar::Real, float("1e-46"), true),
        (Scalar::Real, float("0.0"), false),
        (Scalar::DoublePrecision, float("1e39"), false),
        (Scalar::DoublePrecision, float("1e400"), true),
        (Scalar::DoublePrecision, float("-1e-400"), true),
        // Types without a numeric range are not this rule's business.
        (Scalar::Text, int("40000"), false),
    ];
    for (ty, default, refused) in cases {
        assert_eq!(
            out(ty.clone(), default.clone()),
            refused,
            "{ty} default({default})"
        );
    }
}

#[test]
fn the_range_rule_knows_the_types_of_columns_made_earlier_in_the_migration() {
    let set_default = |column: &'static str, to: DefaultValue| Op::AlterColumn {
        table: "scores".into(),
        column: column.into(),
        change: ColumnChange::SetDefault { to, from: None },
    };
    let table = create_table(vec![
        column("id", Scalar::BigInt, None),
        column("points", Scalar::SmallInt, Some(int("40000"))),
    ]);
    assert_eq!(
        found(vec![table.clone(), set_default("points", int("70000"))]),
        [
            (CheckId::DefaultOutOfRange, at(0, 1)),
            (CheckId::DefaultOutOfRange, at(1, 0))
        ]
    );
    // After a rename, and after a type change, the type follows the column.
    let renamed = Op::RenameColumn {
        table: "scores".into(),
        from: "id".into(),
        to: "key".into(),
    };
    let narrowed = Op::AlterColumn {
        table: "scores".into(),
        column: "key".into(),
        change: ColumnChange::SetType {
            to: ColumnType::Scalar(Scalar::SmallInt),
            from: ColumnType::Scalar(Scalar::BigInt),
            using: None,
        },
    };
    assert_eq!(
        found(vec![
            create_table(vec![column("id", Scalar::BigInt, None)]),
            renamed.clone(),
            set_default("key", int("70000")),
            narrowed,
            set_default("key", int("70000")),
        ]),
        [(CheckId::DefaultOutOfRange, at(4, 0))]
    );
    // A column this migration knows nothing about is left to the database.
    assert_eq!(found(vec![set_default("points", int("70000"))]), []);
}

/// A drop records, and a downgrade restores, what the database had: the migration that repairs a
/// bad default must be able to say what it was.
#[test]
fn defaults_that_record_the_past_are_not_range_checked() {
    let repair = Op::AlterColumn {
        table: "users".into(),
        column: "score".into(),
        change: ColumnChange::SetDefault {
            to: int("100"),
            from: Some(int("40000")),
        },
    };
    let restore = Op::AlterColumn {
        table: "users".into(),
        column: "score".into(),
        change: ColumnChange::SetDefault {
            to: int("40000"),
            from: Some(int("100")),
        },
    };
    let dropped = Op::DropColumn {
        table: "users".into(),
        column: column("score", Scalar::SmallInt, Some(int("40000"))),
    };
    assert_eq!(
        values(
            vec![
                Op::AddColumn {
                    table: "users".into(),
                    column: column("score", Scalar::SmallInt, None),
                },
                repair,
                dropped.clone()
            ],
            DowngradeDef::Ops(vec![
                dropped.clone(),
                Op::AddColumn {
                    table: "users".into(),
                    column: column("score", Scalar::SmallInt, Some(int("40000"))),
                },
                restore,
            ]),
        ),
        []
    );
}

#[test]
fn value_rules_cannot_be_waived_and_have_their_own_family() {
    for check in [
        CheckId::NulCharacter,
        CheckId::EnumLabelTooLong,
        CheckId::DefaultOutOfRange,
    ] {
        assert_eq!(check.family(), "values");
        assert!(!check.is_waivable(), "{check}");
        assert_eq!(CheckId::from_name(check.as_str()), Some(check));
    }
}

#[test]
fn a_default_that_no_assignment_cast_fits_is_refused_and_text_that_parses_is_not() {
    use migrate_core::model::SqlFunction;
    let text = |value: &'static str| DefaultValue::Str(value.into());
    let refused = [
        (Scalar::Integer, text("ten")),
        (Scalar::Integer, DefaultValue::Bool(true)),
        (Scalar::Boolean, int("1")),
        (Scalar::Boolean, text("maybe")),
        (Scalar::Uuid, text("not-a-uuid")),
        (Scalar::Uuid, int("7")),
        (Scalar::Date, int("20240101")),
        (Scalar::Jsonb, DefaultValue::Bool(false)),
        (Scalar::Integer, DefaultValue::Function(SqlFunction::Now)),
    ];
    for (ty, default) in refused {
        assert_eq!(
            found(vec![add_column(ty.clone(), default.clone())]),
            vec![(CheckId::DefaultTypeMismatch, at(0, 0))],
            "{ty} default({default})"
        );
    }
    let accepted = [
        (Scalar::Integer, text("10")),
        (Scalar::Numeric(None), text("1.5")),
        (Scalar::Boolean, text("yes")),
        (Scalar::Uuid, text("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")),
        (Scalar::Date, text("2024-01-01")),
        (Scalar::Text, int("42")),
        (Scalar::Text, DefaultValue::Bool(true)),
        (
            Scalar::Timestamptz,
            DefaultValue::Function(SqlFunction::Now),
        ),
        (
            Scalar::Uuid,
            DefaultValue::Function(SqlFunction::GenRandomUuid),
        ),
        (Scalar::Integer, DefaultValue::Sql("nextval('s')".into())),
        (Scalar::Integer, DefaultValue::Null),
    ];
    for (ty, default) in accepted {
        assert_eq!(
            found(vec![add_column(ty.clone(), default.clone())]),
            vec![],
            "{ty} default({default})"
        );
    }
}

#[test]
fn a_backfill_assigns_each_column_once() {
    let problems = |set: &str| {
        let def = MigrationDef {
            id: "0004_fill".into(),
            parents: vec!["0003".into()],
            replaces: vec![],
            doc: String::new(),
            upgrade: vec![Op::Backfill {
                table: "users".into(),
                set: set.to_owned().into(),
                filter: "role IS NULL".into(),
                batch_size: 100,
            }],
            downgrade: DowngradeDef::Computed,
            lock_timeout_ms: None,
            statement_timeout_ms: None,
            waivers: vec![],
            adopted_names: false,
        };
        check(def, &Config::default())
            .1
            .into_iter()
            .filter(|d| d.check == CheckId::BackfillAssignments)
            .map(|d| d.message)
            .collect::<Vec<_>>()
    };
    for fine in [
        "role = 'member'",
        "role = 'a, b', name = coalesce(name, 'x')",
        "(role, name) = ('member', 'x')",
        r#""Role" = 1, role = 2"#,
    ] {
        assert_eq!(problems(fine), Vec::<String>::new(), "{fine}");
    }
    assert_eq!(
        problems("role = 'member', ROLE = lower(role)"),
        ["`set:` assigns `ROLE` twice: the database refuses the UPDATE (\"multiple assignments to same column\") when the backfill runs"]
    );
    assert_eq!(problems("(role, name) = ('a', 'b'), name = 'c'").len(), 1);
    assert_eq!(
        problems("role = 'member', status"),
        ["`status` in `set:` assigns nothing: each part of `set:` is `column = expression`, as in `UPDATE … SET`"]
    );
    assert_eq!(problems("score >= 1").len(), 1);
}
