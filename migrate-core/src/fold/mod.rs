//! The fold: every migration of a chain applied, op by op, to one closed schema that starts
//! empty, so that what one `migration!` cannot know on its own (the tables, columns and names the
//! earlier migrations made) is checked too.
//!
//! Each migration is folded onto the schema its parents leave: a linear chain carries one schema
//! along; a merge replays all of its ancestors in the graph's order, so two branches that define
//! the same object differently meet there. An `execute` makes what its SQL names opaque (its
//! effect is the author's promise), never guessed.
//!
//! The rules are plain functions over the model, shared by `migrations!()` (compile time), the
//! runtime and the CLI.

pub mod autogenerate;
pub mod catalog;
mod drift;
mod mysql;
mod postgres;
mod schema;
pub mod style;

pub use drift::{
    compare, expected, mysql_referential_action, normalize_default, type_name, Difference,
    ForeignKeyFacts, Objects,
};
pub use schema::{apply, schema, simulation_at, Schema};

use std::collections::{BTreeMap, BTreeSet};

use crate::check::values;
use crate::diagnostic::{CheckId, Diagnostic, Location, Part, Section};
use crate::graph::{self, GraphError};
use crate::model::{ColumnChange, ColumnType, DefaultValue, Migration, Op, Scalar};
use crate::render::Dialect;
use crate::schema::Simulation;

/// A problem the chain has at one migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainProblem {
    /// The migration the problem is in.
    pub migration: String,
    pub diagnostic: Diagnostic,
}

/// Folds `migrations` in graph order and returns every problem, or the graph's own errors
/// (duplicate ids, unknown parents, cycles) when it cannot be ordered.
///
/// ```
/// use migrate_core::check::{check, Config, DowngradeDef, MigrationDef};
/// use migrate_core::model::{Column, ColumnType, Op, Scalar};
///
/// let migration = |id: &str, parents: &[&str], upgrade: Vec<Op>| {
///     let def = MigrationDef {
///         id: id.into(),
///         parents: parents.iter().map(|parent| parent.to_string()).collect(),
///         replaces: vec![],
///         doc: String::new(),
///         upgrade,
///         downgrade: DowngradeDef::Computed,
///         lock_timeout_ms: None,
///         statement_timeout_ms: None,
///         waivers: vec![],
///         adopted_names: false,
///     };
///     check(def, &Config::default()).0
/// };
/// let role = Column { name: "role".into(), ty: ColumnType::Scalar(Scalar::Text), nullable: true, default: None, identity: false, generated: None };
/// let first = migration("0001_start", &[], vec![]);
/// let second = migration("0002_add_role", &["0001_start"], vec![Op::AddColumn { table: "users".into(), column: role }]);
///
/// // No migration creates `users`: the fold says so, at 0002.
/// let problems = migrate_core::fold::fold(&[&first, &second]).unwrap();
/// assert_eq!(problems[0].migration, "0002_add_role");
/// assert!(problems[0].diagnostic.message.starts_with("table `users` does not exist at this point of the chain"));
/// ```
pub fn fold(migrations: &[&Migration]) -> Result<Vec<ChainProblem>, Vec<GraphError>> {
    fold_for(migrations, &[])
}

/// [`fold`], with the rules of each dialect in `targets` that has its own (MySQL's and
/// PostgreSQL's): the backends the migrations must run on, `package.metadata.migrate.targets`.
/// No targets means PostgreSQL and SQLite.
///
/// ```
/// use migrate_core::check::{check, Config, DowngradeDef, MigrationDef};
/// use migrate_core::model::{Column, ColumnType, Op, Scalar};
/// use migrate_core::render::Dialect;
///
/// let wait = Column { name: "wait".into(), ty: ColumnType::Scalar(Scalar::Interval), nullable: true, default: None, identity: false, generated: None };
/// let def = MigrationDef {
///     id: "0001_create_jobs".into(), parents: vec![], replaces: vec![], doc: String::new(),
///     upgrade: vec![Op::CreateTable(migrate_core::model::Table { name: "jobs".into(), columns: vec![wait].into(), primary_key: None })],
///     downgrade: DowngradeDef::Computed, lock_timeout_ms: None, statement_timeout_ms: None, waivers: vec![], adopted_names: false,
/// };
/// let migration = check(def, &Config::default()).0;
/// assert!(migrate_core::fold::fold(&[&migration]).unwrap().is_empty());
/// let on_mysql = migrate_core::fold::fold_for(&[&migration], &[Dialect::Mysql]).unwrap();
/// assert_eq!(on_mysql[0].diagnostic.check.as_str(), "mysql_unsupported");
/// ```
pub fn fold_for(
    migrations: &[&Migration],
    targets: &[Dialect],
) -> Result<Vec<ChainProblem>, Vec<GraphError>> {
    fold_with(migrations, targets, false)
}

