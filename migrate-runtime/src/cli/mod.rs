//! `migrate <command>`: the CLI an app mounts in one line (feature `cli`, on by default).
//!
//! The app embeds [`MigrateArgs`] as a clap subcommand and hands it to [`run`] with its migrations
//! token, so `myapp migrate status` works next to the app's own commands; an app without its own
//! command line calls [`main`]. The CLI installs no global state (no tracing subscriber): the
//! runtime logs lock waits and backfill progress through `tracing`, which the app sets up.
//!
//! ```no_run
//! use clap::{Parser, Subcommand};
//! # mod migrations {
//! #     migrate_runtime::migration! {
//! #         id: "0001_create_users", parent: none,
//! #         change { create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id)); }
//! #     }
//! #     migrate_runtime::migrations!();
//! # }
//!
//! #[derive(Parser)]
//! struct App {
//!     #[command(subcommand)]
//!     command: Option<AppCommand>,
//! }
//!
//! #[derive(Subcommand)]
//! enum AppCommand {
//!     /// Manage the database schema
//!     Migrate(migrate_runtime::cli::MigrateArgs),
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     match App::parse().command {
//!         Some(AppCommand::Migrate(args)) => migrate_runtime::cli::run(&migrations::MIGRATIONS, args),
//!         None => std::process::ExitCode::SUCCESS, // … start the app
//!     }
//! }
//! ```
//!
//! Every command prints its result on stdout; every error goes to stderr as `error: …`, with a
//! `hint:` line where there is something to run next, and exits with status 1.

mod apply;
mod args;
mod autogenerate;
mod database;
mod diesel_schema;
mod error;
mod inspect;
mod json;
mod repair;
mod scaffold;
mod sql;
mod squash;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

pub use args::{
    Autogenerate, Command, Confirm, DatabaseCommand, DialectArg, Dir, MigrateArgs, Output,
};
pub use error::CliError;

use crate::{AnyConnection, Migrations, Migrator};

/// Runs one command on `migrations`, printing its result on stdout and any error on stderr.
pub fn run(migrations: &Migrations, args: MigrateArgs) -> ExitCode {
    Cli::new(migrations).run(args)
}

/// Parses the process's arguments as `<binary> <command> …` and runs the command: the whole
/// `main` of a binary that only migrates.
///
/// ```no_run
/// # mod migrations {
/// #     migrate_runtime::migration! {
/// #         id: "0001_create_users", parent: none,
/// #         change { create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id)); }
/// #     }
/// #     migrate_runtime::migrations!();
/// # }
/// fn main() -> std::process::ExitCode {
///     migrate_runtime::cli::main(&migrations::MIGRATIONS)
/// }
/// ```
pub fn main(migrations: &Migrations) -> ExitCode {
    Cli::new(migrations).run(MigrateArgs::parse())
}

/// The CLI with an app's defaults: where its migrations' sources are, which database it uses when
/// neither `--database-url` nor `DATABASE_URL` says.
///
/// ```
/// # mod migrations {
/// #     migrate_runtime::migration! {
/// #         id: "0001_create_users", parent: none,
/// #         change { create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id)); }
/// #     }
/// #     migrate_runtime::migrations!();
/// # }
/// use clap::Parser;
/// use migrate_runtime::cli::{Cli, MigrateArgs};
///
/// // What `myapp migrate upgrade` would hand over; an app gets it from its own parser.
/// let args = MigrateArgs::try_parse_from(["migrate", "upgrade"]).unwrap();
/// Cli::new(&migrations::MIGRATIONS)
///     .migrations_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/src/migrations"))
///     .default_database_url(":memory:")
///     .execute(args)?; // `run` prints the error and returns the exit code instead
/// # Ok::<(), migrate_runtime::cli::CliError>(())
/// ```
#[derive(Debug)]
pub struct Cli<'a> {
    migrations: &'a Migrations,
    dir: Option<PathBuf>,
    database_url: Option<String>,
}

impl<'a> Cli<'a> {
    pub fn new(migrations: &'a Migrations) -> Cli<'a> {
        Cli {
            migrations,
            dir: None,
            database_url: None,
        }
    }

    /// Where `new`, `merge` and `squash` write when `--dir` is not given: the `migrations/` folder that
    /// `migrations!()` discovers (or the directory whose `lib.rs` or `mod.rs` declares it and
    /// lists `mod` lines). `concat!(env!("CARGO_MANIFEST_DIR"), "/src/migrations")` names it in
    /// the sources, which is where a developer runs these two commands.
    pub fn migrations_dir(mut self, dir: impl Into<PathBuf>) -> Cli<'a> {
        self.dir = Some(dir.into());
        self
    }

