//! Applies two slow migrations to the PostgreSQL or MySQL database given as argument and prints the
//! id of each migration it applied; the lock test starts two of these at once.

mod slow {
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_slow_first",
            parent: none,
            change {
                create_table(slow_first, { id: bigint });
                execute("SELECT pg_sleep(1)", down: "SELECT 1");
            }
        }
    }
    mod m0002 {
        migrate_runtime::migration! {
            id: "0002_slow_second",
            parent: "0001_slow_first",
            change {
                create_table(slow_second, { id: bigint });
                execute("SELECT pg_sleep(1)", down: "SELECT 1");
            }
        }
    }
    migrate_runtime::migrations!();
}

/// The same on MySQL, whose pause is `SLEEP`.
mod slow_mysql {
    migrate_runtime::migrations! {
        #![targets = "mysql"]
        mod m0001 {
            migrate_runtime::migration! {
                id: "0001_slow_first",
                parent: none,
                change {
                    create_table(slow_first, { id: bigint });
                    execute("SELECT SLEEP(1)", down: "SELECT 1");
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_slow_second",
                parent: "0001_slow_first",
                change {
                    create_table(slow_second, { id: bigint });
                    execute("SELECT SLEEP(1)", down: "SELECT 1");
                }
            }
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The runtime reports waiting for the lock through `tracing`; the test reads it on stderr.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    let url = std::env::args()
        .nth(1)
        .ok_or("usage: lock-probe <postgres or mysql url>")?;
    let mut conn = migrate_runtime::AnyConnection::establish(&url)?;
    let migrations = match url.starts_with("mysql://") {
        true => &slow_mysql::MIGRATIONS,
        false => &slow::MIGRATIONS,
    };
    let migrator = migrate_runtime::Migrator::new(migrations)?;
    for applied in migrator.upgrade(&mut conn, migrate_runtime::Target::Head)? {
        println!("{}", applied.id);
    }
    Ok(())
}