/// [`fold_for`], with the style lints when `pedantic` ([`style`]).
pub fn fold_with(
    migrations: &[&Migration],
    targets: &[Dialect],
    pedantic: bool,
) -> Result<Vec<ChainProblem>, Vec<GraphError>> {
    let dialects = Dialects {
        pedantic,
        mysql: targets.contains(&Dialect::Mysql),
        postgres: targets.is_empty() || targets.contains(&Dialect::Postgres),
        // The runtime runs every chain on SQLite unless the crate names its targets without it.
        sqlite: targets.is_empty() || targets.contains(&Dialect::Sqlite),
    };
    let ordered = graph::order(migrations)?;
    let replacements = graph::Replacements::of(&ordered);
    let position: BTreeMap<&str, usize> = ordered
        .iter()
        .enumerate()
        .map(|(index, migration)| (migration.id.as_ref(), index))
        .collect();
    let mut children_left: BTreeMap<&str, usize> = BTreeMap::new();
    for migration in &ordered {
        for parent in replacements.parents(migration) {
            *children_left.entry(parent).or_default() += 1;
        }
    }
    let mut after: BTreeMap<&str, Simulation> = BTreeMap::new();
    let mut problems = Vec::new();
    // What each migration reported when folded on its own branch, to tell a merge's conflicts.
    let mut reported: BTreeSet<(String, String)> = BTreeSet::new();
    for migration in &ordered {
        let mut schema = match replacements.parents(migration).as_slice() {
            [] => Simulation::closed(),
            [parent] => {
                let left = children_left.get_mut(parent).map(|left| {
                    *left -= 1;
                    *left
                });
                match left {
                    Some(0) => after.remove(parent),
                    _ => after.get(parent).cloned(),
                }
                .unwrap_or_else(Simulation::closed)
            }
            _ => merged(
                migration,
                &ordered,
                &position,
                &replacements,
                &reported,
                &mut problems,
            ),
        };
        for problem in fold_one(&mut schema, migration, dialects) {
            reported.insert((
                problem.migration.clone(),
                problem.diagnostic.message.clone(),
            ));
            problems.push(problem);
        }
        after.insert(&migration.id, schema);
    }
    Ok(problems)
}

/// The targets whose own rules the fold applies.
#[derive(Debug, Clone, Copy, Default)]
struct Dialects {
    pedantic: bool,
    mysql: bool,
    postgres: bool,
    sqlite: bool,
}

/// Applies one migration's upgrade to `schema`, with the rules that need the chain, and those of
/// MySQL, PostgreSQL and SQLite where they are targets.
fn fold_one(
    schema: &mut Simulation,
    migration: &Migration,
    dialects: Dialects,
) -> Vec<ChainProblem> {
    let mut found = Vec::new();
    let new_tables = crate::model::on_new_table(&migration.upgrade);
    for (index, op) in migration.upgrade.iter().enumerate() {
        let section = Section::Upgrade(index);
        found.extend(types_across(schema, op, section));
        if dialects.sqlite {
            found.extend(sqlite_identity_key(schema, op, section));
        }
        if !new_tables[index] {
            found.extend(type_change_rechecks(schema, op, section));
        }
        if dialects.mysql {
            found.extend(mysql::rules(schema, op, section, new_tables[index]));
        }
        if dialects.postgres {
            found.extend(postgres::rules(op, section));
        }
        schema.apply_at(op, section);
        found.extend(schema.take_problems().into_iter().map(in_chain));
    }
    // Once the migration is applied: an index it creates after its foreign key counts.
    for (index, op) in migration.upgrade.iter().enumerate() {
        if let Op::AddForeignKey(fk) = op {
            let columns: Vec<&str> = fk.columns.iter().map(AsRef::as_ref).collect();
            if !schema.has_index_leading_with(&fk.table, &columns) {
                found.push(
                    Diagnostic::new(
                        CheckId::ForeignKeyWithoutIndex,
                        Location::new(Section::Upgrade(index), Part::Whole),
                        format!(
                            "no index of the chain starts with `{}({})`: every delete or key update in `{}` scans `{}` while holding its locks",
                            fk.table,
                            fk.columns.join(", "),
                            fk.referenced_table,
                            fk.table
                        ),
                    )
                    .help(format!(
                        "create one first, in its own migration on a live table: `create_index(ix_{}_{}, {}({}), concurrently)`",
                        fk.table,
                        fk.columns.join("_"),
                        fk.table,
                        fk.columns.join(", ")
                    )),
                );
            }
        }
    }
    if dialects.pedantic {
        found.extend(style::lints(migration, dialects.mysql));
    }
    found
        .into_iter()
        .map(|diagnostic| ChainProblem {
            migration: migration.id.to_string(),
            diagnostic,
        })
        .collect()
}