    /// The database when neither `--database-url` nor `DATABASE_URL` names one.
    pub fn default_database_url(mut self, url: impl Into<String>) -> Cli<'a> {
        self.database_url = Some(url.into());
        self
    }

    /// Runs one command: its result on stdout, an error on stderr as `error: …` and status 1.
    pub fn run(self, args: MigrateArgs) -> ExitCode {
        match self.execute(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                // Server messages (a refused connection) can end with a newline of their own.
                let mut message = format!("error: {}\n", error.to_string().trim_end());
                if let Some(hint) = error.hint() {
                    message.push_str(&format!("  hint: {hint}\n"));
                }
                // Nothing is left to report a failure to write the report to.
                let _ = std::io::stderr().write_all(message.as_bytes());
                ExitCode::FAILURE
            }
        }
    }

    /// Runs one command, returning its error instead of printing it.
    pub fn execute(self, args: MigrateArgs) -> Result<(), CliError> {
        let context = Context {
            migrations: self.migrations,
            database_url: args.database_url.or(self.database_url),
            lock_wait: args.lock_wait,
            quiet: args.quiet,
            allow_unknown: args.allow_unknown,
            dir: self.dir,
        };
        let output = match args.command {
            Command::Upgrade { target } => apply::upgrade(&context, target)?,
            Command::Downgrade { target } => apply::downgrade(&context, target)?,
            Command::Stamp { target } => apply::stamp(&context, target)?,
            Command::Current(output) => inspect::current(&context, output.json)?,
            Command::History { verbose, output } => {
                inspect::history(&context, verbose, output.json)?
            }
            Command::Heads(output) => inspect::heads(&context, output.json)?,
            Command::Status(output) => inspect::status(&context, output.json)?,
            Command::Repair { revision, dry_run } => repair::repair(&context, &revision, dry_run)?,
            Command::Database(command) => database::database(&context, command)?,
            Command::Check { autogenerate } if autogenerate.autogenerate => {
                autogenerate::check(&context, &autogenerate)?
            }
            Command::Check { .. } => inspect::check(&context)?,
            Command::Sql {
                range,
                dialect,
                allow_partial,
            } => sql::sql(&context, &range, dialect, allow_partial)?,
            Command::Schema {
                revision,
                dialect,
                diesel,
                output,
            } => sql::schema(&context, revision.as_deref(), dialect, diesel, output.json)?,
            Command::New {
                message,
                dir,
                autogenerate,
            } if autogenerate.autogenerate => {
                autogenerate::new(&context, &message, dir.dir, &autogenerate)?
            }
            Command::New { message, dir, .. } => scaffold::new(&context, &message, dir.dir)?,
            Command::Merge {
                message,
                revisions,
                dir,
            } => scaffold::merge(&context, &message, &revisions, dir.dir)?,
            Command::Squash {
                range,
                message,
                dir,
            } => squash::squash(&context, &range, message.as_deref(), dir.dir)?,
        };
        let mut stdout = std::io::stdout().lock();
        match stdout
            .write_all(output.as_bytes())
            .and_then(|()| stdout.flush())
        {
            // `migrate history | head` closing the pipe early is not a failure.
            Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
                Err(CliError::Stdout(error))
            }
            _ => Ok(()),
        }
    }
}

/// What every command may need: the migrations, the database, the options.
struct Context<'a> {
    migrations: &'a Migrations,
    database_url: Option<String>,
    lock_wait: Option<Duration>,
    quiet: bool,
    allow_unknown: bool,
    dir: Option<PathBuf>,
}

impl Context<'_> {
    fn migrator(&self) -> Result<Migrator, CliError> {
        Ok(Migrator::new(self.migrations)?
            .lock_wait(self.lock_wait)
            .allow_unknown(self.allow_unknown)
            .unknown_reported_by_caller())
    }

    /// Says on stderr which applied migrations this build does not have, for the commands whose
    /// output would otherwise pass for the whole story: `current`, and those that go on without
    /// them with --allow-unknown. Returns their ids.
    fn warn_unknown(
        &self,
        migrator: &Migrator,
        conn: &mut AnyConnection,
    ) -> Result<Vec<String>, CliError> {
        let ids: Vec<String> = migrator
            .unknown_applied(conn)?
            .into_iter()
            .map(|row| row.id)
            .collect();
        let message = match ids.as_slice() {
            [] => return Ok(ids),
            [id] => format!("warning: the database has a migration this build does not have: {id}; it is newer than this build's, applied by a newer build, and this build leaves it alone\n"),
            ids => format!("warning: the database has {} migrations this build does not have: {}; they are newer than this build's, applied by a newer build, and this build leaves them alone\n", ids.len(), ids.join(", ")),
        };
        // A warning that cannot be written has nowhere else to go.
        let _ = std::io::stderr().write_all(message.as_bytes());
        Ok(ids)
    }

    /// A connection for `command`, which cannot do without one.
    fn connect(&self, command: &'static str) -> Result<AnyConnection, CliError> {
        let url = self
            .database_url
            .as_deref()
            .ok_or(CliError::NoDatabase { command })?;
        Ok(AnyConnection::establish(url)?)
    }

    /// A connection when a database is configured.
    fn connect_if_configured(&self) -> Result<Option<AnyConnection>, CliError> {
        match &self.database_url {
            Some(url) => Ok(Some(AnyConnection::establish(url)?)),
            None => Ok(None),
        }
    }
}
