//! Squashes: `replaces: [...]` in the graph and the fold, and the migration `squash` computes for
//! a range (what it builds, what it carries, what it leaves out, and the ranges it refuses).

// A failed `unwrap` in a test is the test failing, with the error in the message.
#![allow(clippy::unwrap_used)]

use migrate_core::check::{check, Config, DowngradeDef, MigrationDef};
use migrate_core::diagnostic::{CheckId, Part, Section};
use migrate_core::fold;
use migrate_core::graph::{self, GraphError, Replacements};
use migrate_core::model::{
    Column, ColumnChange, ColumnType, DefaultValue, EnumPosition, EnumType, ForeignKey, Index,
    Migration, Op, PrimaryKey, ReferentialAction, Rows, Scalar, Table,
};
use migrate_core::squash::{squash, SquashError};

fn def(id: &str, parents: &[&str], replaces: &[&str], upgrade: Vec<Op>) -> MigrationDef {
    MigrationDef {
        id: id.into(),
        parents: parents.iter().map(|parent| parent.to_string()).collect(),
        replaces: replaces.iter().map(|id| id.to_string()).collect(),
        doc: String::new(),
        upgrade,
        downgrade: DowngradeDef::Computed,
        lock_timeout_ms: None,
        statement_timeout_ms: None,
        waivers: vec![],
        adopted_names: false,
    }
}

fn migration(id: &str, parents: &[&str], upgrade: Vec<Op>) -> Migration {
    check(def(id, parents, &[], upgrade), &Config::default()).0
}

fn squash_of(id: &str, parents: &[&str], replaces: &[&str], upgrade: Vec<Op>) -> Migration {
    check(def(id, parents, replaces, upgrade), &Config::default()).0
}

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

fn table(name: &'static str, columns: Vec<Column>) -> Op {
    Op::CreateTable(Table {
        name: name.into(),
        columns: columns.into(),
        primary_key: Some(PrimaryKey {
            name: format!("pk_{name}").into(),
            columns: vec!["id".into()].into(),
        }),
    })
}

fn id_column() -> Column {
    Column {
        identity: true,
        ..column("id", Scalar::BigInt, false)
    }
}

fn ids(migrations: &[&Migration]) -> Vec<String> {
    migrations.iter().map(|m| m.id.to_string()).collect()
}

// ---------------------------------------------------------------------------------------------
// The graph and the fold
// ---------------------------------------------------------------------------------------------

#[test]
fn a_parent_naming_a_replaced_migration_means_the_squash() {
    let users = table("users", vec![id_column()]);
    let squash = squash_of(
        "0003_squash",
        &[],
        &["0001_create_users", "0002_add_name"],
        vec![users],
    );
    let child = migration(
        "0003_add_role",
        &["0002_add_name"],
        vec![Op::AddColumn {
            table: "users".into(),
            column: column("role", Scalar::Text, true),
        }],
    );
    let grandchild = migration("0004_nothing", &["0003_add_role"], vec![]);
    let set = [&grandchild, &child, &squash];
    assert_eq!(
        ids(&graph::order(&set).unwrap()),
        ["0003_squash", "0003_add_role", "0004_nothing"]
    );
    assert_eq!(ids(&graph::heads(&set)), ["0004_nothing"]);
    // The child's table comes from the squash: the fold finds no unknown table and no parent
    // missing.
    assert_eq!(fold::fold(&set).unwrap(), vec![]);
    let schema = fold::schema(&set, Some("0003_add_role")).unwrap();
    assert_eq!(schema.tables[0].columns.len(), 2);
    // The schema at a replaced id is the squash's.
    let at_replaced = fold::schema(&set, Some("0002_add_name")).unwrap();
    assert_eq!(at_replaced.tables[0].columns.len(), 1);

    let replacements = Replacements::of(&set);
    assert_eq!(replacements.resolve("0001_create_users"), "0003_squash");
    assert_eq!(replacements.resolve("0003_add_role"), "0003_add_role");
    assert!(replacements.replacing("0003_add_role").is_none());
}

