//! Transactions: the mode is derived from the ops, and ops that cannot share it are refused.
//!
//! `concurrently` index ops must run outside any transaction. Any other DDL beside them would run
//! outside a transaction too and lose its all-or-nothing guarantee, so they are refused together.
//! Backfills are allowed beside DDL: a non-transactional migration commits each op on its own,
//! which is exactly what keeps a batched backfill from holding the DDL's lock.

use crate::diagnostic::{CheckId, Diagnostic, Location, Section};
use crate::model::{on_new_table, Op};

pub(super) fn check_transaction_modes(upgrade: &[Op], downgrade: &[Op], out: &mut Vec<Diagnostic>) {
    check_section(upgrade, Section::Upgrade, out);
    check_section(downgrade, Section::Downgrade, out);
}

fn check_section(ops: &[Op], section: fn(usize) -> Section, out: &mut Vec<Diagnostic>) {
    let new = on_new_table(ops);
    let outside: Vec<bool> = ops
        .iter()
        .zip(&new)
        .map(|(op, new)| op.runs_outside_transaction(*new))
        .collect();
    let Some(first) = outside.iter().position(|outside| *outside) else {
        return;
    };
    for (index, op) in ops.iter().enumerate() {
        // Backfills and online ops commit step by step themselves: they belong with concurrent ops.
        let online = op.is_online() && !new[index];
        if outside[index] || online || matches!(op, Op::Backfill { .. }) {
            continue;
        }
        out.push(
            Diagnostic::new(
                CheckId::MixedTransactionModes,
                Location::op(section(index)),
                format!(
                    "`{}` cannot share a migration with `{}`: that op runs outside any transaction, so this one would lose its all-or-nothing guarantee",
                    op.kind().name(),
                    ops[first]
                ),
            )
            .help("move the ops that run outside a transaction (`concurrently`, `add_unique` or `add_primary_key` on an existing table) into a migration of their own"),
        );
    }
}
