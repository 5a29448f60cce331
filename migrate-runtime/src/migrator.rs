//! [`Migrator`]: the library API behind start-up migration and every CLI command.

use std::collections::BTreeSet;
use std::time::Duration;

use migrate_core::model::Migration;

use crate::database::Database;
use crate::executor::{self, Applied, Direction, Settings};
use crate::planner::{Graph, Target};
use crate::registry::{Migrations, Registration};
use crate::version_table::{self, AppliedRow};
use crate::{lock, Error};

/// The ordered, validated graph of one set of migrations, and how to apply it.
///
/// ```
/// # mod migrations {
/// #     migrate_runtime::migration! {
/// #         id: "0001_create_users", parent: none,
/// #         change { create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id)); }
/// #     }
/// #     migrate_runtime::migrations!();
/// # }
/// use migrate_runtime::{AnyConnection, Migrator, Target};
///
/// let mut conn = AnyConnection::establish(":memory:")?;
/// let migrator = Migrator::new(&migrations::MIGRATIONS)?;
/// let applied = migrator.upgrade(&mut conn, Target::Head)?;
/// assert_eq!(applied[0].id, "0001_create_users");
/// assert_eq!(migrator.current(&mut conn)?, ["0001_create_users"]);
/// # Ok::<(), migrate_runtime::Error>(())
/// ```
#[derive(Debug)]
pub struct Migrator {
    migrations: Vec<&'static Migration>,
    registrations: Vec<&'static Registration>,
    settings: Settings,
}

impl Migrator {
    /// Collects the migrations registered below the token's module, validates the graph (unique
    /// ids, known parents, no cycle) and orders it, parents first, ties broken by id.
    pub fn new(migrations: &Migrations) -> Result<Migrator, Error> {
        let registrations = migrations.registrations();
        if registrations.is_empty() {
            return Err(Error::NothingRegistered {
                module: migrations.module(),
            });
        }
        let all: Vec<&'static Migration> = registrations.iter().map(|r| r.migration()).collect();
        let ordered = migrate_core::graph::order(&all).map_err(Error::Graph)?;
        Ok(Migrator {
            migrations: ordered,
            registrations,
            settings: Settings {
                lock_timeout: Some(Duration::from_secs(5)),
                statement_timeout: None,
                lock_wait: None,
            },
        })
    }

    /// PostgreSQL `lock_timeout` for migrations that set none (default 5 s; `None` waits forever).
    ///
    /// A DDL statement waiting for its lock blocks every later query on the table, so waiting
    /// briefly and failing is safer than stalling the application.
    pub fn lock_timeout(mut self, timeout: Option<Duration>) -> Migrator {
        self.settings.lock_timeout = timeout;
        self
    }

    /// PostgreSQL `statement_timeout` for migrations that set none (default: none).
    pub fn statement_timeout(mut self, timeout: Option<Duration>) -> Migrator {
        self.settings.statement_timeout = timeout;
        self
    }

    /// How long to wait for another instance's migration lock (default: as long as it takes).
    pub fn lock_wait(mut self, wait: Option<Duration>) -> Migrator {
        self.settings.lock_wait = wait;
        self
    }

    /// The migrations, parents before children.
    pub fn migrations(&self) -> &[&'static Migration] {
        &self.migrations
    }

