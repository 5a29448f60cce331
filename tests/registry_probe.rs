//! Prints the id of every migration `todo-migrations` registers, parents first, one per line.
//!
//! A separate binary, so the `registry` test can check that registrations survive linking into a
//! crate that names the migrations crate only through its `MIGRATIONS` token.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let migrator = match migrate_runtime::Migrator::new(&todo_migrations::MIGRATIONS) {
        Ok(migrator) => migrator,
        Err(error) => {
            eprintln!("registry-probe: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout().lock();
    for migration in migrator.migrations() {
        if let Err(error) = writeln!(stdout, "{}", migration.id) {
            eprintln!("registry-probe: {error}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
