//! `new --autogenerate` and `check --autogenerate`: the difference between the schema the
//! migrations build and a target's (a database, a diesel `schema.rs`), written as migrations or
//! reported.
//!
//! The target is read into the model, the plan is made by `migrate_core::fold::autogenerate`
//! (safe forms, never a guessed rename), and every file is written through `scaffold`, so ids,
//! parents and `mod` lines follow the same rules as `migrate new`. What the target has that no op
//! can write is printed, never skipped silently.

use std::fmt::Write as _;
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use migrate_core::fold::autogenerate::{choose_renames, plan, Options, Plan, Rename, Step, Target};
use migrate_core::model::{Migration, Op};
use migrate_core::render::Dialect;

use super::args::Autogenerate;
use super::scaffold::{self, Body};
use super::{CliError, Context};
use crate::{AnyConnection, Migrator};

/// Where the target was read from.
struct Source {
    /// What the source has that the target does not hold.
    unwritten: Vec<String>,
    /// `the database`, `schema.rs`: for the messages.
    name: String,
    is_database: bool,
}

pub(super) fn new(
    context: &Context<'_>,
    message: &str,
    dir: Option<PathBuf>,
    args: &Autogenerate,
) -> Result<String, CliError> {
    let migrations = scaffold::known(context)?;
    let parents = scaffold::head(&migrations)?;
    let (mut source, mut plan) = difference(context, &migrations, args, &[])?;
    // At a terminal, the tool asks about each possible rename rather than guessing.
    if !plan.rename_hints.is_empty() && std::io::stdin().is_terminal() {
        let renames = ask_renames(
            &plan.rename_hints,
            &mut std::io::stdin().lock(),
            &mut std::io::stderr(),
        );
        if !renames.is_empty() {
            (source, plan) = difference(context, &migrations, args, &renames)?;
        }
    }
    let mut out = String::new();
    if plan.is_empty() {
        let _ = writeln!(
            out,
            "nothing to write: the migrations already build {}'s schema",
            source.name
        );
        report(&mut out, &source, &plan);
        return Ok(if context.quiet { String::new() } else { out });
    }
    let baseline = migrations.is_empty();
    let bodies: Vec<Body> = plan
        .migrations()
        .into_iter()
        .map(|(suffix, steps)| Body {
            suffix,
            doc: doc(suffix, &source, baseline),
            adopted_names: baseline && source.is_database,
            ops: steps.iter().map(|step| step.source()).collect(),
            irreversible: irreversible(steps),
        })
        .collect();
    let (written, ids) =
        scaffold::write(context, "new", message, &migrations, &parents, dir, &bodies)?;
    out.push_str(&written);
    report(&mut out, &source, &plan);
    if plan
        .migrations()
        .iter()
        .any(|(_, steps)| steps.iter().any(|step| step.decide.is_some()))
    {
        out.push_str("decide: each `todo(\"…\")` is a value only you know; the build refuses it until it is written\n");
    }
    match (baseline && source.is_database, ids.last()) {
        (true, Some(id)) => {
            let _ = writeln!(
                out,
                "baseline: {} already has this schema; once the app is rebuilt, record it there (and on every database that has it) with `migrate stamp {id}` instead of upgrading",
                source.name
            );
        }
        _ => out.push_str(
            "review it, then build: the compiler checks it like any migration you write\n",
        ),
    }
    Ok(if context.quiet { String::new() } else { out })
}

pub(super) fn check(context: &Context<'_>, args: &Autogenerate) -> Result<String, CliError> {
    let migrations = scaffold::known(context)?;
    let (source, plan) = difference(context, &migrations, args, &[])?;
    if plan.is_empty() {
        let mut out = format!(
            "the migrations build {}'s schema: nothing to generate\n",
            source.name
        );
        report(&mut out, &source, &plan);
        return Ok(out);
    }
    let mut ops = Vec::new();
    for (_, steps) in plan.migrations() {
        ops.extend(steps.iter().map(|step| {
            match step.decide {
                // The placeholder, as the file will hold it.
                Some(_) => step
                    .source()
                    .lines()
                    .last()
                    .unwrap_or_default()
                    .trim()
                    .trim_end_matches(';')
                    .to_owned(),
                None => step.op.to_string(),
            }
        }));
    }
    Err(CliError::Ungenerated {
        target: source.name,
        ops,
        renames: plan
            .rename_hints
            .iter()
            .map(|hint| format!("--rename {hint}"))
            .collect(),
    })
}

/// Asks, one line each, whether each possible rename is one; an empty or unreadable answer is no.
fn ask_renames(hints: &[Rename], input: &mut impl BufRead, prompt: &mut impl Write) -> Vec<Rename> {
    choose_renames(hints, |hint| {
        let _ = write!(prompt, "{} [y/N] ", hint.question());
        let _ = prompt.flush();
        let mut answer = String::new();
        input.read_line(&mut answer).is_ok()
            && matches!(answer.trim().to_lowercase().as_str(), "y" | "yes")
    })
}