    /// The registration of migration `id`.
    pub fn registration(&self, id: &str) -> Option<&'static Registration> {
        self.registrations
            .iter()
            .copied()
            .find(|registration| registration.migration().id == id)
    }

    /// The migrations no other migration builds on.
    pub fn heads(&self) -> Vec<&'static Migration> {
        Graph::new(&self.migrations).heads()
    }

    /// The migration an id or unique prefix names.
    pub fn resolve(&self, revision: &str) -> Result<&'static Migration, Error> {
        Graph::new(&self.migrations).resolve(revision)
    }

    /// Applies what `target` needs, under the migration lock; returns what ran, in order.
    ///
    /// Refuses to start when an applied migration was edited since (drift) or when the database
    /// holds migrations this build does not know.
    pub fn upgrade<C: Database>(
        &self,
        conn: &mut C,
        target: Target,
    ) -> Result<Vec<Applied>, Error> {
        let graph = Graph::new(&self.migrations);
        lock::with_lock(conn, self.settings.lock_wait, |conn| {
            version_table::ensure(conn)?;
            // Re-read after taking the lock: another instance may have just applied migrations.
            let applied = self.checked_applied(conn)?;
            let applied_ids: BTreeSet<&str> = applied.iter().map(|row| row.id.as_str()).collect();
            let plan = graph.upgrade_plan(&applied_ids, &target)?;
            executor::run(self, conn, &plan, Direction::Up, self.settings)
        })
    }

    /// Undoes what `target` needs (`-N`, an id to go back to, or `base`), children first.
    ///
    /// A migration whose downgrade is `irreversible("…")` stops the plan before anything runs.
    pub fn downgrade<C: Database>(
        &self,
        conn: &mut C,
        target: Target,
    ) -> Result<Vec<Applied>, Error> {
        let graph = Graph::new(&self.migrations);
        lock::with_lock(conn, self.settings.lock_wait, |conn| {
            version_table::ensure(conn)?;
            let applied = self.checked_applied(conn)?;
            let applied_ids: BTreeSet<&str> = applied.iter().map(|row| row.id.as_str()).collect();
            let plan = graph.downgrade_plan(&applied_ids, &target)?;
            if let Some((id, reason)) =
                plan.iter()
                    .find_map(|migration| match &migration.downgrade {
                        migrate_core::model::Downgrade::Irreversible(reason) => {
                            Some((&migration.id, reason))
                        }
                        _ => None,
                    })
            {
                return Err(Error::Irreversible {
                    id: id.to_string(),
                    reason: reason.to_string(),
                });
            }
            executor::run(self, conn, &plan, Direction::Down, self.settings)
        })
    }

    /// The applied migrations that no applied migration builds on (what Alembic calls current).
    pub fn current<C: Database>(&self, conn: &mut C) -> Result<Vec<String>, Error> {
        let applied = version_table::read(conn)?;
        let ids: BTreeSet<&str> = applied.iter().map(|row| row.id.as_str()).collect();
        let applied_migrations: Vec<&'static Migration> = self
            .migrations
            .iter()
            .copied()
            .filter(|migration| ids.contains(migration.id.as_ref()))
            .collect();
        Ok(migrate_core::graph::heads(&applied_migrations)
            .iter()
            .map(|migration| migration.id.to_string())
            .collect())
    }

    /// The applied migrations as recorded, oldest first.
    pub fn applied<C: Database>(&self, conn: &mut C) -> Result<Vec<AppliedRow>, Error> {
        version_table::read(conn)
    }

    /// Every migration, parents first, with its record when it is applied.
    pub fn history<C: Database>(
        &self,
        conn: &mut C,
    ) -> Result<Vec<(&'static Migration, Option<AppliedRow>)>, Error> {
        let mut applied = version_table::read(conn)?;
        Ok(self
            .migrations
            .iter()
            .map(|migration| {
                let row = applied
                    .iter()
                    .position(|row| row.id == migration.id.as_ref())
                    .map(|index| applied.swap_remove(index));
                (*migration, row)
            })
            .collect())
    }

    /// The migrations an upgrade to every head would apply, in order.
    pub fn pending<C: Database>(&self, conn: &mut C) -> Result<Vec<&'static Migration>, Error> {
        let applied = version_table::read(conn)?;
        let ids: BTreeSet<&str> = applied.iter().map(|row| row.id.as_str()).collect();
        Graph::new(&self.migrations).upgrade_plan(&ids, &Target::Heads)
    }

    /// The applied set, after refusing drift and unknown migrations.
    fn checked_applied<C: Database>(&self, conn: &mut C) -> Result<Vec<AppliedRow>, Error> {
        let applied = version_table::read(conn)?;
        let mut unknown = Vec::new();
        for row in &applied {
            match self.migrations.iter().find(|m| m.id == row.id.as_str()) {
                Some(migration) if migration.checksum != row.checksum.as_str() => {
                    return Err(Error::Drift {
                        id: row.id.clone(),
                        recorded: row.checksum.clone(),
                        current: migration.checksum.to_string(),
                    })
                }
                Some(_) => {}
                None => unknown.push(row.id.clone()),
            }
        }
        if !unknown.is_empty() {
            return Err(Error::UnknownApplied { ids: unknown });
        }
        Ok(applied)
    }
}
