//! The commands that change the database: `upgrade`, `downgrade`, and `stamp` (which changes only
//! the version table).

use std::fmt::Write;

use super::{CliError, Context};
use crate::{Applied, Target};

pub(super) fn upgrade(context: &Context<'_>, target: Target) -> Result<String, CliError> {
    let migrator = with_progress_line(context, context.migrator()?);
    let mut conn = context.connect("upgrade")?;
    if context.allow_unknown {
        context.warn_unknown(&migrator, &mut conn)?;
    }
    let applied = migrator.upgrade(&mut conn, target.clone());
    clear_progress_line(context);
    let applied = applied?;
    Ok(report(context, "applied", &applied, || {
        format!("nothing to apply: the database is at `{target}` already\n")
    }))
}

pub(super) fn downgrade(context: &Context<'_>, target: Target) -> Result<String, CliError> {
    let migrator = with_progress_line(context, context.migrator()?);
    let mut conn = context.connect("downgrade")?;
    if context.allow_unknown {
        context.warn_unknown(&migrator, &mut conn)?;
    }
    let reverted = migrator.downgrade(&mut conn, target.clone());
    clear_progress_line(context);
    let reverted = reverted?;
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

/// Whether a progress line is drawn: on a terminal, when not `--quiet`. Elsewhere (a log, a
/// pipe, CI) nothing is added to the output.
fn draws_progress(context: &Context<'_>) -> bool {
    use std::io::IsTerminal;
    !context.quiet && std::io::stderr().is_terminal()
}

/// One line on stderr, rewritten in place, for each batch of a backfill: a carriage return and
/// a line erase are all it takes, so no progress-bar dependency.
fn with_progress_line(context: &Context<'_>, migrator: crate::Migrator) -> crate::Migrator {
    if !draws_progress(context) {
        return migrator;
    }
    migrator.on_progress(|progress| {
        let percent = match progress.rows_total {
            0 => 100,
            total => (progress.rows_done * 100 / total).min(100),
        };
        eprint!(
            "\r\x1b[2K{}: backfill {} of {} rows ({percent}%, {} rows/s)",
            progress.migration, progress.rows_done, progress.rows_total, progress.rows_per_second
        );
    })
}

fn clear_progress_line(context: &Context<'_>) {
    if draws_progress(context) {
        eprint!("\r\x1b[2K");
    }
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
