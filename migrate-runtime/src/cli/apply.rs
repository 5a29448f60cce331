//! The commands that change the database: `upgrade`, `downgrade`, and `stamp` (which changes only
//! the version table).

use std::fmt::Write;

use super::{CliError, Context};
use crate::{Applied, Target};

pub(super) fn upgrade(context: &Context<'_>, target: Target) -> Result<String, CliError> {
    let migrator = context.migrator()?;
    let mut conn = context.connect("upgrade")?;
    let applied = migrator.upgrade(&mut conn, target.clone())?;
    Ok(report(context, "applied", &applied, || {
        format!("nothing to apply: the database is at `{target}` already\n")
    }))
}

pub(super) fn downgrade(context: &Context<'_>, target: Target) -> Result<String, CliError> {
    let migrator = context.migrator()?;
    let mut conn = context.connect("downgrade")?;
    let reverted = migrator.downgrade(&mut conn, target.clone())?;
    Ok(report(context, "reverted", &reverted, || {
        format!("nothing to downgrade: nothing applied is above `{target}`\n")
    }))
}

pub(super) fn stamp(context: &Context<'_>, target: Target) -> Result<String, CliError> {
    let migrator = context.migrator()?;
    let mut conn = context.connect("stamp")?;
    let stamp = migrator.stamp(&mut conn, target.clone())?;
    let mut out = String::new();
    if context.quiet {
        return Ok(out);
    }
    for id in &stamp.removed {
        let _ = writeln!(out, "unrecorded {id} (nothing run)");
    }
    for id in &stamp.recorded {
        let _ = writeln!(out, "recorded   {id} (nothing run)");
    }
    if out.is_empty() {
        let _ = writeln!(
            out,
            "nothing to stamp: the version table is at `{target}` already"
        );
    }
    Ok(out)
}

/// One line per migration with the time it took, or what to say when nothing ran.
fn report(
    context: &Context<'_>,
    verb: &str,
    ran: &[Applied],
    nothing: impl FnOnce() -> String,
) -> String {
    if context.quiet {
        return String::new();
    }
    if ran.is_empty() {
        return nothing();
    }
    let width = ran
        .iter()
        .map(|applied| applied.id.len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for applied in ran {
        let _ = writeln!(
            out,
            "{verb} {:<width$}  {:>8.1?}",
            applied.id, applied.elapsed
        );
    }
    out
}
