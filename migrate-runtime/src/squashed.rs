//! The version table as a build with squashes reads it.
//!
//! A squash (`replaces: [...]`) stands for migrations whose files are gone. A database that
//! applied all of them before the squash existed records them, not the squash: it is read as
//! having applied the squash, recorded as those rows, and nothing runs. A database that applied
//! some of them but not all is part-way through a range this build can only run whole: it is
//! refused, and the build that still has the originals must take it to the end of the range
//! first. A database that applied none of them runs the squash and records its own row.
//!
//! The rows stay as they are (the runtime never rewrites history it did not make): a build that
//! still has the originals, rolled back to, finds them as it left them. Their checksums cannot be
//! checked (this build does not have those migrations), so they count as what the squash says.

use std::collections::BTreeSet;

use migrate_core::model::Migration;

use crate::planner::Graph;
use crate::version_table::AppliedRow;
use crate::Error;

/// The applied set as this build reads it.
#[derive(Debug, Default)]
pub(crate) struct Recorded {
    /// Each applied migration once, oldest first: a squash recorded as the migrations it replaces
    /// appears under its own id, with [`AppliedRow::recorded_as`] naming those rows.
    pub(crate) rows: Vec<AppliedRow>,
    /// Squashes part of whose replaced migrations are recorded (those rows are in no `rows`).
    pub(crate) partial: Vec<Partial>,
}

/// A squash of which the database applied some replaced migrations but not all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Partial {
    pub(crate) squash: &'static Migration,
    /// The replaced migrations the version table records, in the squash's order.
    pub(crate) applied: Vec<String>,
    /// The others.
    pub(crate) missing: Vec<String>,
}

impl Partial {
    pub(crate) fn error(&self) -> Error {
        Error::PartlySquashed {
            id: self.squash.id.to_string(),
            applied: self.applied.clone(),
            missing: self.missing.clone(),
        }
    }
}

impl Recorded {
    /// The rows, refusing a database part-way through a squashed range.
    pub(crate) fn whole(self) -> Result<Vec<AppliedRow>, Error> {
        match self.partial.first() {
            Some(partial) => Err(partial.error()),
            None => Ok(self.rows),
        }
    }
}

/// Reads `rows` (the version table, oldest first) with `graph`'s squashes.
pub(crate) fn read(rows: Vec<AppliedRow>, graph: &Graph<'_>) -> Recorded {
    if !graph.has_replacements() {
        return Recorded {
            rows,
            partial: Vec::new(),
        };
    }
    let ids: BTreeSet<&str> = rows.iter().map(|row| row.id.as_str()).collect();
    // Rows that stand for a squash, the squash each last one completes, and the partial ones.
    let mut absorbed: BTreeSet<String> = BTreeSet::new();
    let mut completes: Vec<(String, &'static Migration)> = Vec::new();
    let mut partial = Vec::new();
    for squash in graph.squashes() {
        let (applied, missing): (Vec<String>, Vec<String>) = squash
            .replaces
            .iter()
            .map(ToString::to_string)
            .partition(|id| ids.contains(id.as_str()));
        if applied.is_empty() {
            continue;
        }
        absorbed.extend(applied.iter().cloned());
        if ids.contains(squash.id.as_ref()) {
            // Its own row records it; the rows of what it replaces are left-overs it stands for.
            continue;
        }
        if missing.is_empty() {
            let last = rows
                .iter()
                .rev()
                .find(|row| applied.contains(&row.id))
                .map(|row| row.id.clone())
                .unwrap_or_default();
            completes.push((last, squash));
        } else {
            partial.push(Partial {
                squash,
                applied,
                missing,
            });
        }
    }
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        if !absorbed.contains(&row.id) {
            out.push(row.clone());
            continue;
        }
        for (_, squash) in completes.iter().filter(|(last, _)| *last == row.id) {
            let recorded: Vec<&AppliedRow> = rows
                .iter()
                .filter(|row| squash.replaces.iter().any(|id| *id == row.id))
                .collect();
            out.push(AppliedRow {
                id: squash.id.to_string(),
                checksum: squash.checksum.to_string(),
                applied_at: row.applied_at.clone(),
                execution_ms: recorded.iter().map(|row| row.execution_ms).sum(),
                recorded_as: squash.replaces.iter().map(ToString::to_string).collect(),
            });
        }
    }
    Recorded { rows: out, partial }
}