/// A type change PostgreSQL does without a rewrite still re-checks, row by row under an ACCESS
/// EXCLUSIVE lock, every check constraint that names the column.
fn type_change_rechecks(schema: &Simulation, op: &Op, section: Section) -> Option<Diagnostic> {
    let Op::AlterColumn {
        table,
        column,
        change: ColumnChange::SetType { to, from, using },
    } = op
    else {
        return None;
    };
    if !crate::check::keeps_values(from, to, using.as_deref(), column) {
        return None;
    }
    let checks = schema.checks_naming(table, column);
    let first = checks.first()?;
    Some(
        Diagnostic::new(
            CheckId::TypeChangeRechecks,
            Location::new(section, Part::Type),
            format!(
                "changing `{table}.{column}` to `{to}` keeps its values, but PostgreSQL re-checks {} on every row of `{table}` under an ACCESS EXCLUSIVE lock: reads and writes wait for the scan",
                checks.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ")
            ),
        )
        .help(format!(
            "drop the check, change the type, then add the check again (added to a live table, it is validated without blocking writes): `drop_check({first}, …)`, then this change, then `add_check({first}, …)`; or waive it with a reason: `#[allow(type_change_rechecks, reason = \"…\")]`"
        )),
    )
}

/// SQLite increments only a column declared `INTEGER PRIMARY KEY`, which makes it the rowid:
/// the key of an identity column is what gives it its values, and cannot be dropped.
fn sqlite_identity_key(schema: &Simulation, op: &Op, section: Section) -> Option<Diagnostic> {
    let Op::DropPrimaryKey { table, key } = op else {
        return None;
    };
    let [column] = key.columns.as_ref() else {
        return None;
    };
    let identity = schema.column(table, column)?.identity?;
    identity.then(|| {
        Diagnostic::new(
            CheckId::SqliteUnsupported,
            Location::new(section, Part::Name),
            format!("on SQLite, `{table}.{column}` is an identity column, so `{}` is its rowid, the very thing that numbers new rows: SQLite cannot drop it", key.name),
        )
        .help(format!("keep the key; or move `{table}` to a new table keyed as you want (`create_table`, copy the rows with `execute(\"INSERT … SELECT …\")`, drop the old one); or leave SQLite out of `targets` in `[package.metadata.migrate]`"))
    })
}

/// The schema at a merge: every ancestor replayed in graph order. A problem that none of them
/// had on its own branch comes from joining the branches, and is reported at the merge.
fn merged(
    merge: &Migration,
    ordered: &[&Migration],
    position: &BTreeMap<&str, usize>,
    replacements: &graph::Replacements<'_>,
    reported: &BTreeSet<(String, String)>,
    problems: &mut Vec<ChainProblem>,
) -> Simulation {
    let mut ancestors = BTreeSet::new();
    let mut stack: Vec<&str> = replacements.parents(merge);
    while let Some(id) = stack.pop() {
        if let Some(&index) = position.get(id) {
            if ancestors.insert(index) {
                stack.extend(replacements.parents(ordered[index]));
            }
        }
    }
    let mut schema = Simulation::closed();
    for index in ancestors {
        let ancestor = ordered[index];
        for problem in fold_one(&mut schema, ancestor, Dialects::default()) {
            let key = (
                problem.migration.clone(),
                problem.diagnostic.message.clone(),
            );
            if reported.contains(&key) {
                continue;
            }
            let op = match problem.diagnostic.at.section {
                Section::Upgrade(op) => op + 1,
                _ => 0,
            };
            problems.push(ChainProblem {
                migration: merge.id.to_string(),
                diagnostic: Diagnostic::new(
                    CheckId::MergeConflict,
                    Location::new(Section::Parents, Part::Whole),
                    format!(
                        "the branches this migration merges do not fit together: at op {op} of {}, {}",
                        ancestor.id, problem.diagnostic.message
                    ),
                )
                .help("make the branches agree (rename one of the objects, or drop the duplicate in one branch) before merging them"),
            });
        }
    }
    schema
}