#[test]
fn a_set_holding_the_squash_and_what_it_replaces_is_refused() {
    let first = migration("0001_create_users", &[], vec![]);
    let second = migration("0002_add_name", &["0001_create_users"], vec![]);
    let squash = squash_of(
        "0003_squash",
        &[],
        &["0001_create_users", "0002_add_name"],
        vec![],
    );
    assert_eq!(
        graph::order(&[&first, &squash]).unwrap_err(),
        vec![GraphError::ReplacedPresent {
            id: "0003_squash".into(),
            replaced: vec!["0001_create_users".into()],
        }]
    );
    let errors = graph::order(&[&first, &second, &squash]).unwrap_err();
    assert_eq!(
        errors[0].to_string(),
        "migration \"0003_squash\" replaces \"0001_create_users\", \"0002_add_name\", which are still registered; delete them (a database part-way through them must first be upgraded by a build that still has them)"
    );

    let again = squash_of("0004_again", &[], &["0002_add_name", "0003_x"], vec![]);
    assert_eq!(
        graph::order(&[&squash, &again]).unwrap_err(),
        vec![GraphError::ReplacedTwice {
            replaced: "0002_add_name".into(),
            by: vec!["0003_squash".into(), "0004_again".into()],
        }]
    );
}

#[test]
fn replaces_is_checked_at_each_id() {
    let (_, diagnostics) = check(
        def(
            "0004_squash",
            &["0001_root"],
            &["0001_root", "0002_B", "0004_squash", "0003_c", "0003_c"],
            vec![],
        ),
        &Config::default(),
    );
    let found: Vec<(CheckId, Section, Part, &str)> = diagnostics
        .iter()
        .map(|d| (d.check, d.at.section, d.at.part, d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (CheckId::MigrationId, Section::Replaces, Part::Value(0), "\"0001_root\" is both a parent of this migration and replaced by it: the parent would stand for this very migration"),
            (CheckId::MigrationId, Section::Replaces, Part::Value(1), "replaced id \"0002_B\" is not lower snake_case after its sequence"),
            (CheckId::MigrationId, Section::Replaces, Part::Value(2), "`replaces` names \"0004_squash\", the migration itself: a migration cannot replace itself"),
            (CheckId::MigrationId, Section::Replaces, Part::Value(4), "`replaces` lists \"0003_c\" twice"),
        ]
    );
}

#[test]
fn replaces_is_in_the_checksum_only_when_given() {
    let plain = migration("0003_squash", &[], vec![]);
    let text = migrate_core::canonical::migration(&plain);
    assert!(!text.contains("replaces"), "{text}");
    let squash = squash_of("0003_squash", &[], &["0001_a", "0002_b"], vec![]);
    assert!(migrate_core::canonical::migration(&squash)
        .starts_with("id: \"0003_squash\"\nparents: []\nreplaces: [\"0001_a\", \"0002_b\"]\n"));
    assert_ne!(plain.checksum, squash.checksum);
}

// ---------------------------------------------------------------------------------------------
// The squash of a range
// ---------------------------------------------------------------------------------------------

