//! Transactions: the mode is derived from the ops, and ops that cannot share it are refused.
//!
//! `concurrently` index ops must run outside any transaction. Any other DDL beside them would run
//! outside a transaction too and lose its all-or-nothing guarantee, so they are refused together.
//! Backfills are allowed beside DDL: a non-transactional migration commits each op on its own,
//! which is exactly what keeps a batched backfill from holding the DDL's lock.

use crate::diagnostic::{CheckId, Diagnostic, Location, Section};
use crate::model::Op;

pub(super) fn check_transaction_modes(upgrade: &[Op], downgrade: &[Op], out: &mut Vec<Diagnostic>) {
    check_section(upgrade, Section::Upgrade, out);
    check_section(downgrade, Section::Downgrade, out);
}

fn check_section(ops: &[Op], section: fn(usize) -> Section, out: &mut Vec<Diagnostic>) {
    let Some(concurrent) = ops.iter().find(|op| op.is_concurrent()) else {
        return;
    };
    for (index, op) in ops.iter().enumerate() {
        if op.is_concurrent() || matches!(op, Op::Backfill { .. }) {
            continue;
        }
        out.push(
            Diagnostic::new(
                CheckId::MixedTransactionModes,
                Location::op(section(index)),
                format!(
                    "`{}` cannot share a migration with `{}`: `concurrently` runs outside any transaction, so this op would lose its all-or-nothing guarantee",
                    op.kind().name(),
                    concurrent
                ),
            )
            .help("move the `concurrently` ops into a migration of their own"),
        );
    }
}
