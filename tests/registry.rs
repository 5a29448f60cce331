//! The registrations of a separate migrations crate (`todo-migrations`) survive linking: into this
//! test binary and into the `registry-probe` binary, with the checksums computed at compile time.

use std::process::Command;

use migrate_runtime::core::{checksum, graph};
use migrate_runtime::Migrator;

/// Every migration of `todo-migrations`, parents first.
const EXPECTED: [&str; 8] = [
    "0001_create_users",
    "0002_create_todos",
    "0003_create_sessions",
    "0004_add_todo_priority",
    "0005_index_open_todos",
    "0006_add_archived_status",
    "0007_rename_todos_to_tasks",
    "0008_retire_sessions",
];

fn migrator() -> Migrator {
    Migrator::new(&todo_migrations::MIGRATIONS).expect("todo-migrations forms a valid graph")
}

#[test]
fn test_binary_finds_every_migration_parents_first() {
    let migrator = migrator();
    let ids: Vec<&str> = migrator
        .migrations()
        .iter()
        .map(|m| m.id.as_ref())
        .collect();
    assert_eq!(ids, EXPECTED);
}

#[test]
fn separate_binary_finds_every_migration_parents_first() {
    let output = Command::new(env!("CARGO_BIN_EXE_registry-probe"))
        .output()
        .expect("registry-probe runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "registry-probe failed: {stderr}");
    let stdout = String::from_utf8(output.stdout).expect("registry-probe prints UTF-8");
    let ids: Vec<&str> = stdout.lines().collect();
    assert_eq!(ids, EXPECTED);
}

#[test]
fn compile_time_checksums_match_runtime_recomputation() {
    let migrator = migrator();
    for migration in migrator.migrations() {
        assert_eq!(migration.checksum.len(), 64, "{}", migration.id);
        assert_eq!(
            migration.checksum,
            checksum::of(migration),
            "the checksum of {} computed by `migration!` differs from the runtime's",
            migration.id
        );
    }
}

#[test]
fn graph_has_exactly_one_head() {
    let migrator = migrator();
    let heads: Vec<&str> = graph::heads(migrator.migrations())
        .iter()
        .map(|m| m.id.as_ref())
        .collect();
    assert_eq!(heads, ["0008_retire_sessions"]);
}

/// The example's whole chain folds cleanly: every op finds what earlier migrations made. The
/// safety findings left are the ones its sources waive, with their reasons (waivers are not part
/// of the registered model; the compile checked them).
#[test]
fn the_example_chain_folds_without_a_problem() {
    let migrator = migrator();
    let problems = migrate_runtime::core::fold::fold(migrator.migrations()).expect("a valid graph");
    let found: Vec<(&str, &str)> = problems
        .iter()
        .map(|problem| {
            (
                problem.migration.as_str(),
                problem.diagnostic.check.as_str(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [("0007_rename_todos_to_tasks", "type_change_rechecks")]
    );
}

/// The diesel schema generated from the migrations is what `diesel print-schema` prints for a
/// database migrated by them. `tests/golden/todo_print_schema_*.rs` are real `print-schema`
/// outputs (diesel_cli 2.3.14, on the example's databases migrated to head), without the
/// runtime's own `migrate_*` tables, which the generated module leaves out.
#[test]
fn the_generated_diesel_schema_is_what_diesel_print_schema_prints() {
    use migrate_runtime::core::render::{diesel_schema, Dialect};
    let schema = migrator().schema(None).expect("the schema at head");
    let ours = |dialect| {
        diesel_schema(&schema, dialect).replace(
            "// @generated from the migrations by migrate.",
            "// @generated automatically by Diesel CLI.",
        )
    };
    assert_eq!(
        ours(Dialect::Postgres),
        include_str!("golden/todo_print_schema_postgres.rs")
    );
    // One departure on SQLite, on purpose: a `bigint identity` is declared `INTEGER PRIMARY KEY`,
    // which `print-schema` calls `Integer`; it holds 64-bit values, and `bigint` columns that
    // reference it could not join an `Integer`.
    assert_eq!(
        ours(Dialect::Sqlite),
        include_str!("golden/todo_print_schema_sqlite.rs")
            .replace("id -> Integer,", "id -> BigInt,")
    );
}
