//! The rules for PostgreSQL, checked when a set of migrations lists `postgres` among its targets
//! or names none (PostgreSQL and SQLite are the default targets, as for `execute`).
//!
//! They run in the fold, as MySQL's do, because the targets are the set's (`migrations!`'s
//! `#![targets = …]` or `package.metadata.migrate.targets`), which a `migration!` on its own
//! does not see. What they refuse the renderer writes as `Step::Unsupported` too, so a migration
//! that no set checked is refused on PostgreSQL before its first statement rather than halfway.

use crate::diagnostic::{CheckId, Diagnostic, Location, Part, Section};
use crate::model::{Column, Op};

/// The problems of `op` on PostgreSQL.
pub(super) fn rules(op: &Op, section: Section) -> Vec<Diagnostic> {
    let columns: Vec<(usize, &Column)> = match op {
        Op::CreateTable(table) => table.columns.iter().enumerate().collect(),
        Op::AddColumn { column, .. } => vec![(0, column)],
        _ => return Vec::new(),
    };
    columns
        .into_iter()
        .filter_map(|(position, column)| {
            let generated = column.generated.as_ref().filter(|generated| !generated.stored)?;
            Some(
                Diagnostic::new(
                    CheckId::PostgresUnsupported,
                    Location::new(section, Part::Value(position)),
                    format!(
                        "`{}` is a virtual generated column, which PostgreSQL has only from version 18, and `postgres` is a target of these migrations",
                        column.name
                    ),
                )
                .help(format!(
                    "store it: `{}: {} generated({:?}) stored`; or, when these migrations never run on PostgreSQL, leave `postgres` out of their targets",
                    column.name, column.ty, generated.expr
                )),
            )
        })
        .collect()
}
