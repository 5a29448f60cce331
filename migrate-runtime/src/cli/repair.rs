//! `repair`: what changed in an applied migration since it was applied, and its record rewritten
//! to this build's ([`crate::Migrator::repair`]).

use std::fmt::Write;

use super::{CliError, Context};

pub(super) fn repair(
    context: &Context<'_>,
    revision: &str,
    dry_run: bool,
) -> Result<String, CliError> {
    let migrator = context.migrator()?;
    let mut conn = context.connect("repair")?;
    let edit = match dry_run {
        true => migrator.applied_edit(&mut conn, revision)?,
        false => migrator.repair(&mut conn, revision)?,
    };
    let mut out = String::new();
    if context.quiet {
        return Ok(out);
    }
    let id = &edit.id;
    if !edit.is_edited() {
        let _ = writeln!(
            out,
            "nothing to repair: {id} is recorded as this build has it (checksum {})",
            edit.checksum
        );
        return Ok(out);
    }
    let _ = writeln!(out, "{id} was edited after it was applied:");
    let _ = writeln!(out, "  checksum {} as applied", edit.recorded_checksum);
    let _ = writeln!(out, "  checksum {} in this build", edit.checksum);
    match edit.diff() {
        Some(diff) => {
            let _ = writeln!(out, "its definition as applied (-) and in this build (+):");
            out.push_str(&indented(&diff));
        }
        None => {
            let why = match edit.recorded_definition {
                None => "the version table has no definition of it as applied (an earlier version of migrate recorded its checksum only)",
                Some(_) => "the definition recorded with it is not the one its checksum was taken of (the row was changed by hand)",
            };
            let _ = writeln!(out, "{why}; its definition in this build:");
            out.push_str(&indented(&edit.definition));
        }
    }
    let _ = match dry_run {
        true => writeln!(out, "nothing recorded (--dry-run)"),
        false => writeln!(
            out,
            "recorded {id} as this build has it (nothing run); `migrate check` compares the schema with what the migrations build"
        ),
    };
    Ok(out)
}

fn indented(text: &str) -> String {
    text.lines().map(|line| format!("    {line}\n")).collect()
}