/// A chain with a bit of everything the squash handles differently: renames, an enum label,
/// a concurrent index, seed rows, raw SQL, a backfill and a Rust step.
fn chain() -> Vec<Migration> {
    let posts_fk = Op::AddForeignKey(ForeignKey {
        name: "fk_posts_user_id".into(),
        table: "posts".into(),
        columns: vec!["user_id".into()].into(),
        referenced_table: "users".into(),
        referenced_columns: vec!["id".into()].into(),
        on_delete: ReferentialAction::Cascade,
        on_update: ReferentialAction::NoAction,
    });
    let index = |name: &'static str, table: &'static str, column: &'static str, concurrently| {
        Op::CreateIndex(Index {
            name: name.into(),
            table: table.into(),
            columns: vec![column.into()].into(),
            unique: false,
            predicate: None,
            concurrently,
        })
    };
    let rows =
        |table: &'static str, columns: &[&'static str], values: Vec<Vec<DefaultValue>>| Rows {
            table: table.into(),
            columns: columns.iter().map(|c| (*c).into()).collect(),
            values: values.into_iter().map(Into::into).collect(),
        };
    vec![
        migration(
            "0001_create_users",
            &[],
            vec![
                table(
                    "users",
                    vec![
                        id_column(),
                        column("email", Scalar::Text, false),
                        column("name", Scalar::Text, true),
                    ],
                ),
                table(
                    "kinds",
                    vec![
                        column("id", Scalar::BigInt, false),
                        column("label", Scalar::Text, false),
                    ],
                ),
                Op::InsertRows(rows(
                    "kinds",
                    &["id", "label"],
                    vec![vec![
                        DefaultValue::Int("1".into()),
                        DefaultValue::Str("plain".into()),
                    ]],
                )),
                Op::InsertRows(rows(
                    "users",
                    &["email", "name"],
                    vec![vec![
                        DefaultValue::Str("root@example.com".into()),
                        DefaultValue::Null,
                    ]],
                )),
            ],
        ),
        migration(
            "0002_create_posts",
            &["0001_create_users"],
            vec![
                Op::CreateEnum(EnumType {
                    name: "post_state".into(),
                    values: vec!["draft".into(), "published".into()].into(),
                }),
                table(
                    "posts",
                    vec![
                        id_column(),
                        column("user_id", Scalar::BigInt, false),
                        column("title", Scalar::Varchar(200), false),
                        column("state", Scalar::Enum("post_state".into()), false),
                    ],
                ),
                index("ix_posts_user_id", "posts", "user_id", false),
                posts_fk,
                Op::AddCheck(migrate_core::model::CheckConstraint {
                    name: "ck_posts_title_not_blank".into(),
                    table: "posts".into(),
                    expr: "title <> '' AND \"title\" <> 'title'".into(),
                }),
            ],
        ),
        check(
            MigrationDef {
                downgrade: DowngradeDef::Irreversible("test".into()),
                ..def(
                    "0003_grow",
                    &["0002_create_posts"],
                    &[],
                    vec![
                        Op::RenameTable {
                            from: "kinds".into(),
                            to: "post_kinds".into(),
                        },
                        Op::RenameColumn {
                            table: "post_kinds".into(),
                            from: "label".into(),
                            to: "name".into(),
                        },
                        Op::RenameColumn {
                            table: "posts".into(),
                            from: "title".into(),
                            to: "headline".into(),
                        },
                        Op::AddColumn {
                            table: "users".into(),
                            column: column("role", Scalar::Text, true),
                        },
                        Op::Backfill {
                            table: "users".into(),
                            set: "role = 'member'".into(),
                            filter: "role IS NULL".into(),
                            batch_size: 100,
                        },
                        Op::AlterColumn {
                            table: "users".into(),
                            column: "role".into(),
                            change: ColumnChange::SetNotNull,
                        },
                        Op::AddEnumValue {
                            enum_name: "post_state".into(),
                            value: "archived".into(),
                            position: Some(EnumPosition::After("draft".into())),
                        },
                        Op::Execute {
                            up: migrate_core::model::RawSql::Portable(
                                "CREATE VIEW published AS SELECT id FROM posts WHERE state = 'published'".into(),
                            ),
                            down: Some(migrate_core::model::RawSql::Portable(
                                "DROP VIEW published".into(),
                            )),
                        },
                        Op::RunRust {
                            up: "crate::data::fill".into(),
                            down: None,
                        },
                    ],
                )
            },
            &Config::default(),
        )
        .0,
        migration(
            "0004_index_posts",
            &["0003_grow"],
            vec![index("ix_posts_headline", "posts", "headline", true)],
        ),
        migration("0005_later", &["0004_index_posts"], vec![]),
    ]
}

fn refs(migrations: &[Migration]) -> Vec<&Migration> {
    migrations.iter().collect()
}

