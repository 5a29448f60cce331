//! Naming: migration ids and parents, identifier length and case, and the naming convention.

use migrate_core::check::{check, Config, DowngradeDef, MigrationDef, NamingConvention};
use migrate_core::diagnostic::{CheckId, Diagnostic, Location, Part, Section};
use migrate_core::model::{
    CheckConstraint, Column, ColumnType, EnumType, ForeignKey, Index, Op, PrimaryKey,
    ReferentialAction, Scalar, Table, UniqueConstraint,
};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const ID_HELP: &str = "ids are `<sequence>_<slug>`: a number of at least 4 digits (a counter or a UTC timestamp) that sorts them, then lower snake_case words, e.g. \"0003_add_user_role\" or \"20261123_1042_add_user_role\"";

fn def(id: &str, parents: &[&str], upgrade: Vec<Op>, downgrade: DowngradeDef) -> MigrationDef {
    MigrationDef {
        id: id.to_owned(),
        parents: parents.iter().map(|parent| (*parent).to_owned()).collect(),
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

fn diagnostics_of_id(id: &str, parents: &[&str]) -> Vec<Diagnostic> {
    check(
        def(id, parents, vec![], DowngradeDef::Computed),
        &Config::default(),
    )
    .1
}

fn id_problem(id: &str, problem: &str) -> Diagnostic {
    Diagnostic::new(
        CheckId::MigrationId,
        Location::op(Section::Id),
        format!("migration id {id:?} {problem}"),
    )
    .help(ID_HELP)
}

fn parent_problem(parent: &str, problem: &str) -> Diagnostic {
    Diagnostic::new(
        CheckId::MigrationId,
        Location::op(Section::Parents),
        format!("parent {parent:?} {problem}"),
    )
}

/// The diagnostics of an upgrade whose downgrade is computed.
fn diagnostics_of(upgrade: Vec<Op>) -> Vec<Diagnostic> {
    diagnostics_with(upgrade, &Config::default())
}

/// The naming diagnostics among `diagnostics`.
fn naming_only(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics
        .into_iter()
        .filter(|diagnostic| diagnostic.check.family() == "naming")
        .collect()
}

/// The diagnostics without the safety rules (tested in `safety.rs`).
fn diagnostics_with(upgrade: Vec<Op>, config: &Config) -> Vec<Diagnostic> {
    check(
        def("0001_test", &[], upgrade, DowngradeDef::Computed),
        config,
    )
    .1
    .into_iter()
    .filter(|diagnostic| diagnostic.check.family() != "safety")
    .collect::<Vec<_>>()
}

fn too_long(at: Location, name: &str) -> Diagnostic {
    Diagnostic::new(
        CheckId::IdentifierTooLong,
        at,
        format!(
            "`{name}` is {} bytes long: PostgreSQL silently truncates identifiers to 63 bytes, so the object would answer to another name",
            name.len()
        ),
    )
    .help("shorten it to at most 63 bytes")
}

fn not_snake_case(at: Location, name: &str, suggestion: &str) -> Diagnostic {
    Diagnostic::new(
        CheckId::IdentifierCase,
        at,
        format!("`{name}` is not lower snake_case: PostgreSQL folds unquoted names to lower case, so every hand-written query would have to quote it"),
    )
    .help(format!("`{suggestion}`"))
}

/// `pattern` is the prefixes joined by `_|`, `_`, then the table; the message lists each
/// alternative as `` `<prefix>_<table>_…` ``, joined by "or".
fn unconventional(index: usize, name: &str, pattern: &str, suggestion: &str) -> Diagnostic {
    let (prefixes, table) = pattern
        .rsplit_once('_')
        .expect("pattern is `<prefixes>_<table>`");
    let alternatives = prefixes
        .split("_|")
        .map(|prefix| format!("`{prefix}_{table}_…`"))
        .collect::<Vec<_>>()
        .join(" or ");
    Diagnostic::new(
        CheckId::NamingConvention,
        Location::new(Section::Upgrade(index), Part::Name),
        format!("`{name}` does not follow the naming convention {alternatives}: conventional names say what they are and where they live"),
    )
    .help(format!("`{suggestion}`"))
}

fn column(name: &str) -> Column {
    Column {
        name: name.to_owned().into(),
        ty: ColumnType::Scalar(Scalar::Text),
        nullable: true,
        default: None,
        identity: false,
        generated: None,
    }
}

fn table(name: &str, columns: &[&str], primary_key: Option<&str>) -> Table {
    Table {
        name: name.to_owned().into(),
        columns: columns
            .iter()
            .map(|name| column(name))
            .collect::<Vec<_>>()
            .into(),
        primary_key: primary_key.map(|pk| PrimaryKey {
            name: pk.to_owned().into(),
            columns: vec![columns[0].to_owned().into()].into(),
        }),
    }
}

fn index(name: &str, columns: &[&str], unique: bool) -> Index {
    Index {
        name: name.to_owned().into(),
        table: "users".into(),
        columns: columns
            .iter()
            .map(|c| (*c).to_owned().into())
            .collect::<Vec<_>>()
            .into(),
        unique,
        predicate: None,
        concurrently: false,
    }
}

fn fk(name: &str) -> ForeignKey {
    ForeignKey {
        name: name.to_owned().into(),
        table: "orders".into(),
        columns: vec!["user_id".into()].into(),
        referenced_table: "users".into(),
        referenced_columns: vec!["id".into()].into(),
        on_delete: ReferentialAction::NoAction,
        on_update: ReferentialAction::NoAction,
    }
}

fn check_constraint(name: &str) -> CheckConstraint {
    CheckConstraint {
        name: name.to_owned().into(),
        table: "users".into(),
        expr: "age > 0".into(),
    }
}

fn unique(name: &str) -> UniqueConstraint {
    UniqueConstraint {
        name: name.to_owned().into(),
        table: "users".into(),
        columns: vec!["email".into()].into(),
    }
}

// ---------------------------------------------------------------------------------------------
// Migration ids
// ---------------------------------------------------------------------------------------------

#[test]
fn valid_counter_id() {
    assert_eq!(diagnostics_of_id("0001_create_users", &[]), vec![]);
    assert_eq!(diagnostics_of_id("0042_a", &[]), vec![]);
    assert_eq!(diagnostics_of_id("12345_add_role_2", &[]), vec![]);
}

#[test]
fn valid_timestamp_id_with_a_time_part() {
    // `<date>_<time>_<slug>`, as the help message itself recommends.
    assert_eq!(diagnostics_of_id("20261123_1042_add_role", &[]), vec![]);
}

#[test]
fn the_examples_of_the_help_are_valid_ids() {
    for id in ["0003_add_user_role", "20261123_1042_add_user_role"] {
        assert_eq!(diagnostics_of_id(id, &[]), vec![], "{id}");
    }
}

#[test]
fn id_without_a_sequence() {
    assert_eq!(
        diagnostics_of_id("create_users", &[]),
        vec![id_problem(
            "create_users",
            "does not start with a sequence of at least 4 digits"
        )]
    );
}

#[test]
fn id_without_an_underscore() {
    assert_eq!(
        diagnostics_of_id("0001", &[]),
        vec![id_problem("0001", "has no `<sequence>_` prefix")]
    );
    assert_eq!(
        diagnostics_of_id("createusers", &[]),
        vec![id_problem("createusers", "has no `<sequence>_` prefix")]
    );
}

#[test]
fn id_with_a_short_sequence() {
    assert_eq!(
        diagnostics_of_id("01_x", &[]),
        vec![id_problem(
            "01_x",
            "does not start with a sequence of at least 4 digits"
        )]
    );
    assert_eq!(
        diagnostics_of_id("001a_x", &[]),
        vec![id_problem(
            "001a_x",
            "does not start with a sequence of at least 4 digits"
        )]
    );
}

#[test]
fn id_whose_slug_is_not_snake_case() {
    for id in [
        "0001_Create",
        "0001_add-role",
        "0001_add role",
        "0001_",
        "0001_é",
    ] {
        assert_eq!(
            diagnostics_of_id(id, &[]),
            vec![id_problem(id, "is not lower snake_case after its sequence")],
            "{id}"
        );
    }
}

#[test]
fn id_longer_than_63_bytes() {
    let longest = format!("0001_{}", "a".repeat(58));
    assert_eq!(longest.len(), 63);
    assert_eq!(diagnostics_of_id(&longest, &[]), vec![]);

    let too_long = format!("0001_{}", "a".repeat(59));
    assert_eq!(too_long.len(), 64);
    assert_eq!(
        diagnostics_of_id(&too_long, &[]),
        vec![id_problem(&too_long, "is longer than 63 bytes")]
    );
}

// ---------------------------------------------------------------------------------------------
// Parents
// ---------------------------------------------------------------------------------------------

#[test]
fn valid_parents() {
    assert_eq!(diagnostics_of_id("0002_b", &["0001_a"]), vec![]);
    assert_eq!(
        diagnostics_of_id("0004_merge", &["0002_b", "0003_c"]),
        vec![]
    );
}

#[test]
fn parent_equal_to_the_migration_itself() {
    assert_eq!(
        diagnostics_of_id("0002_b", &["0002_b"]),
        vec![parent_problem("0002_b", "is the migration itself")]
    );
}

#[test]
fn parent_listed_twice() {
    assert_eq!(
        diagnostics_of_id("0004_merge", &["0002_b", "0003_c", "0002_b"]),
        vec![parent_problem("0002_b", "is listed twice")]
    );
}

#[test]
fn parent_that_is_not_a_valid_id() {
    assert_eq!(
        diagnostics_of_id("0002_b", &["root", "01_x", "0001_A"]),
        vec![
            parent_problem("root", "has no `<sequence>_` prefix"),
            parent_problem(
                "01_x",
                "does not start with a sequence of at least 4 digits"
            ),
            parent_problem("0001_A", "is not lower snake_case after its sequence"),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Identifier length
// ---------------------------------------------------------------------------------------------

#[test]
fn identifiers_up_to_63_bytes_are_accepted() {
    let name = "a".repeat(63);
    assert_eq!(
        diagnostics_of(vec![Op::CreateTable(table(&name, &["id"], None))]),
        vec![]
    );
}

#[test]
fn table_name_longer_than_63_bytes() {
    let name = "a".repeat(64);
    assert_eq!(
        diagnostics_of(vec![Op::CreateTable(table(&name, &["id"], None))]),
        vec![too_long(
            Location::new(Section::Upgrade(0), Part::Table),
            &name
        )]
    );
}

#[test]
fn length_is_counted_in_bytes_not_characters() {
    // 32 characters, 64 bytes in UTF-8.
    let name = "é".repeat(32);
    assert_eq!(name.chars().count(), 32);
    assert_eq!(name.len(), 64);
    let diagnostics = diagnostics_of(vec![Op::AddColumn {
        table: "users".into(),
        column: column(&name),
    }]);
    let at = Location::new(Section::Upgrade(0), Part::Column(0));
    let length: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.check == CheckId::IdentifierTooLong)
        .collect();
    assert_eq!(length, vec![&too_long(at, &name)]);
    assert_eq!(
        length[0].message,
        format!("`{name}` is 64 bytes long: PostgreSQL silently truncates identifiers to 63 bytes, so the object would answer to another name")
    );
    // Not ASCII, hence not lower snake_case either.
    assert!(diagnostics
        .iter()
        .any(|d| d.check == CheckId::IdentifierCase && d.at == at));

    // 63 bytes of multibyte characters are fine, length-wise.
    let fits = format!("a{}", "é".repeat(31));
    assert_eq!(fits.len(), 63);
    assert!(diagnostics_of(vec![Op::AddColumn {
        table: "users".into(),
        column: column(&fits),
    }])
    .iter()
    .all(|d| d.check != CheckId::IdentifierTooLong));
}

#[test]
fn every_created_name_is_held_to_the_length_limit() {
    let long = |prefix: &str| format!("{prefix}{}", "x".repeat(64 - prefix.len()));
    let cases: Vec<(Op, Part, String)> = vec![
        (
            Op::CreateTable(table("users", &["id", &long("c_")], None)),
            Part::Column(1),
            long("c_"),
        ),
        (
            Op::CreateTable(table("users", &["id"], Some(&long("pk_users_")))),
            Part::Name,
            long("pk_users_"),
        ),
        (
            Op::RenameTable {
                from: "users".into(),
                to: long("t_").into(),
            },
            Part::Name,
            long("t_"),
        ),
        (
            Op::RenameColumn {
                table: "users".into(),
                from: "name".into(),
                to: long("c_").into(),
            },
            Part::Name,
            long("c_"),
        ),
        (
            Op::CreateIndex(index(&long("ix_users_"), &["email"], false)),
            Part::Name,
            long("ix_users_"),
        ),
        (
            Op::AddForeignKey(fk(&long("fk_orders_"))),
            Part::Name,
            long("fk_orders_"),
        ),
        (
            Op::AddCheck(check_constraint(&long("ck_users_"))),
            Part::Name,
            long("ck_users_"),
        ),
        (
            Op::AddUnique(unique(&long("uq_users_"))),
            Part::Name,
            long("uq_users_"),
        ),
        (
            Op::CreateEnum(EnumType {
                name: long("e_").into(),
                values: vec!["a".into()].into(),
            }),
            Part::Name,
            long("e_"),
        ),
    ];
    for (op, part, name) in cases {
        assert_eq!(name.len(), 64);
        assert_eq!(
            diagnostics_of(vec![op.clone()]),
            vec![too_long(Location::new(Section::Upgrade(0), part), &name)],
            "{op}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Identifier case
// ---------------------------------------------------------------------------------------------

#[test]
fn table_and_column_names_must_be_snake_case() {
    assert_eq!(
        diagnostics_of(vec![Op::CreateTable(table(
            "UserAccounts",
            &["id", "firstName"],
            None
        ))]),
        vec![
            not_snake_case(
                Location::new(Section::Upgrade(0), Part::Table),
                "UserAccounts",
                "user_accounts"
            ),
            not_snake_case(
                Location::new(Section::Upgrade(0), Part::Column(1)),
                "firstName",
                "first_name"
            ),
        ]
    );
}

#[test]
fn added_and_renamed_names_must_be_snake_case() {
    assert_eq!(
        diagnostics_of(vec![Op::AddColumn {
            table: "users".into(),
            column: column("lastName"),
        }]),
        vec![not_snake_case(
            Location::new(Section::Upgrade(0), Part::Column(0)),
            "lastName",
            "last_name"
        )]
    );
    assert_eq!(
        diagnostics_of(vec![Op::RenameTable {
            from: "users".into(),
            to: "Accounts".into(),
        }]),
        vec![not_snake_case(
            Location::new(Section::Upgrade(0), Part::Name),
            "Accounts",
            "accounts"
        )]
    );
    assert_eq!(
        diagnostics_of(vec![Op::CreateEnum(EnumType {
            name: "UserMood".into(),
            values: vec!["Happy".into()].into(),
        })]),
        // Enum labels are data, not identifiers.
        vec![not_snake_case(
            Location::new(Section::Upgrade(0), Part::Name),
            "UserMood",
            "user_mood"
        )]
    );
}

#[test]
fn names_starting_with_a_digit_are_not_snake_case() {
    let diagnostics = diagnostics_of(vec![Op::AddColumn {
        table: "users".into(),
        column: column("2fa_secret"),
    }]);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0].check, CheckId::IdentifierCase);
    assert_eq!(
        diagnostics[0].at,
        Location::new(Section::Upgrade(0), Part::Column(0))
    );
}

#[test]
fn snake_case_names_with_digits_are_accepted() {
    assert_eq!(
        diagnostics_of(vec![Op::AddColumn {
            table: "users".into(),
            column: column("address_line_2"),
        }]),
        vec![]
    );
}

// ---------------------------------------------------------------------------------------------
// Naming convention
// ---------------------------------------------------------------------------------------------

#[test]
fn conventional_names_are_accepted() {
    assert_eq!(
        diagnostics_of(vec![
            Op::CreateTable(table("users", &["id", "email"], Some("pk_users"))),
            Op::CreateIndex(index("ix_users_email", &["email"], false)),
            Op::CreateIndex(index("ix_users", &["id", "email"], false)),
            Op::CreateIndex(index("uq_users_lower_email", &["email"], true)),
            Op::CreateIndex(index("ix_users_email_unique", &["email"], true)),
            Op::AddForeignKey(fk("fk_orders_user_id")),
            Op::AddCheck(check_constraint("ck_users_age_positive")),
            Op::AddUnique(unique("uq_users_email")),
        ]),
        vec![]
    );
}

#[test]
fn index_name_off_convention() {
    assert_eq!(
        diagnostics_of(vec![Op::CreateIndex(index(
            "email_idx",
            &["tenant_id", "email"],
            false
        ))]),
        vec![unconventional(
            0,
            "email_idx",
            "ix_users",
            "ix_users_tenant_id_email"
        )]
    );
}

#[test]
fn index_prefix_must_be_followed_by_the_table_and_an_underscore() {
    for name in [
        "ix_usersx",
        "ix_user_email",
        "ix_orders_email",
        "users_ix_email",
    ] {
        assert_eq!(
            diagnostics_of(vec![Op::CreateIndex(index(name, &["email"], false))]),
            vec![unconventional(0, name, "ix_users", "ix_users_email")],
            "{name}"
        );
    }
}

#[test]
fn non_unique_index_may_not_use_the_unique_prefix() {
    assert_eq!(
        diagnostics_of(vec![Op::CreateIndex(index(
            "uq_users_email",
            &["email"],
            false
        ))]),
        vec![unconventional(
            0,
            "uq_users_email",
            "ix_users",
            "ix_users_email"
        )]
    );
}

#[test]
fn unique_index_name_off_convention() {
    assert_eq!(
        diagnostics_of(vec![Op::CreateIndex(index("email_uniq", &["email"], true))]),
        vec![unconventional(
            0,
            "email_uniq",
            "ix_|uq_users",
            "ix_users_email"
        )]
    );
}

#[test]
fn foreign_key_name_off_convention() {
    assert_eq!(
        diagnostics_of(vec![Op::AddForeignKey(fk("orders_user_fk"))]),
        vec![unconventional(
            0,
            "orders_user_fk",
            "fk_orders",
            "fk_orders_user_id"
        )]
    );
}

#[test]
fn check_name_off_convention() {
    assert_eq!(
        diagnostics_of(vec![Op::AddCheck(check_constraint("age_positive"))]),
        vec![unconventional(
            0,
            "age_positive",
            "ck_users",
            "ck_users_<what>"
        )]
    );
}

#[test]
fn unique_constraint_name_off_convention() {
    assert_eq!(
        diagnostics_of(vec![Op::AddUnique(unique("users_email_key"))]),
        vec![unconventional(
            0,
            "users_email_key",
            "uq_users",
            "uq_users_email"
        )]
    );
}

#[test]
fn primary_key_name_off_convention() {
    assert_eq!(
        diagnostics_of(vec![Op::CreateTable(table(
            "users",
            &["id"],
            Some("users_pkey")
        ))]),
        vec![unconventional(0, "users_pkey", "pk_users", "pk_users")]
    );
}

#[test]
fn convention_violation_is_reported_at_the_op_index() {
    let diagnostics = diagnostics_of(vec![
        Op::CreateTable(table("users", &["id", "email"], Some("pk_users"))),
        Op::CreateIndex(index("ix_users_email", &["email"], false)),
        Op::AddUnique(unique("email_unique")),
    ]);
    assert_eq!(
        diagnostics,
        vec![unconventional(
            2,
            "email_unique",
            "uq_users",
            "uq_users_email"
        )]
    );
}

#[test]
fn a_custom_convention() {
    let config = Config {
        naming: NamingConvention {
            index: "idx".into(),
            unique: "uniq".into(),
            foreign_key: "fkey".into(),
            check: "chk".into(),
            primary_key: "pkey".into(),
        },
        ..Config::default()
    };
    assert_eq!(
        diagnostics_with(
            vec![
                Op::CreateTable(table("users", &["id", "email"], Some("pkey_users"))),
                Op::CreateIndex(index("idx_users_email", &["email"], false)),
                Op::CreateIndex(index("uniq_users_email", &["email"], true)),
                Op::AddForeignKey(fk("fkey_orders_user_id")),
                Op::AddCheck(check_constraint("chk_users_age")),
                Op::AddUnique(unique("uniq_users_email_2")),
            ],
            &config
        ),
        vec![]
    );
    assert_eq!(
        diagnostics_with(
            vec![Op::CreateIndex(index("ix_users_email", &["email"], false))],
            &config
        ),
        vec![unconventional(
            0,
            "ix_users_email",
            "idx_users",
            "idx_users_email"
        )]
    );
}

/// PostgreSQL's own names, as a schema that predates `migrate` has them: patterns with
/// placeholders instead of prefixes.
fn postgres_convention() -> Config {
    Config {
        naming: NamingConvention {
            index: "{table}_{columns}_idx".into(),
            unique: "{table}_{columns}_key".into(),
            foreign_key: "{table}_{columns}_fkey".into(),
            check: "{table}_{what}_check".into(),
            primary_key: "{table}_pkey".into(),
        },
        ..Config::default()
    }
}

#[test]
fn a_convention_of_patterns() {
    assert_eq!(
        diagnostics_with(
            vec![
                Op::CreateTable(table("users", &["id", "email"], Some("users_pkey"))),
                Op::CreateIndex(index("users_email_idx", &["email"], false)),
                Op::CreateIndex(index("users_name_key", &["name"], true)),
                Op::AddForeignKey(fk("orders_user_id_fkey")),
                Op::AddCheck(check_constraint("users_age_positive_check")),
                Op::AddUnique(unique("users_email_key")),
            ],
            &postgres_convention()
        ),
        vec![]
    );
}

#[test]
fn a_pattern_names_what_it_expects_and_suggests_the_name() {
    let wrong = |name: &str, expected: &str, suggestion: &str, op: Op| {
        let diagnostics = diagnostics_with(vec![op], &postgres_convention());
        assert_eq!(
            diagnostics,
            vec![Diagnostic::new(
                CheckId::NamingConvention,
                Location::new(Section::Upgrade(0), Part::Name),
                format!("`{name}` does not follow the naming convention {expected}: conventional names say what they are and where they live"),
            )
            .help(format!("`{suggestion}`"))],
            "{name}"
        );
    };
    // The columns are part of the name: an index on another column does not fit.
    wrong(
        "users_name_idx",
        "`users_email_idx`",
        "users_email_idx",
        Op::CreateIndex(index("users_name_idx", &["email"], false)),
    );
    wrong(
        "ix_users_email",
        "`users_email_idx` or `users_email_key`",
        "users_email_idx",
        Op::CreateIndex(index("ix_users_email", &["email"], true)),
    );
    // `{what}` stands for at least one word.
    wrong(
        "users__check",
        "`users_…_check`",
        "users_<what>_check",
        Op::AddCheck(check_constraint("users__check")),
    );
    wrong(
        "pk_users",
        "`users_pkey`",
        "users_pkey",
        Op::CreateTable(table("users", &["id"], Some("pk_users"))),
    );
}

#[test]
fn a_prefix_and_a_pattern_mixed() {
    let config = Config {
        naming: NamingConvention {
            primary_key: "{table}_pk".into(),
            ..NamingConvention::default()
        },
        ..Config::default()
    };
    assert_eq!(
        diagnostics_with(
            vec![
                Op::CreateTable(table("users", &["id", "email"], Some("users_pk"))),
                Op::CreateIndex(index("ix_users_email", &["email"], false)),
            ],
            &config
        ),
        vec![]
    );
}

#[test]
fn names_in_a_downgrade_are_not_held_to_the_convention() {
    // The upgrade drops legacy objects; the downgrade re-creates them under their legacy names.
    let legacy_table = table("LegacyUsers", &["ID"], Some("legacy_users_pkey"));
    let upgrade = vec![
        Op::DropForeignKey(fk("orders_user_id_fkey")),
        Op::DropCheck(check_constraint("users_age_check")),
        Op::DropUnique(unique("users_email_key")),
        Op::DropIndex(index("UsersEmailIdx", &["email"], false)),
        Op::DropTable(legacy_table.clone()),
    ];
    let downgrade = vec![
        Op::CreateTable(legacy_table),
        Op::CreateIndex(index("UsersEmailIdx", &["email"], false)),
        Op::AddUnique(unique("users_email_key")),
        Op::AddCheck(check_constraint("users_age_check")),
        Op::AddForeignKey(fk("orders_user_id_fkey")),
    ];
    let (_, diagnostics) = check(
        def(
            "0002_drop_legacy",
            &[],
            upgrade,
            DowngradeDef::Ops(downgrade),
        ),
        &Config::default(),
    );
    assert_eq!(naming_only(diagnostics), vec![]);
}

#[test]
fn names_in_a_downgrade_are_held_to_the_length_limit() {
    let name = format!("legacy_{}", "x".repeat(57));
    assert_eq!(name.len(), 64);
    let (_, diagnostics) = check(
        def(
            "0002_drop_legacy",
            &[],
            vec![Op::DropIndex(index(&name, &["email"], false))],
            DowngradeDef::Ops(vec![Op::CreateIndex(index(&name, &["email"], false))]),
        ),
        &Config::default(),
    );
    // The drop too: PostgreSQL would look for the name it truncates to, not this one.
    assert_eq!(
        naming_only(diagnostics),
        vec![
            too_long(Location::new(Section::Upgrade(0), Part::Name), &name),
            too_long(Location::new(Section::Downgrade(0), Part::Name), &name)
        ]
    );
}

#[test]
fn dropped_names_in_an_upgrade_are_not_held_to_the_convention() {
    assert_eq!(
        diagnostics_of(vec![
            Op::DropIndex(index("UsersEmailIdx", &["email"], false)),
            Op::DropUnique(unique("users_email_key")),
        ]),
        vec![]
    );
}

#[test]
fn a_letter_outside_ascii_is_spelled_plainly_or_not_at_all() {
    let help_for = |name: &str| {
        let diagnostics = diagnostics_of(vec![Op::AddColumn {
            table: "users".into(),
            column: column(name),
        }]);
        let case: Vec<Diagnostic> = diagnostics
            .into_iter()
            .filter(|d| d.check == CheckId::IdentifierCase)
            .collect();
        assert_eq!(case.len(), 1, "{name}: {case:#?}");
        case[0].help.clone().unwrap_or_default()
    };
    assert_eq!(help_for("café"), "`cafe`");
    assert_eq!(help_for("Größe"), "`groesse`");
    assert_eq!(help_for("straßeName"), "`strasse_name`");
    assert_eq!(
        help_for("名前"),
        "`名前` has letters outside ASCII that have no plain spelling here: name it with ASCII letters, digits and `_`"
    );
}
