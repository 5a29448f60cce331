//! The example todo service's start-up: apply every pending migration, then serve; and its
//! `migrate` subcommand, the CLI of `migrate_runtime::cli` mounted in one line.
//!
//! With no configuration it uses the SQLite file `todo.sqlite3` in the current directory (the
//! embedded default: no server needed); `DATABASE_URL=postgres://…` switches to PostgreSQL.
//!
//! ```text
//! cargo run -p todo                          # migrate to head, then serve
//! cargo run -p todo -- migrate status        # or history, upgrade, downgrade -1, sql head, …
//! ```

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use migrate_runtime::cli::{Cli, MigrateArgs};
use migrate_runtime::{AnyConnection, Migrator, Target};

/// The database when `DATABASE_URL` is not set.
const DEFAULT_DATABASE_URL: &str = "todo.sqlite3";

/// The example todo service.
#[derive(Parser)]
struct Args {
    /// Without a command: apply pending migrations, then serve
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Apply, undo, inspect and scaffold the database migrations
    Migrate(MigrateArgs),
}

fn main() -> ExitCode {
    match Args::parse().command {
        Some(Command::Migrate(args)) => {
            // The CLI prints a line per migration itself; only warnings (a lock wait) go through
            // `tracing` on top.
            init_tracing(tracing_subscriber::filter::LevelFilter::WARN);
            Cli::new(&todo_migrations::MIGRATIONS)
                .default_database_url(DEFAULT_DATABASE_URL)
                // Where `migrate new` and `migrate merge` write: the sources of the migrations
                // crate, as a developer runs them from the checkout.
                .migrations_dir(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../todo-migrations/src/migrations"
                ))
                .run(args)
        }
        None => {
            // The runtime logs through `tracing`: lock waits, backfill progress, resumed
            // migrations.
            init_tracing(tracing_subscriber::filter::LevelFilter::INFO);
            match migrate() {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => {
                    eprintln!("error: {error}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

fn init_tracing(level: tracing_subscriber::filter::LevelFilter) {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .with_max_level(level)
        .init();
}

fn migrate() -> Result<(), migrate_runtime::Error> {
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| DEFAULT_DATABASE_URL.to_owned());
    let mut conn = AnyConnection::establish(&url)?;
    // Naming the migrations crate's token is what keeps its registrations linked. A deploy
    // rolled back to this build starts with `MIGRATE_ALLOW_UNKNOWN=1` (as the CLI reads it): the
    // newer build's migrations stay, and a warning names them.
    let allow_unknown = std::env::var("MIGRATE_ALLOW_UNKNOWN")
        .is_ok_and(|value| matches!(value.as_str(), "1" | "true" | "yes" | "on"));
    let migrator = Migrator::new(&todo_migrations::MIGRATIONS)?.allow_unknown(allow_unknown);
    let applied = migrator.upgrade(&mut conn, Target::Head)?;
    for migration in &applied {
        println!("applied {:<32} {:>8.1?}", migration.id, migration.elapsed);
    }
    if applied.is_empty() {
        println!("nothing to apply");
    }
    println!(
        "current revision: {}",
        migrator.current(&mut conn)?.join(", ")
    );
    let (users, open_tasks) =
        counts(&mut conn).map_err(|source| migrate_runtime::Error::Database {
            context: "counting the users and their open tasks".into(),
            source,
        })?;
    println!("{users} users, {open_tasks} open tasks");
    Ok(())
}

/// A query written against the schema the migrations build (`todo_migrations::schema`, which
/// `migrations!()` generates): a column a migration drops or renames stops it from compiling.
fn counts(conn: &mut AnyConnection) -> diesel::QueryResult<(i64, i64)> {
    use diesel::prelude::*;
    use migrate_runtime::{DataConnection, Database};
    use todo_migrations::schema::{tasks, users};

    let open = tasks::status.eq("open");
    match conn.data_connection() {
        DataConnection::Sqlite(conn) => Ok((
            users::table.count().get_result(conn)?,
            tasks::table.filter(open).count().get_result(conn)?,
        )),
        DataConnection::Postgres(conn) => Ok((
            users::table.count().get_result(conn)?,
            tasks::table.count().get_result(conn)?,
        )),
        _ => Ok((0, 0)),
    }
}