#[test]
fn a_squash_builds_the_ranges_schema_and_lists_what_it_leaves_out() {
    let migrations = chain();
    let squash = squash(
        &refs(&migrations),
        "0001_create_users",
        "0004_index_posts",
        &Config::default(),
    )
    .unwrap();
    assert_eq!(
        squash.replaces,
        [
            "0001_create_users",
            "0002_create_posts",
            "0003_grow",
            "0004_index_posts"
        ]
    );
    assert!(squash.parents.is_empty());
    assert_eq!(
        migrate_core::canonical::block(&squash.upgrade),
        concat!(
            "    create_enum(post_state, [\"draft\", \"archived\", \"published\"]);\n",
            "    create_table(users, { id: bigint identity, email: text, name: text nullable, role: text }, primary_key: pk_users(id));\n",
            "    create_table(post_kinds, { id: bigint, name: text }, primary_key: pk_kinds(id));\n",
            "    create_table(posts, { id: bigint identity, user_id: bigint, headline: varchar(200), state: enum(post_state) }, primary_key: pk_posts(id));\n",
            // Built concurrently on a live table; here the table is new.
            "    create_index(ix_posts_user_id, posts(user_id));\n",
            "    create_index(ix_posts_headline, posts(headline));\n",
            // Written on the column's last name, as PostgreSQL rewrote it; not in the literal.
            "    add_check(ck_posts_title_not_blank, posts, \"headline <> '' AND \\\"headline\\\" <> 'title'\");\n",
            "    add_foreign_key(fk_posts_user_id, posts(user_id), references: users(id), on_delete: cascade);\n",
            // The rows follow the renames of their table and column.
            "    insert_rows(post_kinds, [{ id: 1, name: \"plain\" }]);\n",
            "    execute(\"CREATE VIEW published AS SELECT id FROM posts WHERE state = 'published'\", down: \"DROP VIEW published\");\n",
        )
    );
    assert_eq!(
        squash.carried_from[squash.carried_from.len() - 2..],
        [Some("0001_create_users".into()), Some("0003_grow".into())]
    );
    let left_out: Vec<String> = squash.left_out.iter().map(ToString::to_string).collect();
    assert_eq!(
        left_out,
        [
            "0001_create_users op 4 `insert_rows(users, [{ email: \"root@example.com\", name: null }])`: its rows have no `role`, which is required at the end of the range: a new database would refuse them",
            "0003_grow op 5 `backfill(users, set: \"role = 'member'\", where: \"role IS NULL\", batch: 100)`: a backfill: it fills rows a new database does not have, and a database that applied 0003_grow ran it already",
            "0003_grow op 9 `run(up: crate::data::fill)`: a Rust data step (`crate::data::fill`): it changes rows a new database does not have, and a database that applied 0003_grow ran it already",
        ]
    );
    assert_eq!(squash.irreversible, None);
    assert_eq!(
        squash.rewritten,
        ["`ck_posts_title_not_blank`: `title <> '' AND \"title\" <> 'title'` → `headline <> '' AND \"headline\" <> 'title'` (0003_grow renamed posts.title to headline)"]
    );

    let source = squash.source("0006_squash", "Everything up to the title index.");
    assert!(source.starts_with(concat!(
        "migrate_runtime::migration! {\n",
        "    /// Everything up to the title index.\n",
        "    ///\n",
        "    /// Replaces 0001_create_users to 0004_index_posts (`migrate squash`): a new database runs this\n",
        "    /// migration alone, and one that applied all of them counts it as applied.\n",
        "    id: \"0006_squash\",\n",
        "    parent: none,\n",
        "    replaces: [\n",
        "        \"0001_create_users\",\n",
    )), "{source}");
    assert!(source.contains("    names: adopted,\n    change {\n        create_enum(post_state, [\"draft\", \"archived\", \"published\"]);\n        create_table(users, {\n            id: bigint identity,\n"), "{source}");
    assert!(source.contains("        // carried from 0001_create_users\n        insert_rows(post_kinds, [{ id: 1, name: \"plain\" }]);\n        // carried from 0003_grow: review\n        execute("), "{source}");

    // The squash is what `migration!` accepts: checked with its own names kept, nothing to say.
    let def = squash.def("0006_squash", String::new(), squash.waivers.clone());
    let (squashed, diagnostics) = check(def, &Config::default());
    assert_eq!(diagnostics, vec![]);
    // And the chain with it in place of the range folds to the same schema.
    let mut rest: Vec<&Migration> = vec![&squashed, &migrations[4]];
    assert_eq!(fold::fold(&rest).unwrap(), vec![]);
    let before = fold::schema(&refs(&migrations), Some("0004_index_posts")).unwrap();
    rest.reverse();
    let after = fold::schema(&rest, Some("0006_squash")).unwrap();
    assert_eq!(after.tables, before.tables);
    assert_eq!(after.enums, before.enums);
    assert_eq!(after.foreign_keys, before.foreign_keys);
    assert_eq!(
        after.indexes.iter().map(|i| &i.name).collect::<Vec<_>>(),
        before.indexes.iter().map(|i| &i.name).collect::<Vec<_>>()
    );
}

