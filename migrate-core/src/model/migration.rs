//! A whole migration: identity, place in the graph, and the ops in both directions.

use super::{List, Op, Text};

/// One migration, as `migration!` emits it.
///
/// The checksum is computed from the canonical op list (see [`crate::canonical`]), never from the
/// source text, so reformatting or editing comments never counts as an edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    pub id: Text,
    /// Empty for a root, two or more for a merge.
    pub parents: List<Text>,
    /// `replaces: ["0001_a", "0002_b"]`: the migrations this one squashes, oldest first. A
    /// database that applied all of them counts this one as applied; a parent that names one of
    /// them (and is not in the set) means this one. Empty for every other migration.
    pub replaces: List<Text>,
    /// The doc comment written above `id`.
    pub doc: Text,
    pub upgrade: List<Op>,
    pub downgrade: Downgrade,
    /// The mode of the upgrade; the downgrade's is [`Mode::of`] its own ops.
    pub mode: Mode,
    /// Overrides the runtime's `lock_timeout` for this migration, in milliseconds.
    pub lock_timeout_ms: Option<u64>,
    /// Overrides the runtime's `statement_timeout` for this migration, in milliseconds.
    pub statement_timeout_ms: Option<u64>,
    /// Hex SHA-256 of [`crate::canonical::migration`].
    pub checksum: Text,
}

/// How a migration is undone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Downgrade {
    Ops(List<Op>),
    /// `downgrade { irreversible("reason"); }`: downgrading past this migration is refused, with
    /// the reason, before anything runs.
    Irreversible(Text),
}

/// How the runtime wraps the migration in transactions; derived from the ops, never written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// All ops in one transaction: the migration is applied entirely or not at all.
    Transactional,
    /// Ops run one by one, each in its own short transaction, or in none when it is `concurrently`;
    /// chosen when the migration holds `concurrently` ops or backfills.
    NonTransactional,
}

impl Mode {
    /// The mode the ops need: non-transactional as soon as one op cannot share a transaction
    /// (`concurrently`, a backfill, or an online op on a table that already has rows).
    pub fn of(ops: &[Op]) -> Mode {
        let new = super::on_new_table(ops);
        if ops.iter().zip(new).any(|(op, new)| {
            op.is_concurrent() || matches!(op, Op::Backfill { .. }) || (op.is_online() && !new)
        }) {
            Mode::NonTransactional
        } else {
            Mode::Transactional
        }
    }
}
