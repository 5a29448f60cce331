//! `squash <from>:<to>`: write the migration that replaces a linear range (see
//! [`migrate_core::squash`]), delete the files of the range, and say what was left out and how to
//! deploy it.
//!
//! The file is written as `new` writes one (next sequence number, a slug of the message, a `mod`
//! line where the directory lists its migrations). Each replaced migration must be the only thing
//! in its file, so deleting the file deletes nothing else; the files are found by their `id:`
//! line, as `new` finds a stale build.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use migrate_core::check::Config;
use migrate_core::squash::Squash;

use super::scaffold::{self, Directory};
use super::{CliError, Context};

pub(super) fn squash(
    context: &Context<'_>,
    range: &str,
    message: Option<&str>,
    dir: Option<PathBuf>,
) -> Result<String, CliError> {
    let migrator = context.migrator()?;
    let (from, to) = range
        .split_once(':')
        .filter(|(from, to)| !from.is_empty() && !to.is_empty())
        .ok_or_else(|| CliError::NotARange {
            text: range.to_owned(),
        })?;
    let from = migrator.resolve(from)?.id.to_string();
    let to = match to {
        "head" => match migrator.heads().as_slice() {
            [head] => head.id.to_string(),
            heads => {
                return Err(crate::Error::MultipleHeads {
                    heads: heads.iter().map(|head| head.id.to_string()).collect(),
                }
                .into())
            }
        },
        to => migrator.resolve(to)?.id.to_string(),
    };
    let config = Config {
        targets: context.migrations.targets(),
        ..Config::default()
    };
    let squash = migrate_core::squash::squash(migrator.migrations(), &from, &to, &config).map_err(
        |error| CliError::Squash {
            range: format!("{from}:{to}"),
            error,
        },
    )?;
    let directory = Directory::open(context, "squash", dir, migrator.migrations())?;
    let files = replaced_files(&directory, &squash)?;

    let slug = match message {
        Some(message) => scaffold::slug(message).ok_or_else(|| CliError::EmptySlug {
            message: message.to_owned(),
        })?,
        None => "squash".to_owned(),
    };
    let id = format!("{}_{slug}", scaffold::next_sequence(migrator.migrations()));
    let doc = message.unwrap_or_default();
    let written = directory.write(&id, &squash.source(&id, doc))?;
    for path in &files {
        directory.delete(path)?;
    }
    if context.quiet {
        return Ok(String::new());
    }
    Ok(report(&squash, &id, &written, &files))
}

/// The file of each replaced migration, which must hold it and nothing else.
fn replaced_files(directory: &Directory, squash: &Squash) -> Result<Vec<PathBuf>, CliError> {
    let mut files = Vec::new();
    for id in &squash.replaces {
        let path = directory
            .file_declaring(id)
            .ok_or_else(|| CliError::NoFileOf {
                id: id.clone(),
                dir: directory.path().to_owned(),
            })?;
        let text = directory.text(&path).unwrap_or_default();
        if text.matches("migration!").count() != 1 {
            return Err(CliError::NotAloneInFile {
                id: id.clone(),
                file: scaffold::relative(&path).to_owned(),
            });
        }
        files.push(path);
    }
    Ok(files)
}

/// What was written and deleted, what the squash does not hold, and how to deploy it.
fn report(squash: &Squash, id: &str, written: &[String], files: &[PathBuf]) -> String {
    let first = &squash.replaces[0];
    let last = &squash.replaces[squash.replaces.len() - 1];
    let mut out = String::new();
    let _ = writeln!(
        out,
        "squashed {} migrations, {first} to {last}, into {id}",
        squash.replaces.len()
    );
    for line in written {
        let _ = writeln!(out, "{line}");
    }
    for path in files {
        let _ = writeln!(out, "deleted {}", scaffold::relative(path).display());
    }
    let carried: Vec<(&migrate_core::Op, &String)> = squash
        .upgrade
        .iter()
        .zip(&squash.carried_from)
        .filter_map(|(op, from)| Some((op, from.as_ref()?)))
        .collect();
    if !carried.is_empty() {
        let _ = writeln!(out, "carried after the schema:");
        for (op, from) in carried {
            let note = match op {
                migrate_core::Op::Execute { .. } => {
                    ", verbatim: review it, its SQL may name what a later migration renamed"
                }
                _ => ", under the names the range ends with",
            };
            let _ = writeln!(out, "  from {from}{note}: {}", short(&op.to_string()));
        }
    }
    if !squash.rewritten.is_empty() {
        let _ = writeln!(out, "rewritten for the range's renames (review):");
        for line in &squash.rewritten {
            let _ = writeln!(out, "  {line}");
        }
    }
    if !squash.left_out.is_empty() {
        let _ = writeln!(
            out,
            "not carried ({} step{}; do by hand what a new database still needs):",
            squash.left_out.len(),
            if squash.left_out.len() == 1 { "" } else { "s" }
        );
        for step in &squash.left_out {
            let _ = writeln!(
                out,
                "  {} op {} `{}`: {}",
                step.migration,
                step.op_number,
                short(&step.op.to_string()),
                step.reason
            );
        }
    }
    for waiver in &squash.waivers {
        let checks: Vec<&str> = waiver.checks.iter().map(|check| check.as_str()).collect();
        let _ = writeln!(
            out,
            "waived on op {}: {}, as the replaced migrations did",
            match waiver.section {
                migrate_core::diagnostic::Section::Upgrade(index) => index + 1,
                _ => 0,
            },
            checks.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "deploy: a new database runs {id} alone, and one that applied {first} to {last} counts it as applied; a database part-way through them must be upgraded to {last} by a build that still has them before this one is deployed (this one refuses it)"
    );
    out
}

/// An op on one line, cut after 100 characters.
fn short(text: &str) -> String {
    match text.char_indices().nth(100) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

impl Directory {
    /// Deletes a replaced migration's file, and its `mod` line where the directory lists them.
    fn delete(&self, path: &Path) -> Result<(), CliError> {
        std::fs::remove_file(path).map_err(|source| CliError::Io {
            action: "delete",
            path: path.to_owned(),
            source,
        })?;
        let module = path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .unwrap_or_default();
        self.unregister(module)
    }
}
