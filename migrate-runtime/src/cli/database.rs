//! `database create|drop|reset`: the database the URL names, as a whole
//! ([`crate::create_database`], [`crate::drop_database`]); `reset` then upgrades it to head.
//!
//! Dropping asks for `--yes`, as `sqlx database drop -y` does, but never prompts: the same
//! command behaves the same at a terminal and in a script.

use std::fmt::Write;

use super::{apply, CliError, Confirm, Context, DatabaseCommand};
use crate::provision::database_name;
use crate::{Error, Target};

pub(super) fn database(
    context: &Context<'_>,
    command: DatabaseCommand,
) -> Result<String, CliError> {
    let url = |command| {
        context
            .database_url
            .as_deref()
            .ok_or(CliError::NoDatabase { command })
    };
    let mut out = String::new();
    match command {
        DatabaseCommand::Create => create(url("database create")?, &mut out)?,
        DatabaseCommand::Drop(confirm) => {
            let url = url("database drop")?;
            confirmed(&confirm, "drop", url)?;
            drop(url, &mut out)?;
        }
        DatabaseCommand::Reset(confirm) => {
            let url = url("database reset")?;
            confirmed(&confirm, "reset", url)?;
            // Refuse what the upgrade would refuse before anything is dropped.
            let migrator = context.migrator()?;
            let heads = migrator.heads();
            if heads.len() > 1 {
                return Err(Error::MultipleHeads {
                    heads: heads.iter().map(|head| head.id.to_string()).collect(),
                }
                .into());
            }
            migrator.checked_for(super::sql::of_url(url))?;
            drop(url, &mut out)?;
            create(url, &mut out)?;
            out.push_str(&apply::upgrade(context, Target::Head)?);
        }
    }
    Ok(if context.quiet { String::new() } else { out })
}

fn confirmed(confirm: &Confirm, command: &'static str, url: &str) -> Result<(), CliError> {
    match confirm.yes {
        true => Ok(()),
        false => Err(CliError::NotConfirmed {
            command,
            database: database_name(url)?,
        }),
    }
}

fn create(url: &str, out: &mut String) -> Result<(), CliError> {
    let database = database_name(url)?;
    let _ = match crate::create_database(url)? {
        true => writeln!(out, "created database {database}"),
        false => writeln!(out, "database {database} exists already; nothing to create"),
    };
    Ok(())
}

fn drop(url: &str, out: &mut String) -> Result<(), CliError> {
    let database = database_name(url)?;
    let _ = match crate::drop_database(url)? {
        true => writeln!(out, "dropped database {database}"),
        false => writeln!(out, "database {database} does not exist; nothing to drop"),
    };
    Ok(())
}