#[cfg(test)]
mod tests {
    use super::*;
    use migrate_core::model::{Downgrade, Mode};

    fn leak(
        id: &'static str,
        parents: &[&'static str],
        replaces: &[&'static str],
    ) -> &'static Migration {
        Box::leak(Box::new(Migration {
            id: id.into(),
            parents: parents.iter().map(|p| (*p).into()).collect(),
            replaces: replaces.iter().map(|r| (*r).into()).collect(),
            doc: "".into(),
            upgrade: vec![].into(),
            downgrade: Downgrade::Ops(vec![].into()),
            mode: Mode::Transactional,
            lock_timeout_ms: None,
            statement_timeout_ms: None,
            checksum: format!("{id}-checksum").into(),
        }))
    }

    fn row(id: &str, at: &str, ms: i64) -> AppliedRow {
        AppliedRow {
            id: id.into(),
            checksum: "old".into(),
            applied_at: at.into(),
            execution_ms: ms,
            recorded_as: Vec::new(),
        }
    }

    fn ids(rows: &[AppliedRow]) -> Vec<&str> {
        rows.iter().map(|row| row.id.as_str()).collect()
    }

    #[test]
    fn every_replaced_row_reads_as_the_squash_and_the_rest_stays() {
        let squash = leak("0003_squash", &[], &["0001_a", "0002_b"]);
        let child = leak("0003_c", &["0002_b"], &[]);
        let ordered = [squash, child];
        let graph = Graph::new(&ordered);

        let rows = vec![
            row("0001_a", "t1", 2),
            row("0002_b", "t2", 3),
            row("0003_c", "t3", 1),
        ];
        let recorded = read(rows, &graph);
        assert!(recorded.partial.is_empty());
        assert_eq!(ids(&recorded.rows), ["0003_squash", "0003_c"]);
        let squashed = &recorded.rows[0];
        assert_eq!(squashed.checksum, "0003_squash-checksum");
        assert_eq!(
            (squashed.applied_at.as_str(), squashed.execution_ms),
            ("t2", 5)
        );
        assert_eq!(squashed.recorded_as, ["0001_a", "0002_b"]);

        // Its own row: read as it is, left-over replaced rows absorbed.
        let rows = vec![row("0002_b", "t0", 1), row("0003_squash", "t1", 4)];
        let recorded = read(rows, &graph);
        assert_eq!(ids(&recorded.rows), ["0003_squash"]);
        assert!(recorded.rows[0].recorded_as.is_empty());

        // Nothing of it: nothing changes.
        let recorded = read(vec![row("0009_other", "t", 0)], &graph);
        assert_eq!(ids(&recorded.rows), ["0009_other"]);
    }

    #[test]
    fn some_replaced_rows_but_not_all_is_partial() {
        let squash = leak("0004_squash", &[], &["0001_a", "0002_b", "0003_c"]);
        let ordered = [squash];
        let graph = Graph::new(&ordered);
        let recorded = read(vec![row("0001_a", "t1", 0), row("0002_b", "t2", 0)], &graph);
        assert!(recorded.rows.is_empty());
        assert_eq!(recorded.partial[0].applied, ["0001_a", "0002_b"]);
        assert_eq!(recorded.partial[0].missing, ["0003_c"]);
        let error = recorded
            .whole()
            .expect_err("a partial squash is refused")
            .to_string();
        assert!(error.starts_with("the database applied 2 of the 3 migrations that 0004_squash replaces (0001_a, 0002_b; not 0003_c)"), "{error}");
    }
}
