//! [`Migrator`]: the library API behind start-up migration and every CLI command.

use std::collections::BTreeSet;
use std::time::Duration;

use migrate_core::model::Migration;
use migrate_core::render::Dialect;

use crate::database::Database;
use crate::executor::{self, Applied, Direction, Settings};
use crate::planner::{Graph, Target};
use crate::registry::{Migrations, Registration};
use crate::script::{self, SqlRange};
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
        self.locked_run(conn, Direction::Up, |graph, applied| {
            graph.upgrade_plan(applied, &target)
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
        self.locked_run(conn, Direction::Down, |graph, applied| {
            let plan = graph.downgrade_plan(applied, &target)?;
            // Refuse an irreversible migration before anything of the plan runs.
            for migration in &plan {
                crate::script::ops(migration, Direction::Down)?;
            }
            Ok(plan)
        })
    }

    /// Under the migration lock: the applied set re-read (another instance may have just
    /// migrated) and checked for drift, the plan made from it, and the plan run.
    fn locked_run<C: Database>(
        &self,
        conn: &mut C,
        direction: Direction,
        plan: impl FnOnce(&Graph<'_>, &BTreeSet<&str>) -> Result<Vec<&'static Migration>, Error>,
    ) -> Result<Vec<Applied>, Error> {
        let graph = Graph::new(&self.migrations);
        lock::with_lock(conn, self.settings.lock_wait, |conn| {
            version_table::ensure(conn)?;
            let applied = self.checked_applied(conn)?;
            let applied_ids: BTreeSet<&str> = applied.iter().map(|row| row.id.as_str()).collect();
            let plan = plan(&graph, &applied_ids)?;
            executor::run(self, conn, &plan, direction, self.settings)
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

    /// The SQL that upgrading or downgrading over `range` runs, for `dialect`, without a database.
    ///
    /// Upgrading to `range.to` a database at `range.from` runs exactly these statements (and the
    /// runtime's own bookkeeping around them: transactions, timeouts, the version table); a Rust
    /// data step and an SQLite table rebuild, which have no fixed SQL, are shown as comments. A
    /// range going down is the downgrade script; an irreversible migration in it is an error.
    ///
    /// ```
    /// # mod migrations {
    /// #     mod m0001 {
    /// #         migrate_runtime::migration! {
    /// #             id: "0001_create_users", parent: none,
    /// #             change { create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id)); }
    /// #         }
    /// #     }
    /// #     mod m0002 {
    /// #         migrate_runtime::migration! {
    /// #             id: "0002_add_user_name", parent: "0001_create_users",
    /// #             change { add_column(users, name: text nullable); }
    /// #         }
    /// #     }
    /// #     migrate_runtime::migrations!();
    /// # }
    /// use migrate_runtime::core::render::Dialect;
    /// use migrate_runtime::Migrator;
    ///
    /// let migrator = Migrator::new(&migrations::MIGRATIONS)?;
    /// let up = migrator.sql(&"0001:head".parse().unwrap(), Dialect::Postgres)?;
    /// assert!(up.contains(r#"ALTER TABLE "users" ADD COLUMN "name" text;"#));
    /// let down = migrator.sql(&"head:0001".parse().unwrap(), Dialect::Postgres)?;
    /// assert!(down.contains(r#"ALTER TABLE "users" DROP COLUMN "name";"#));
    /// # Ok::<(), migrate_runtime::Error>(())
    /// ```
    pub fn sql(&self, range: &SqlRange, dialect: Dialect) -> Result<String, Error> {
        let graph = Graph::new(&self.migrations);
        let (plan, direction) = script::plan(&graph, range)?;
        script::render(&plan, direction, dialect)
    }

    /// Makes the version table say the database is at `target` without running any migration:
    /// records `target` and everything it depends on as applied, and removes the records of
    /// migrations that build on it. For adopting a database whose schema already is at `target`
    /// (created by hand, or by another tool), or for repairing the version table.
    ///
    /// `head`, `heads` and `+N` only record; `base` and `-N` only remove.
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
    /// let stamp = migrator.stamp(&mut conn, Target::Head)?;
    /// assert_eq!(stamp.recorded, ["0001_create_users"]);
    /// assert!(migrator.pending(&mut conn)?.is_empty()); // and no table was created
    /// # Ok::<(), migrate_runtime::Error>(())
    /// ```
    pub fn stamp<C: Database>(&self, conn: &mut C, target: Target) -> Result<Stamp, Error> {
        let graph = Graph::new(&self.migrations);
        lock::with_lock(conn, self.settings.lock_wait, |conn| {
            version_table::ensure(conn)?;
            let applied = version_table::read(conn)?;
            let applied_ids: BTreeSet<&str> = applied.iter().map(|row| row.id.as_str()).collect();
            let record = match target {
                Target::Base | Target::Relative(..0) => Vec::new(),
                _ => graph.upgrade_plan(&applied_ids, &target)?,
            };
            let remove = match target {
                Target::Head | Target::Heads | Target::Relative(0..) => Vec::new(),
                _ => graph.downgrade_plan(&applied_ids, &target)?,
            };
            let statements: Vec<String> = remove
                .iter()
                .map(|migration| version_table::delete_sql(&migration.id))
                .chain(record.iter().map(|migration| {
                    version_table::insert_sql(&migration.id, &migration.checksum, 0)
                }))
                .collect();
            if !statements.is_empty() {
                let db_error = |source| Error::Database {
                    context: "stamping the version table".into(),
                    source,
                };
                conn.begin(None).map_err(db_error)?;
                if let Err(source) = conn.batch_execute(&statements.join(";\n")) {
                    let _ = conn.rollback();
                    return Err(db_error(source));
                }
                conn.commit().map_err(db_error)?;
            }
            let ids =
                |plan: Vec<&'static Migration>| plan.iter().map(|m| m.id.to_string()).collect();
            Ok(Stamp {
                recorded: ids(record),
                removed: ids(remove),
            })
        })
    }

    /// The applied set, after refusing drift (an applied migration edited since) and migrations
    /// this build does not know: what `upgrade` checks before it runs anything.
    pub fn verify<C: Database>(&self, conn: &mut C) -> Result<Vec<AppliedRow>, Error> {
        self.checked_applied(conn)
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

/// What [`Migrator::stamp`] changed in the version table; no migration ran.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stamp {
    /// Recorded as applied, parents first.
    pub recorded: Vec<String>,
    /// Records removed, children first.
    pub removed: Vec<String>,
}