/// The closed schema's own problems, under the rule ids of the chain.
fn in_chain(diagnostic: Diagnostic) -> Diagnostic {
    let (check, help) = match diagnostic.check {
        CheckId::UnknownReference => (
            CheckId::UnknownInChain,
            "create it in an earlier migration, fix the name, or, if raw SQL makes it, name it in an `execute` before this op",
        ),
        CheckId::DuplicateName => (
            CheckId::DuplicateInChain,
            "choose another name, or drop the existing object first",
        ),
        _ => (
            CheckId::DefinitionMismatch,
            "record the definition the chain built: it is what a downgrade restores",
        ),
    };
    Diagnostic {
        check,
        help: Some(help.to_owned()),
        ..diagnostic
    }
}

/// Rules on column types that only the chain knows: a foreign key's columns against the ones
/// they reference, and a default set on an existing column.
fn types_across(schema: &Simulation, op: &Op, section: Section) -> Vec<Diagnostic> {
    let type_of = |table: &str, column: &str| -> Option<ColumnType> {
        schema
            .column(table, column)
            .and_then(|facts| facts.ty.clone())
    };
    match op {
        Op::AddForeignKey(fk) => fk
            .columns
            .iter()
            .zip(fk.referenced_columns.iter())
            .enumerate()
            .filter_map(|(position, (column, referenced))| {
                let ours = type_of(&fk.table, column)?;
                let theirs = type_of(&fk.referenced_table, referenced)?;
                let comparable = |ty: &ColumnType| match ty {
                    // `integer` identity references from `bigint` columns are the common case
                    // worth flagging; exact equality is what the join needs to use an index.
                    ColumnType::Scalar(scalar) => scalar.to_string(),
                    other => other.to_string(),
                };
                (comparable(&ours) != comparable(&theirs)).then(|| {
                    Diagnostic::new(
                        CheckId::ForeignKeyTypeMismatch,
                        Location::new(section, Part::Column(position)),
                        format!(
                            "`{}.{column}` is `{ours}` but the column it references, `{}.{referenced}`, is `{theirs}`: joins compare across types and the foreign key's index cannot serve them",
                            fk.table, fk.referenced_table
                        ),
                    )
                    .help(format!("make `{}.{column}` `{theirs}` (in the migration that creates it, or with `alter_column(…, set_type(…))` first)", fk.table))
                })
            })
            .collect(),
        Op::AlterColumn {
            table,
            column,
            change: ColumnChange::SetDefault { to, .. },
        } => match type_of(table, column) {
            Some(ty) => {
                let at = Location::new(section, Part::Value(0));
                let mut found = values::default_problems(to, &ty, at);
                found.extend(enum_label(schema, to, &ty, at));
                found
            }
            None => Vec::new(),
        },
        Op::AddColumn { column, .. } => column
            .default
            .as_ref()
            .and_then(|default| {
                enum_label(schema, default, &column.ty, Location::new(section, Part::Value(0)))
            })
            .into_iter()
            .collect(),
        Op::CreateTable(table) => table
            .columns
            .iter()
            .enumerate()
            .filter_map(|(position, column)| {
                let default = column.default.as_ref()?;
                enum_label(schema, default, &column.ty, Location::new(section, Part::Value(position)))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A text default of an enum column must be one of the enum's labels as the chain has them.
fn enum_label(
    schema: &Simulation,
    default: &DefaultValue,
    ty: &ColumnType,
    at: Location,
) -> Option<Diagnostic> {
    let (DefaultValue::Str(label), ColumnType::Scalar(Scalar::Enum(name))) = (default, ty) else {
        return None;
    };
    if schema.enum_has(name, label)? {
        return None;
    }
    Some(
        Diagnostic::new(
            CheckId::DefaultTypeMismatch,
            at,
            format!("`default({default})` is not a value of enum `{name}` at this point of the chain: PostgreSQL refuses it (\"invalid input value for enum\")"),
        )
        .help(format!("use one of the enum's values, or add it first with `add_enum_value({name}, {default})` in an earlier migration")),
    )
}
