//! `cli-probe <set> <command> …`: the `migrate` CLI mounted on one of the fixture sets of
//! `cli_fixtures.rs` (or `todo`, the example app's migrations), so the `cli` test drives the CLI
//! as a process, as a user does.

use std::process::ExitCode;

use clap::Parser;
use migrate_runtime::cli::{Cli, MigrateArgs};
use migrate_runtime::Migrations;

#[path = "cli_fixtures.rs"]
mod fixtures;

fn main() -> ExitCode {
    // The runtime reports lock waits through `tracing`: the lock test reads them on stderr.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_max_level(tracing_subscriber::filter::LevelFilter::WARN)
        .init();
    let mut args: Vec<String> = std::env::args().collect();
    if args.len() < 2 {
        eprintln!(
            "usage: cli-probe <chain|chain_edited|branches|merged|empty|stepwise|portable|blog|blog_base|blog…|todo> <command> …"
        );
        return ExitCode::FAILURE;
    }
    let set = args.remove(1);
    let migrations: &Migrations = match set.as_str() {
        "chain" => &fixtures::chain::MIGRATIONS,
        "chain_edited" => &fixtures::chain_edited::MIGRATIONS,
        "branches" => &fixtures::branches::MIGRATIONS,
        "merged" => &fixtures::merged::MIGRATIONS,
        "irreversible" => &fixtures::irreversible::MIGRATIONS,
        "empty" => &fixtures::empty::MIGRATIONS,
        "stepwise" => &fixtures::stepwise::MIGRATIONS,
        "portable" => &fixtures::portable::MIGRATIONS,
        "blog" => &fixtures::blog::MIGRATIONS,
        "blog_base" => &fixtures::blog_base::MIGRATIONS,
        "blog_generated_postgres" => &fixtures::blog_generated_postgres::MIGRATIONS,
        "blog_generated_sqlite" => &fixtures::blog_generated_sqlite::MIGRATIONS,
        "blog_baseline_postgres" => &fixtures::blog_baseline_postgres::MIGRATIONS,
        "blog_baseline_sqlite" => &fixtures::blog_baseline_sqlite::MIGRATIONS,
        "todo" => &todo_migrations::MIGRATIONS,
        other => {
            eprintln!("cli-probe: unknown set {other:?}");
            return ExitCode::FAILURE;
        }
    };
    Cli::new(migrations).run(MigrateArgs::parse_from(args))
}
