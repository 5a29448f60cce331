//! `reliability-probe <set> <url>`: upgrades the database at `url` to the head of one fixture set
//! and prints the id of each migration it applied. The `reliability` test starts many of these at
//! once, and kills others at random points.

use diesel::RunQueryDsl;
use migrate_runtime::{AnyConnection, BoxError, DataConnection, Migrator, Target};

/// Sixteen instances start on one database at once: each migration must run once.
mod crowd {
    migrate_runtime::migrations! {
    #![targets = "postgres, sqlite, mysql"]
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_effects",
            parent: none,
            change {
                create_table(effects, { id: bigint, note: text }, primary_key: pk_effects(id));
                execute("INSERT INTO effects VALUES (1, 'first')", down: "DELETE FROM effects WHERE id = 1");
            }
        }
    }
    mod m0002 {
        migrate_runtime::migration! {
            id: "0002_add_effect_kind",
            parent: "0001_create_effects",
            change { add_column(effects, kind: text nullable); }
        }
    }
    mod m0003 {
        migrate_runtime::migration! {
            id: "0003_second_effect",
            parent: "0002_add_effect_kind",
            change {
                execute("INSERT INTO effects VALUES (2, 'second', 'k')", down: "DELETE FROM effects WHERE id = 2");
            }
        }
    }
    }
}

/// Killed at random points: 100,000 rows, then a step-by-step migration (on PostgreSQL and MySQL)
/// with a backfill, a Rust data step and an online `SET NOT NULL`, then an ordinary one.
mod crash {
    pub mod data {
        use super::super::*;

        /// One ledger row per run: the test counts them to prove the step ran exactly once.
        fn execute(conn: &mut DataConnection<'_>, sql: &str) -> Result<(), BoxError> {
            match conn {
                DataConnection::Postgres(conn) => diesel::sql_query(sql).execute(*conn)?,
                DataConnection::Sqlite(conn) => diesel::sql_query(sql).execute(*conn)?,
                DataConnection::Mysql(conn) => diesel::sql_query(sql).execute(*conn)?,
                _ => return Err("unexpected backend".into()),
            };
            Ok(())
        }

        pub fn record(conn: &mut DataConnection<'_>) -> Result<(), BoxError> {
            execute(conn, "INSERT INTO ledger (note) VALUES ('balances opened')")
        }

        pub fn unrecord(conn: &mut DataConnection<'_>) -> Result<(), BoxError> {
            execute(conn, "DELETE FROM ledger")
        }

        /// 100,000 accounts, a thousand to a statement: the same SQL on every backend.
        pub fn fill(conn: &mut DataConnection<'_>) -> Result<(), BoxError> {
            for chunk in 0..100 {
                let values: Vec<String> = (1..=1000)
                    .map(|i| format!("({})", chunk * 1000 + i))
                    .collect();
                execute(
                    conn,
                    &format!("INSERT INTO accounts (id) VALUES {}", values.join(", ")),
                )?;
            }
            Ok(())
        }

        pub fn empty(conn: &mut DataConnection<'_>) -> Result<(), BoxError> {
            execute(conn, "DELETE FROM accounts")
        }
    }

    migrate_runtime::migrations! {
    #![targets = "postgres, sqlite, mysql"]
    mod m0001 {
        migrate_runtime::migration! {
            id: "0001_create_accounts",
            parent: none,
            change {
                create_table(accounts, { id: bigint, balance: integer nullable }, primary_key: pk_accounts(id));
                create_table(ledger, { id: bigint identity, note: text }, primary_key: pk_ledger(id));
                run(up: crate::crash::data::fill, down: crate::crash::data::empty);
            }
        }
    }
    mod m0002 {
        migrate_runtime::migration! {
            id: "0002_open_balances",
            parent: "0001_create_accounts",
            upgrade {
                backfill(accounts, set: "balance = 0", where: "balance IS NULL", batch: 5_000);
                run(up: crate::crash::data::record, down: crate::crash::data::unrecord);
                alter_column(accounts, balance, set_not_null);
            }
            downgrade {
                run(up: crate::crash::data::unrecord, down: crate::crash::data::record);
                alter_column(accounts, balance, drop_not_null);
            }
        }
    }
    mod m0003 {
        migrate_runtime::migration! {
            id: "0003_add_account_note",
            parent: "0002_open_balances",
            change { add_column(accounts, note: text nullable); }
        }
    }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(set), Some(url)) = (args.next(), args.next()) else {
        return Err("usage: reliability-probe <crowd|crash> <url>".into());
    };
    let migrations = match set.as_str() {
        "crowd" => &crowd::MIGRATIONS,
        "crash" => &crash::MIGRATIONS,
        other => return Err(format!("unknown set {other:?}").into()),
    };
    let mut conn = AnyConnection::establish(&url)?;
    let migrator = Migrator::new(migrations)?;
    for applied in migrator.upgrade(&mut conn, Target::Head)? {
        println!("{}", applied.id);
    }
    Ok(())
}
