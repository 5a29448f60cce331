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
                // The rule fires on the computed inverse of this op, which no waiver reaches.
                let in_inverse = match waiver.section {
                    Section::Upgrade(index) => diagnostics.iter().any(|diagnostic| {
                        diagnostic.check == *check
                            && diagnostic.at.section == Section::ComputedDowngrade(index)
                    }),
                    _ => false,
                };
                if in_inverse {
                    diagnostics.push(
                        Diagnostic::new(
                            CheckId::UnusedWaiver,
                            Location::new(waiver.section, Part::Waiver),
                            format!("`{check}` is broken by the computed downgrade of this op, not by the op: a waiver here does not reach it"),
                        )
                        .help(format!("write the downgrade yourself (`upgrade {{ … }}` and `downgrade {{ … }}`) and put `#[allow({check}, reason = \"…\")]` on its op; remove `{check}` from this one")),
                    );
                    continue;
                }
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
