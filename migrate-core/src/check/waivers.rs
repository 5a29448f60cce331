//! Waivers: `#[allow(<rule>, reason = "…")]` on one op silences that rule on that op, and only
//! there. A waiver must silence something, so a stale one does not hide the next real problem.

use crate::diagnostic::{CheckId, Diagnostic, Location, Part, Section};

/// `#[allow(<checks>, reason = "…")]` written before the op at `section`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    pub section: Section,
    pub checks: Vec<CheckId>,
    pub reason: String,
}

/// Removes the diagnostics a waiver silences; reports waivers that silence nothing.
pub(super) fn apply(waivers: &[Waiver], diagnostics: &mut Vec<Diagnostic>) {
    let mut used = vec![vec![false; 0]; waivers.len()];
    for (waiver, used) in waivers.iter().zip(&mut used) {
        *used = vec![false; waiver.checks.len()];
    }
    diagnostics.retain(|diagnostic| {
        if !diagnostic.check.is_waivable() {
            return true;
        }
        for (waiver, used) in waivers.iter().zip(used.iter_mut()) {
            if waiver.section != diagnostic.at.section {
                continue;
            }
            if let Some(position) = waiver.checks.iter().position(|c| *c == diagnostic.check) {
                used[position] = true;
                return false;
            }
        }
        true
    });
    for (waiver, used) in waivers.iter().zip(used) {
        for (check, used) in waiver.checks.iter().zip(used) {
            // The fold of the chain may break it where this migration alone cannot tell.
            if !used && !check.is_also_checked_by_the_chain() {
                diagnostics.push(
                    Diagnostic::new(
                        CheckId::UnusedWaiver,
                        Location::new(waiver.section, Part::Waiver),
                        format!("`{check}` is waived here but this op does not break it: a waiver that silences nothing would hide the next real problem"),
                    )
                    .help(format!("remove `{check}` from this `#[allow(…)]`")),
                );
            }
        }
    }
}
