//! Reversibility: every migration can be undone, or says why not.
//!
//! The downgrade is either computed (`change { … }`), written (`downgrade { … }`, then proven by
//! simulating upgrade followed by downgrade on the symbolic schema), or refused with a reason
//! (`downgrade { irreversible("…"); }`). A missing downgrade is an error whose help is the
//! computed one, ready to paste.

use super::{DowngradeDef, MigrationDef};
use crate::canonical;
use crate::diagnostic::{CheckId, Diagnostic, Location, Part, Section};
use crate::inverse::{downgrade_of, Inverse};
use crate::model::{Downgrade, Op};
use crate::schema::{difference, Simulation, State};

pub(super) fn check_reversibility(def: &MigrationDef, out: &mut Vec<Diagnostic>) -> Downgrade {
    match &def.downgrade {
        DowngradeDef::Missing => {
            simulate(&def.upgrade, None, out);
            match downgrade_of(&def.upgrade) {
                Ok(ops) => out.push(
                    Diagnostic::new(
                        CheckId::MissingDowngrade,
                        Location::op(Section::UpgradeKeyword),
                        "`downgrade` is missing, so this migration cannot be rolled back",
                    )
                    .help(format!(
                        "every op here can be undone; paste the computed downgrade after `upgrade {{ … }}`:\n\n{}\nor write `change {{ … }}` instead of `upgrade {{ … }}` to have it computed",
                        canonical::downgrade(&Downgrade::Ops(ops.into()))
                    )),
                ),
                Err(impossible) => {
                    for (index, why) in impossible {
                        out.push(irreversible_op(&def.upgrade[index], index, why));
                    }
                }
            }
            Downgrade::Ops(Vec::new().into())
        }
        DowngradeDef::Computed => {
            simulate(&def.upgrade, None, out);
            match downgrade_of(&def.upgrade) {
                Ok(ops) => Downgrade::Ops(ops.into()),
                Err(impossible) => {
                    for (index, why) in impossible {
                        out.push(irreversible_op(&def.upgrade[index], index, why).help(
                            "`change { … }` only holds ops that can be undone; write `upgrade { … }` and `downgrade { irreversible(\"why\"); }`, or give the op its way back",
                        ));
                    }
                    Downgrade::Ops(Vec::new().into())
                }
            }
        }
        DowngradeDef::Ops(ops) => {
            simulate(&def.upgrade, Some(ops), out);
            opaque_steps_undone(&def.upgrade, ops, out);
            Downgrade::Ops(ops.clone().into())
        }
        DowngradeDef::Irreversible(reason) => {
            if reason.trim().is_empty() {
                out.push(
                    Diagnostic::new(
                        CheckId::IrreversibleWithoutReason,
                        Location::op(Section::Downgrade(0)),
                        "`irreversible` needs a reason: it is what an operator reads when a rollback is refused",
                    )
                    .help("irreversible(\"enum values cannot be removed in PostgreSQL\")"),
                );
            }
            simulate(&def.upgrade, None, out);
            Downgrade::Irreversible(reason.clone().into())
        }
    }
}

fn irreversible_op(op: &Op, index: usize, why: &str) -> Diagnostic {
    let way_back = match op {
        Op::Execute { .. } => "give it its inverse with `down: \"…\"`, or ",
        Op::RunRust { .. } => "give it its inverse with `down: path::to::fn`, or ",
        _ => "",
    };
    Diagnostic::new(
        CheckId::IrreversibleWithoutReason,
        Location::op(Section::Upgrade(index)),
        format!("`{}` cannot be undone: {why}", op.kind().name()),
    )
    .help(format!(
        "{way_back}say so explicitly and why:\n\ndowngrade {{\n    irreversible(\"why this cannot be rolled back\");\n}}"
    ))
}

/// Raw SQL and Rust steps are opaque to the simulation, so a written downgrade that leaves them
/// out would pass it: each must be undone by running its own `down:` in the downgrade, and one
/// without a `down:` cannot be undone at all.
fn opaque_steps_undone(upgrade: &[Op], downgrade: &[Op], out: &mut Vec<Diagnostic>) {
    for (index, op) in upgrade.iter().enumerate() {
        let undone = match op {
            Op::Execute {
                down: Some(down), ..
            } => downgrade
                .iter()
                .any(|op| matches!(op, Op::Execute { up, .. } if up == down)),
            Op::RunRust {
                down: Some(down), ..
            } => downgrade
                .iter()
                .any(|op| matches!(op, Op::RunRust { up, .. } if up == down)),
            Op::Execute { down: None, .. } | Op::RunRust { down: None, .. } => {
                out.push(irreversible_op(
                    op,
                    index,
                    "it has no `down:`, so no downgrade can undo it",
                ));
                continue;
            }
            _ => continue,
        };
        if !undone {
            let fix = match op.inverse() {
                Inverse::Op(inverse) => format!("the downgrade should contain `{inverse};`"),
                _ => String::new(),
            };
            out.push(
                Diagnostic::new(
                    CheckId::DowngradeNotInverse,
                    Location::op(Section::Upgrade(index)),
                    format!(
                        "the downgrade does not undo this `{}`: it never runs its `down:`",
                        op.kind().name()
                    ),
                )
                .help(fix),
            );
        }
    }
}

/// Simulates `upgrade` (then `downgrade`) and reports what the pair does not restore.
fn simulate(upgrade: &[Op], downgrade: Option<&[Op]>, out: &mut Vec<Diagnostic>) {
    let mut simulation = Simulation::new();
    simulation.run(upgrade, Section::Upgrade);
    let Some(downgrade) = downgrade else {
        out.extend(simulation.into_problems());
        return;
    };
    simulation.run(downgrade, Section::Downgrade);
    let unrestored = simulation.unrestored();
    out.extend(simulation.into_problems());
    for item in unrestored {
        let blame_upgrade = item.upgrade_op.map(|index| &upgrade[index]);
        let fix = blame_upgrade.and_then(|op| match op.inverse() {
            Inverse::Op(inverse) => Some(inverse),
            _ => None,
        });
        let key = &item.key;
        let (at, message) = if let Some(to) = &item.renamed_to {
            (
                item.upgrade_op.map(Section::Upgrade),
                format!(
                    "the downgrade leaves table `{to}` renamed: it must be renamed back to `{}`",
                    key_table(key)
                ),
            )
        } else {
            match (&item.initial, &item.now) {
                (State::Absent, State::Present(_)) => (
                    item.upgrade_op.map(Section::Upgrade),
                    format!("the downgrade does not undo this op: {key} is still there after it"),
                ),
                (State::Present(_), State::Absent) => (
                    item.upgrade_op.map(Section::Upgrade),
                    format!("the downgrade does not undo this op: {key} is gone after it"),
                ),
                (State::Present(before), State::Present(after)) => (
                    item.downgrade_op
                        .map(Section::Downgrade)
                        .or(item.upgrade_op.map(Section::Upgrade)),
                    format!(
                        "the downgrade restores {key} differently: {}",
                        difference(before, after)
                    ),
                ),
                (State::Absent, State::Absent) => continue,
            }
        };
        let mut diagnostic = Diagnostic::new(
            CheckId::DowngradeNotInverse,
            Location::new(at.unwrap_or(Section::DowngradeKeyword), Part::Whole),
            message,
        );
        if let Some(fix) = fix {
            diagnostic = diagnostic.help(format!("the downgrade should contain `{fix};`"));
        }
        out.push(diagnostic);
    }
}

fn key_table(key: &crate::schema::Key) -> &str {
    match key {
        crate::schema::Key::Table(table) => table,
        _ => "",
    }
}