#[test]
fn an_op_carried_that_cannot_be_undone_makes_the_squash_irreversible() {
    let migrations = [
        migration(
            "0001_create_settings",
            &[],
            vec![table("settings", vec![column("id", Scalar::BigInt, false)])],
        ),
        check(
            MigrationDef {
                downgrade: DowngradeDef::Irreversible("seed".into()),
                ..def(
                    "0002_seed",
                    &["0001_create_settings"],
                    &[],
                    vec![Op::Execute {
                        up: migrate_core::model::RawSql::Portable(
                            "INSERT INTO settings VALUES (1)".into(),
                        ),
                        down: None,
                    }],
                )
            },
            &Config::default(),
        )
        .0,
    ];
    let squash = squash(
        &refs(&migrations),
        "0001_create_settings",
        "0002_seed",
        &Config::default(),
    )
    .unwrap();
    assert_eq!(
        squash.irreversible.as_deref(),
        Some("`execute(\"INSERT INTO settings VALUES (1)\")`, carried from 0002_seed, cannot be undone: raw SQL has no known inverse unless `down:` gives one")
    );
    let source = squash.source("0003_squash", "");
    assert!(source.contains("    upgrade {\n"), "{source}");
    assert!(source.ends_with("    downgrade {\n        irreversible(\"`execute(\\\"INSERT INTO settings VALUES (1)\\\")`, carried from 0002_seed, cannot be undone: raw SQL has no known inverse unless `down:` gives one\");\n    }\n}\n"), "{source}");
    let (_, diagnostics) = check(
        squash.def("0003_squash", String::new(), squash.waivers.clone()),
        &Config::default(),
    );
    assert_eq!(diagnostics, vec![]);
}

#[test]
fn ranges_that_are_not_one_line_from_the_first_migration_are_refused() {
    let migrations = chain();
    let set = refs(&migrations);
    let refused = |from: &str, to: &str| {
        squash(&set, from, to, &Config::default())
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        refused("0002_create_posts", "0004_index_posts"),
        "a squash must start at the first migration: 0002_create_posts has parents (0001_create_users), so the squash would run on databases that have rows, where it must do what each migration of the range did (a rename as a rename, a backfill, a data step), which the schema at its end does not say; squash from the first migration"
    );
    assert_eq!(
        refused("0004_index_posts", "0002_create_posts"),
        "0004_index_posts is not an ancestor of 0002_create_posts: a squash replaces a run of migrations, each the parent of the next, from the first to the last"
    );
    assert_eq!(
        squash(&set, "0001_create_users", "0009_nope", &Config::default()).unwrap_err(),
        SquashError::Unknown("0009_nope".into())
    );

    // A branch leaving the range, and a merge inside it.
    let mut branched = chain();
    branched.push(migration("0004_side", &["0002_create_posts"], vec![]));
    assert_eq!(
        squash(&refs(&branched), "0001_create_users", "0003_grow", &Config::default())
            .unwrap_err()
            .to_string(),
        "0002_create_posts has children outside the range (0004_side): they would build on the whole squash instead of on 0002_create_posts; end the range at 0002_create_posts, or merge the branches first"
    );
    branched.push(migration(
        "0006_merge",
        &["0005_later", "0004_side"],
        vec![],
    ));
    assert_eq!(
        squash(
            &refs(&branched),
            "0001_create_users",
            "0006_merge",
            &Config::default()
        )
        .unwrap_err(),
        SquashError::Merge {
            id: "0006_merge".into(),
            parents: vec!["0005_later".into(), "0004_side".into()],
        }
    );

    // A squash inside the range: its rows may stand for it in a database.
    let squashed = [
        squash_of("0002_squash", &[], &["0001_a"], vec![]),
        migration("0003_b", &["0002_squash"], vec![]),
    ];
    assert_eq!(
        squash(
            &refs(&squashed),
            "0002_squash",
            "0003_b",
            &Config::default()
        )
        .unwrap_err(),
        SquashError::Nested {
            id: "0002_squash".into()
        }
    );
}