/// The target read and the plan made towards it; a `--rename` that names what is not there is
/// an error, not a rename quietly left out.
fn difference(
    context: &Context<'_>,
    migrations: &[&'static Migration],
    args: &Autogenerate,
    answered: &[Rename],
) -> Result<(Source, Plan), CliError> {
    let (source, plan) = read_and_plan(context, migrations, args, answered)?;
    if !plan.refused.is_empty() {
        return Err(CliError::Rename {
            reasons: plan.refused,
        });
    }
    Ok((source, plan))
}

fn read_and_plan(
    context: &Context<'_>,
    migrations: &[&'static Migration],
    args: &Autogenerate,
    answered: &[Rename],
) -> Result<(Source, Plan), CliError> {
    let options = Options {
        renames: args.rename.iter().chain(answered).cloned().collect(),
    };
    if let Some(path) = &args.from_diesel {
        let dialect = match (args.dialect, &context.database_url) {
            (Some(dialect), _) => dialect.into(),
            (None, Some(url)) => super::sql::of_url(url),
            (None, None) => Dialect::Postgres,
        };
        let (target, source) = diesel(path, dialect)?;
        let plan = plan(&chain_schema(migrations)?, &target, &options);
        return Ok((source, plan));
    }
    let url = args
        .from_database
        .clone()
        .or_else(|| context.database_url.clone())
        .ok_or(CliError::NoDatabase {
            command: "new --autogenerate",
        })?;
    let mut conn = AnyConnection::establish(&url)?;
    let name = format!("the database {}", crate::database::redact(&url));
    if migrations.is_empty() {
        // A baseline: nothing to verify, the database predates the migrations.
        let live = crate::live_schema(&mut conn)?;
        let plan = plan(&chain_schema(migrations)?, &live.target, &options);
        let unwritten = live.unwritten.into_iter();
        let source = Source {
            unwritten: unwritten
                .chain(live.raw_objects.iter().map(crate::RawObject::unwritten))
                .collect(),
            name,
            is_database: true,
        };
        return Ok((source, plan));
    }
    let migrator = Migrator::new(context.migrations)?
        .lock_wait(context.lock_wait)
        .allow_unknown(context.allow_unknown);
    let mut plan = migrator.autogenerate(&mut conn, &options)?;
    let source = Source {
        unwritten: std::mem::take(&mut plan.unwritten),
        name,
        is_database: true,
    };
    Ok((source, plan))
}

/// Why the steps cannot be undone, when an op has no inverse (an enum label added: PostgreSQL
/// cannot remove one in place); the author may write a way back instead.
fn irreversible(steps: &[Step]) -> Option<String> {
    let ops: Vec<Op> = steps.iter().map(|step| step.op.clone()).collect();
    let impossible = migrate_core::inverse::downgrade_of(&ops).err()?;
    let reasons: Vec<String> = impossible
        .iter()
        .map(|(index, why)| format!("`{}`: {why}", ops[*index]))
        .collect();
    Some(reasons.join("; "))
}

fn chain_schema(migrations: &[&'static Migration]) -> Result<migrate_core::fold::Schema, CliError> {
    migrate_core::fold::schema(migrations, None)
        .map_err(|errors| crate::Error::Graph(errors).into())
}

fn diesel(path: &Path, dialect: Dialect) -> Result<(Target, Source), CliError> {
    let text = std::fs::read_to_string(path).map_err(|source| CliError::Io {
        action: "read",
        path: path.to_owned(),
        source,
    })?;
    let read =
        super::diesel_schema::read(&text, dialect).map_err(|e| e.in_file(path.to_owned()))?;
    let source = Source {
        unwritten: read.unseen,
        name: path.display().to_string(),
        is_database: false,
    };
    Ok((read.target, source))
}

fn doc(suffix: &str, source: &Source, baseline: bool) -> Vec<String> {
    // The file names its source without a URL, which may hold a password.
    let from = match source.is_database {
        true => "a database",
        false => source.name.as_str(),
    };
    let mut doc = vec![String::new()];
    doc.push(match baseline {
        true => format!("Written by `migrate new --autogenerate` from {from}: its schema as it is, names included."),
        false => format!("Written by `migrate new --autogenerate` from {from}."),
    });
    match suffix {
        "_prepare" => doc.push("Drops, outside a transaction, the indexes on what the next migration drops.".into()),
        "_concurrently" => doc.push("Builds, outside a transaction, the indexes of tables that have rows, then what needs them.".into()),
        _ => {}
    }
    doc
}

/// What the plan could not write and the renames it did not guess.
fn report(out: &mut String, source: &Source, plan: &Plan) {
    let unwritten: Vec<&String> = source.unwritten.iter().chain(&plan.unwritten).collect();
    if !unwritten.is_empty() {
        let _ = writeln!(
            out,
            "not written ({} has them; no op writes them):",
            source.name
        );
        for line in unwritten {
            let _ = writeln!(out, "  - {line}");
        }
    }
    if !plan.rename_hints.is_empty() {
        let _ = writeln!(
            out,
            "a drop beside an add may be a rename, which is never guessed: if so, run again with {}",
            plan.rename_hints
                .iter()
                .map(|hint| format!("--rename {hint}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_possible_rename_is_asked_and_an_accepted_one_uses_up_its_names() {
        let hints: Vec<Rename> = [
            "users.name=full_name",
            "users.name=nickname",
            "users.bio=about",
        ]
        .iter()
        .map(|hint| hint.parse().unwrap_or_else(|e: String| panic!("{e}")))
        .collect();
        let mut prompts = Vec::new();
        let chosen = ask_renames(&hints, &mut "y\nno\n".as_bytes(), &mut prompts);
        assert_eq!(chosen, hints[..1]);
        assert_eq!(
            String::from_utf8_lossy(&prompts),
            "column users.name is dropped and users.full_name added: was name renamed to full_name? [y/N] column users.bio is dropped and users.about added: was bio renamed to about? [y/N] "
        );
    }
}
