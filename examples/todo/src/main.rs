//! The example todo service's start-up: apply every pending migration, then serve.
//!
//! With no configuration it uses the SQLite file `todo.sqlite3` in the current directory (the
//! embedded default: no server needed); `DATABASE_URL=postgres://…` switches to PostgreSQL.

use std::process::ExitCode;

use migrate_runtime::{AnyConnection, Migrator, Target};

fn main() -> ExitCode {
    match migrate() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn migrate() -> Result<(), migrate_runtime::Error> {
    // The runtime logs through `tracing`: lock waits, backfill progress, resumed migrations.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "todo.sqlite3".to_owned());
    let mut conn = AnyConnection::establish(&url)?;
    // Naming the migrations crate's token is what keeps its registrations linked.
    let migrator = Migrator::new(&todo_migrations::MIGRATIONS)?;
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
    Ok(())
}