#[test]
fn raw_sql_that_makes_a_table_or_runs_outside_a_transaction_is_refused() {
    let raw = |sql: &str| Op::Execute {
        up: migrate_core::model::RawSql::Portable(sql.to_owned().into()),
        down: Some(migrate_core::model::RawSql::Portable("SELECT 1".into())),
    };
    let opaque = [
        migration(
            "0001_raw",
            &[],
            vec![raw("CREATE TABLE legacy (id bigint)")],
        ),
        migration(
            "0002_add",
            &["0001_raw"],
            vec![Op::AddColumn {
                table: "legacy".into(),
                column: column("note", Scalar::Text, true),
            }],
        ),
    ];
    assert_eq!(
        squash(&refs(&opaque), "0001_raw", "0002_add", &Config::default()).unwrap_err(),
        SquashError::OpaqueTables {
            tables: vec!["legacy".into()]
        }
    );
    let concurrent = [migration(
        "0001_raw",
        &[],
        vec![raw("CREATE INDEX CONCURRENTLY ix_t_a ON t (a)")],
    )];
    assert_eq!(
        squash(&refs(&concurrent), "0001_raw", "0001_raw", &Config::default())
            .unwrap_err()
            .to_string(),
        "0001_raw runs `execute(\"CREATE INDEX CONCURRENTLY ix_t_a ON t (a)\", down: \"SELECT 1\")` outside any transaction, which cannot share the squash's with the rest: end the range before 0001_raw"
    );
}

#[test]
fn a_rule_the_range_broke_is_waived_on_the_op_that_breaks_it_again() {
    // The range waived `json_column` where it made the column (the waiver is the file's, not
    // the model's): the squash makes it too, and says why it may.
    let migrations = [
        migration(
            "0001_create_events",
            &[],
            vec![table("events", vec![column("id", Scalar::BigInt, false)])],
        ),
        migration(
            "0002_add_payload",
            &["0001_create_events"],
            vec![Op::AddColumn {
                table: "events".into(),
                column: column("payload", Scalar::Json, true),
            }],
        ),
    ];
    let squash = squash(
        &refs(&migrations),
        "0001_create_events",
        "0002_add_payload",
        &Config::default(),
    )
    .unwrap();
    assert_eq!(squash.waivers.len(), 1);
    assert_eq!(squash.waivers[0].section, Section::Upgrade(0));
    assert_eq!(squash.waivers[0].checks, [CheckId::JsonColumn]);
    assert!(squash.source("0003_squash", "").contains(
        "        #[allow(json_column, reason = \"the migrations this one replaces built it so (0001_create_events to 0002_add_payload): see their reasons there\")]\n        create_table(events, {\n"
    ));
    let (_, without) = check(
        squash.def("0003_squash", String::new(), Vec::new()),
        &Config::default(),
    );
    assert_eq!(without[0].check, CheckId::JsonColumn);
    let (_, with) = check(
        squash.def("0003_squash", String::new(), squash.waivers.clone()),
        &Config::default(),
    );
    assert_eq!(with, vec![]);
}

#[test]
fn a_squash_that_would_not_compile_is_refused_with_the_reasons() {
    // Checked for MySQL, which has no `interval`: a rule no waiver silences (the range broke it
    // too, but a crate that lists MySQL since then must fix it before squashing).
    let migrations = [migration(
        "0001_create_jobs",
        &[],
        vec![table(
            "jobs",
            vec![
                column("id", Scalar::BigInt, false),
                column("wait", Scalar::Interval, true),
            ],
        )],
    )];
    let config = Config {
        targets: vec![migrate_core::render::Dialect::Mysql],
        ..Config::default()
    };
    let error = squash(
        &refs(&migrations),
        "0001_create_jobs",
        "0001_create_jobs",
        &config,
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.starts_with("the squash would not compile:\n  ")
            && error.contains("[mysql_unsupported]"),
        "{error}"
    );
}
