//! Style lints: conventions a team opts into with `pedantic = true` in
//! `[package.metadata.migrate]` (or `#![pedantic]` on an inline set), as clippy's pedantic group.
//! They are not dangers, so they are off by default; those about an op are waivable on it.
//!
//! - `integer_primary_key`, `small_identity`: a 32-bit or 16-bit key runs out (2,147,483,647
//!   rows for `integer`), and widening it later rewrites the table and every foreign key to it.
//! - `varchar_length`: a length in the type makes changing the limit a type change; `text` with a
//!   check keeps it a constraint, swapped without blocking writes. Not on MySQL targets, whose keys
//!   need bounded columns.
//! - `missing_lock_timeout`: a migration that locks existing tables says how long it may wait.

use crate::diagnostic::{CheckId, Diagnostic, Location, Part, Section};
use crate::model::{on_new_table, Column, ColumnType, Migration, Op, Scalar};

/// The style lints of one migration; `mysql`: MySQL is a target.
pub(super) fn lints(migration: &Migration, mysql: bool) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (index, op) in migration.upgrade.iter().enumerate() {
        let section = Section::Upgrade(index);
        let columns: Vec<(usize, &Column)> = match op {
            Op::CreateTable(table) => table.columns.iter().enumerate().collect(),
            Op::AddColumn { column, .. } => vec![(0, column)],
            _ => Vec::new(),
        };
        for (position, column) in columns {
            let at = Location::new(section, Part::Column(position));
            found.extend(small_identity(column, at));
            if !mysql {
                found.extend(varchar_length(op, column, at));
            }
        }
        let key = match op {
            Op::CreateTable(table) => table
                .primary_key
                .as_ref()
                .map(|key| (&table.name, key, Some(&table.columns))),
            Op::AddPrimaryKey { table, key } => Some((table, key, None)),
            _ => None,
        };
        if let Some((table, key, declared)) = key {
            let narrow = key.columns.iter().find(|name| {
                declared
                    .and_then(|columns| columns.iter().find(|column| &column.name == *name))
                    .is_some_and(|column| narrow_integer(&column.ty))
            });
            if let Some(column) = narrow {
                found.push(
                    Diagnostic::new(
                        CheckId::IntegerPrimaryKey,
                        Location::new(section, Part::Name),
                        format!("`{table}` is keyed by `{column}`, a 32-bit (or smaller) integer: it runs out at 2,147,483,647, and widening it then rewrites the table and every foreign key to it"),
                    )
                    .help(format!("declare `{column}: bigint`; or `#[allow(integer_primary_key, reason = \"…\")]`")),
                );
            }
        }
    }
    let locks_live_tables = on_new_table(&migration.upgrade)
        .iter()
        .zip(migration.upgrade.iter())
        .any(|(new, op)| !new && op.table().is_some() && !matches!(op, Op::CreateTable(_)));
    if locks_live_tables && migration.lock_timeout_ms.is_none() {
        found.push(
            Diagnostic::new(
                CheckId::MissingLockTimeout,
                Location::op(Section::Id),
                format!("`{}` locks tables that already exist but does not say how long it may wait for them: it gets the runtime's default", migration.id),
            )
            .help("say it beside `id:`, e.g. `lock_timeout: \"2s\"` (and `statement_timeout:` for long statements)"),
        );
    }
    found
}

fn narrow_integer(ty: &ColumnType) -> bool {
    matches!(ty, ColumnType::Scalar(Scalar::SmallInt | Scalar::Integer))
}

fn small_identity(column: &Column, at: Location) -> Option<Diagnostic> {
    (column.identity && narrow_integer(&column.ty)).then(|| {
        Diagnostic::new(
            CheckId::SmallIdentity,
            at,
            format!("identity column `{}` is `{}`: its sequence runs out (at 2,147,483,647 for `integer`), and widening it then rewrites the table", column.name, column.ty),
        )
        .help(format!("declare `{}: bigint identity`; or `#[allow(small_identity, reason = \"…\")]`", column.name))
    })
}

fn varchar_length(op: &Op, column: &Column, at: Location) -> Option<Diagnostic> {
    let ColumnType::Scalar(Scalar::Varchar(length)) = column.ty else {
        return None;
    };
    let table = op.table()?;
    let name = &column.name;
    Some(
        Diagnostic::new(
            CheckId::VarcharLength,
            at,
            format!("`{table}.{name}` puts its limit in the type, `varchar({length})`: changing the limit later is a type change, a rewrite to shorten it and a re-check of every check that names it"),
        )
        .help(format!("declare `{name}: text` and the limit as a check, which can be swapped without blocking writes: `add_check(ck_{table}_{name}_length, {table}, \"char_length({name}) <= {length}\")`; or `#[allow(varchar_length, reason = \"…\")]`")),
    )
}
