//! [`Migrator`]: the library API behind start-up migration and every CLI command.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use migrate_core::model::Migration;
use migrate_core::render::Dialect;

use crate::database::{Conn, Database};
use crate::executor::{self, Applied, Direction, Resume, Settings};
use crate::planner::{Graph, Target};
use crate::registry::{Migrations, Prepared, Registration, Sources};
use crate::script::{self, SqlRange, SqlScript};
use crate::squashed;
use crate::version_table::{self, AppliedRow, ProgressRow};
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
    /// The migrations, decoded and ordered on first use (see [`Migrator::new`]).
    prepared: std::sync::OnceLock<Prepared>,
    sources: Sources,
    /// The token's module path, recorded with each version row.
    owner: &'static str,
    /// Whether the compiler checked the migrations with MySQL's rules.
    checked_for_mysql: bool,
    /// See [`migrate_core::checksum::of_applied_set`].
    all_applied_digest: String,
    /// See [`migrate_core::checksum::applied_set_lines`]: what SQLite's version table reads as
    /// when it holds exactly these migrations.
    all_applied_lines: AppliedLines,
    settings: Settings,
    progress: ProgressHook,
    /// See [`Migrator::allow_unknown`].
    allow_unknown: bool,
    /// The caller (the CLI) tells the user about unknown applied migrations itself, so the
    /// runtime's `tracing` warning would say it twice.
    unknown_reported_by_caller: bool,
}

/// What the version table of a database at head reads as, in SQLite's one row.
#[derive(Debug)]
enum AppliedLines {
    /// Written by `migrations!()`.
    Compiled(&'static str),
    /// Computed from the decoded migrations.
    Folded(std::sync::Arc<str>),
}

impl AppliedLines {
    fn as_str(&self) -> &str {
        match self {
            AppliedLines::Compiled(lines) => lines,
            AppliedLines::Folded(lines) => lines,
        }
    }
}

/// How far a long step has got: reported for each batch of a backfill.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// The migration the step belongs to.
    pub migration: String,
    /// Rows done so far, and the rows that matched when the step started.
    pub rows_done: i64,
    pub rows_total: i64,
    pub rows_per_second: u64,
}

/// A progress callback, shared by clones of the migrator's settings.
type ReportProgress = std::sync::Arc<dyn Fn(&Progress) + Send + Sync>;

/// The callback of [`Migrator::on_progress`].
#[derive(Default, Clone)]
struct ProgressHook(Option<ReportProgress>);

impl std::fmt::Debug for ProgressHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Some(…)"
        } else {
            "None"
        })
    }
}

impl Migrator {
    /// Collects the migrations registered below the token's module, validates the graph (unique
    /// ids, known parents, no cycle) and orders it, parents first, ties broken by id.
    ///
    /// When `migrations!()` saw every migration of the set, it proved the graph at compile time
    /// and wrote what the version table of a database at head reads as: then nothing is decoded
    /// until something needs the migrations themselves, which a start-up with nothing pending
    /// does not. Otherwise the graph is computed here, once per process and token.
    pub fn new(migrations: &Migrations) -> Result<Migrator, Error> {
        let prepared = std::sync::OnceLock::new();
        let (lines, digest) = match migrations.compiled_applied_set() {
            Some((lines, digest)) => (AppliedLines::Compiled(lines), digest.to_owned()),
            None => {
                let eager = migrations.prepared().map_err(Error::Graph)?;
                if eager.registrations.is_empty() {
                    return Err(Error::NothingRegistered {
                        module: migrations.module(),
                    });
                }
                let _ = prepared.set(eager.clone());
                (
                    AppliedLines::Folded(eager.all_applied_lines.clone()),
                    eager.all_applied_digest.clone(),
                )
            }
        };
        Ok(Migrator {
            prepared,
            sources: migrations.sources(),
            all_applied_digest: digest,
            all_applied_lines: lines,
            progress: ProgressHook::default(),
            allow_unknown: false,
            unknown_reported_by_caller: false,
            owner: migrations.module(),
            checked_for_mysql: migrations.checked_for(Dialect::Mysql),
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

    /// Whether to go on when the database holds applied migrations this build does not have
    /// (default: refuse): after a deploy is rolled back, the older build finds the migrations the
    /// newer one applied.
    ///
    /// With it, `upgrade` applies what this build's own migrations still need, as if the unknown
    /// ones were not there, and logs their ids with `tracing::warn!`;
    /// [`Migrator::unknown_applied`] lists them. A `downgrade` that would undo anything is still
    /// refused while they are applied: this build cannot tell which of its migrations they build
    /// on, and cannot undo them. Migrations that another set of migrations recorded in the same
    /// table, and applied migrations edited since, are refused as before.
    ///
    /// ```
    /// # mod migrations {
    /// #     migrate_runtime::migration! {
    /// #         id: "0001_create_users", parent: none,
    /// #         change { create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id)); }
    /// #     }
    /// #     migrate_runtime::migrations!();
    /// # }
    /// use migrate_runtime::{AnyConnection, Database, Error, Migrator, Target};
    ///
    /// let mut conn = AnyConnection::establish(":memory:")?;
    /// let migrator = Migrator::new(&migrations::MIGRATIONS)?;
    /// migrator.upgrade(&mut conn, Target::Head)?;
    /// // A newer build of the app applied a migration this build does not have.
    /// conn.batch_execute(
    ///     "INSERT INTO migrate_versions (id, checksum, execution_ms, owner)
    ///      SELECT '0002_add_user_name', 'newer', 0, owner FROM migrate_versions",
    /// ).unwrap();
    /// assert!(matches!(migrator.upgrade(&mut conn, Target::Head), Err(Error::UnknownApplied { .. })));
    ///
    /// let migrator = migrator.allow_unknown(true);
    /// assert!(migrator.upgrade(&mut conn, Target::Head)?.is_empty());
    /// assert_eq!(migrator.unknown_applied(&mut conn)?[0].id, "0002_add_user_name");
    /// assert!(matches!(
    ///     migrator.downgrade(&mut conn, Target::Base),
    ///     Err(Error::DowngradeBelowUnknown { .. })
    /// ));
    /// # Ok::<(), migrate_runtime::Error>(())
    /// ```
    pub fn allow_unknown(mut self, allow: bool) -> Migrator {
        self.allow_unknown = allow;
        self
    }

    /// The CLI reports unknown applied migrations on its own: no `tracing` warning on top.
    #[cfg(feature = "cli")]
    pub(crate) fn unknown_reported_by_caller(mut self) -> Migrator {
        self.unknown_reported_by_caller = true;
        self
    }

    /// Calls `report` as long steps progress (each batch of a backfill), besides the `tracing`
    /// events: for a progress line, or a health endpoint that says what start-up is doing.
    ///
    /// ```
    /// # mod migrations {
    /// #     migrate_runtime::migration! {
    /// #         id: "0001_create_users", parent: none,
    /// #         change { create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id)); }
    /// #     }
    /// #     migrate_runtime::migrations!();
    /// # }
    /// let migrator = migrate_runtime::Migrator::new(&migrations::MIGRATIONS)?
    ///     .on_progress(|progress| eprintln!("{}: {} of {} rows", progress.migration, progress.rows_done, progress.rows_total));
    /// # Ok::<(), migrate_runtime::Error>(())
    /// ```
    pub fn on_progress(mut self, report: impl Fn(&Progress) + Send + Sync + 'static) -> Migrator {
        self.progress = ProgressHook(Some(std::sync::Arc::new(report)));
        self
    }

    pub(crate) fn report(&self, progress: &Progress) {
        if let Some(report) = &self.progress.0 {
            report(progress);
        }
    }

    /// The module path of the migrations' token, recorded as the owner of their version rows.
    /// Refuses to run on a backend whose rules the compiler did not check the migrations with.
    pub(crate) fn checked_for(&self, dialect: Dialect) -> Result<(), Error> {
        match dialect {
            Dialect::Mysql if !self.checked_for_mysql => Err(Error::NotCheckedFor {
                backend: "MySQL",
                target: "mysql",
                module: self.owner,
            }),
            _ => Ok(()),
        }
    }

    pub(crate) fn owner(&self) -> &'static str {
        self.owner
    }

    /// See [`Migrator::lock_wait`].
    pub(crate) fn lock_wait_setting(&self) -> Option<Duration> {
        self.settings.lock_wait
    }

    /// The migrations, parents before children.
    pub fn migrations(&self) -> &[&'static Migration] {
        &self.prepared().ordered
    }

    /// The migrations decoded and ordered, on first use when `migrations!()` proved the graph.
    fn prepared(&self) -> &Prepared {
        self.prepared.get_or_init(|| {
            self.sources
                .prepare()
                .expect("`migrations!()` proved this graph when it compiled the set")
        })
    }

    /// The registration of migration `id`.
    pub fn registration(&self, id: &str) -> Option<&'static Registration> {
        self.prepared()
            .registrations
            .iter()
            .copied()
            .find(|registration| registration.migration().id == id)
    }

    /// The schema the migrations build up to `revision` (an id or unique prefix) and everything it
    /// depends on; every migration when `None`. Computed from the migrations alone: no database.
    ///
    /// ```
    /// # mod migrations {
    /// #     migrate_runtime::migration! {
    /// #         id: "0001_create_users", parent: none,
    /// #         change { create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id)); }
    /// #     }
    /// #     migrate_runtime::migrations!();
    /// # }
    /// let migrator = migrate_runtime::Migrator::new(&migrations::MIGRATIONS)?;
    /// let schema = migrator.schema(None)?;
    /// assert_eq!(schema.tables[0].name, "users");
    /// assert_eq!(schema.tables[0].columns[1].name, "email");
    /// # Ok::<(), migrate_runtime::Error>(())
    /// ```
    pub fn schema(&self, revision: Option<&str>) -> Result<migrate_core::fold::Schema, Error> {
        let at = match revision {
            Some(revision) => Some(self.resolve(revision)?.id.as_ref()),
            None => None,
        };
        migrate_core::fold::schema(self.migrations(), at).map_err(Error::Graph)
    }

    /// How the live schema differs from the one the applied migrations build: an index made by
    /// hand, a column altered outside the migrations, a table dropped. Refuses first, as upgrades
    /// do, when the version table has drifted or holds migrations this build does not know (with
    /// [`Migrator::allow_unknown`], what those changed is among the differences).
    ///
    /// ```
    /// # mod migrations {
    /// #     migrate_runtime::migration! {
    /// #         id: "0001_create_users", parent: none,
    /// #         change { create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id)); }
    /// #     }
    /// #     migrate_runtime::migrations!();
    /// # }
    /// use migrate_runtime::{AnyConnection, Database, Migrator, Target};
    ///
    /// let mut conn = AnyConnection::establish(":memory:")?;
    /// let migrator = Migrator::new(&migrations::MIGRATIONS)?;
    /// migrator.upgrade(&mut conn, Target::Head)?;
    /// assert!(migrator.schema_drift(&mut conn)?.is_empty());
    /// conn.batch_execute("CREATE INDEX by_hand ON users (email)").unwrap();
    /// assert_eq!(
    ///     migrator.schema_drift(&mut conn)?[0].to_string(),
    ///     "index by_hand (on users (email)) is in the database but no migration builds it"
    /// );
    /// # Ok::<(), migrate_runtime::Error>(())
    /// ```
    pub fn schema_drift<C: Database>(
        &self,
        conn: &mut C,
    ) -> Result<Vec<migrate_core::fold::Difference>, Error> {
        let mut conn: Conn<'_> = conn;
        self.schema_drift_on(&mut conn)
    }

    fn schema_drift_on(
        &self,
        conn: &mut Conn<'_>,
    ) -> Result<Vec<migrate_core::fold::Difference>, Error> {
        let applied = self.verify(conn)?;
        let applied: BTreeSet<&str> = applied.iter().map(|row| row.id.as_str()).collect();
        let migrations: Vec<&Migration> = self
            .migrations()
            .iter()
            .copied()
            .filter(|migration| applied.contains(migration.id.as_ref()))
            .collect();
        let schema = migrate_core::fold::schema(&migrations, None).map_err(Error::Graph)?;
        let expected = migrate_core::fold::expected(&schema, conn.dialect());
        let live = crate::introspect::live(conn)?;
        Ok(migrate_core::fold::compare(
            &expected,
            &live,
            &schema.raw_sql_names,
        ))
    }

    /// The migrations that would take the schema the migrations build to the database's: what
    /// was changed by hand (a prototype in a development database), as safe typed ops (see
    /// [`migrate_core::fold::autogenerate`]). The database must be at head, so the difference is
    /// the hand-made change and not a migration it has yet to run; the version table is verified
    /// as for an upgrade. What the database has that no op can write is in
    /// [`Plan::unwritten`](migrate_core::fold::autogenerate::Plan::unwritten).
    ///
    /// ```
    /// # mod migrations {
    /// #     migrate_runtime::migration! {
    /// #         id: "0001_create_users", parent: none,
    /// #         change { create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id)); }
    /// #     }
    /// #     migrate_runtime::migrations!();
    /// # }
    /// use migrate_runtime::core::fold::autogenerate::Options;
    /// use migrate_runtime::{AnyConnection, Database, Migrator, Target};
    ///
    /// let mut conn = AnyConnection::establish(":memory:")?;
    /// let migrator = Migrator::new(&migrations::MIGRATIONS)?;
    /// migrator.upgrade(&mut conn, Target::Head)?;
    /// conn.batch_execute("ALTER TABLE users ADD COLUMN bio TEXT").unwrap();
    /// let plan = migrator.autogenerate(&mut conn, &Options::default())?;
    /// assert_eq!(plan.main[0].op.to_string(), "add_column(users, bio: text nullable)");
    /// # Ok::<(), migrate_runtime::Error>(())
    /// ```
    pub fn autogenerate<C: Database>(
        &self,
        conn: &mut C,
        options: &migrate_core::fold::autogenerate::Options,
    ) -> Result<migrate_core::fold::autogenerate::Plan, Error> {
        let mut conn: Conn<'_> = conn;
        self.autogenerate_on(&mut conn, options)
    }

    fn autogenerate_on(
        &self,
        conn: &mut Conn<'_>,
        options: &migrate_core::fold::autogenerate::Options,
    ) -> Result<migrate_core::fold::autogenerate::Plan, Error> {
        let applied = self.verify(conn)?;
        let applied: BTreeSet<&str> = applied.iter().map(|row| row.id.as_str()).collect();
        let pending = Graph::new(self.migrations()).upgrade_plan(&applied, &Target::Heads)?;
        if !pending.is_empty() {
            return Err(Error::NotAtHead {
                pending: pending.iter().map(|m| m.id.to_string()).collect(),
            });
        }
        let chain = self.schema(None)?;
        let live = crate::live_schema(conn)?;
        let mut plan = migrate_core::fold::autogenerate::plan(&chain, &live.target, options);
        plan.unwritten.extend(live.unwritten);
        plan.unwritten.extend(
            live.raw_objects
                .iter()
                .filter(|object| {
                    !chain
                        .raw_sql_names
                        .iter()
                        .any(|name| name.eq_ignore_ascii_case(&object.name))
                })
                .map(crate::RawObject::unwritten),
        );
        Ok(plan)
    }

    /// The migrations no other migration builds on.
    pub fn heads(&self) -> Vec<&'static Migration> {
        Graph::new(self.migrations()).heads()
    }

    /// The migration an id or unique prefix names.
    pub fn resolve(&self, revision: &str) -> Result<&'static Migration, Error> {
        Graph::new(self.migrations()).resolve(revision)
    }

    /// Applies what `target` needs, under the migration lock; returns what ran, in order.
    ///
    /// Refuses to start when an applied migration was edited since (drift) or when the database
    /// holds migrations this build does not know (unless [`Migrator::allow_unknown`]).
    pub fn upgrade<C: Database>(
        &self,
        conn: &mut C,
        target: Target,
    ) -> Result<Vec<Applied>, Error> {
        let mut conn: Conn<'_> = conn;
        self.upgrade_on(&mut conn, target)
    }

    fn upgrade_on(&self, conn: &mut Conn<'_>, target: Target) -> Result<Vec<Applied>, Error> {
        let plan =
            |graph: &Graph<'_>, applied: &BTreeSet<&str>| graph.upgrade_plan(applied, &target);
        if self.nothing_to_apply(conn, plan) {
            return Ok(Vec::new());
        }
        self.locked_run(conn, Direction::Up, plan)
    }

    /// The start-up fast path: one query, no lock and no DDL. True only when the database is
    /// known to need nothing: every row ours and unchanged, no run interrupted, and an empty plan.
    /// Anything else takes the locked path, which re-reads everything and reports what it finds.
    fn nothing_to_apply<C: Database>(
        &self,
        conn: &mut C,
        plan: impl Fn(&Graph<'_>, &BTreeSet<&str>) -> Result<Vec<&'static Migration>, Error>,
    ) -> bool {
        // PostgreSQL hashes the version table itself; SQLite, which has no SHA-256 and runs in
        // the process, gives its lines in one row: either way one row says whether it holds
        // exactly this build's migrations, unchanged and ours, with no run interrupted. Nothing
        // is decoded before that answer: a database at head needs none of the migrations.
        let same = match conn.dialect() {
            Dialect::Postgres => {
                Some(version_table::digest(conn, self.owner).is_ok_and(|digest| {
                    digest.as_deref() == Some(self.all_applied_digest.as_str())
                }))
            }
            Dialect::Sqlite => Some(
                version_table::sqlite_lines(conn, self.owner)
                    .is_ok_and(|lines| lines.as_deref() == Some(self.all_applied_lines.as_str())),
            ),
            Dialect::Mysql => None,
        };
        if same == Some(true) {
            return true;
        }
        let graph = Graph::new(self.migrations());
        // A squash recorded as the migrations it replaces has other rows than this build's
        // migrations: those rows are read below, a second query only such databases make.
        if same.is_some() && !graph.has_replacements() {
            return false;
        }
        let Ok(rows) = version_table::snapshot(conn) else {
            return false;
        };
        let mut applied = BTreeSet::new();
        for [id, checksum, owner, kind] in &rows {
            let (Some(id), Some(checksum), Some(owner)) = (id, checksum, owner) else {
                return false;
            };
            // A replaced migration's row: its checksum is the original's, which this build
            // does not have; whether its squash is applied whole is decided below.
            let unchanged = graph
                .get(id)
                .map(|migration| migration.checksum == checksum.as_str())
                .or_else(|| graph.replacing(id).map(|_| true))
                .unwrap_or(false);
            if kind.as_deref() != Some("applied") || !unchanged || owner != self.owner {
                return false;
            }
            applied.insert(id.as_str());
        }
        let mut squashed = Vec::new();
        for squash in graph.squashes() {
            let recorded = squash
                .replaces
                .iter()
                .filter(|id| applied.contains(id.as_ref()))
                .count();
            match recorded {
                0 => {}
                all if all == squash.replaces.len() => squashed.push(squash.id.as_ref()),
                // Part-way through a squashed range: the locked path refuses it, saying why.
                _ => return false,
            }
        }
        applied.retain(|id| graph.get(id).is_some());
        applied.extend(squashed);
        plan(&graph, &applied).is_ok_and(|plan| plan.is_empty())
    }

    /// Undoes what `target` needs (`-N`, an id to go back to, or `base`), children first.
    ///
    /// A migration whose downgrade is `irreversible("…")` stops the plan before anything runs, and
    /// so do applied migrations this build does not have (see [`Migrator::allow_unknown`]).
    pub fn downgrade<C: Database>(
        &self,
        conn: &mut C,
        target: Target,
    ) -> Result<Vec<Applied>, Error> {
        let mut conn: Conn<'_> = conn;
        self.downgrade_on(&mut conn, target)
    }

    fn downgrade_on(&self, conn: &mut Conn<'_>, target: Target) -> Result<Vec<Applied>, Error> {
        self.locked_run(conn, Direction::Down, |graph, applied| {
            let plan = graph.downgrade_plan(applied, &target)?;
            // The unknown ones are newer migrations of a newer build: any migration of the plan
            // may be one they build on, and this build cannot undo them first.
            let unknown: Vec<String> = applied
                .iter()
                .filter(|id| graph.get(id).is_none())
                .map(|id| id.to_string())
                .collect();
            if let (Some(first), false) = (plan.first(), unknown.is_empty()) {
                return Err(Error::DowngradeBelowUnknown {
                    id: first.id.to_string(),
                    unknown,
                });
            }
            // Refuse an irreversible migration before anything of the plan runs.
            for migration in &plan {
                crate::script::ops(migration, Direction::Down)?;
            }
            Ok(plan)
        })
    }

    /// Under the migration lock: the applied set re-read (another instance may have just
    /// migrated) and checked for drift and holes, interrupted migrations checked, the plan made
    /// from it, and the plan run.
    fn locked_run<C: Database>(
        &self,
        conn: &mut C,
        direction: Direction,
        plan: impl FnOnce(&Graph<'_>, &BTreeSet<&str>) -> Result<Vec<&'static Migration>, Error>,
    ) -> Result<Vec<Applied>, Error> {
        self.checked_for(conn.dialect())?;
        let graph = Graph::new(self.migrations());
        lock::with_lock(conn, self.settings.lock_wait, |conn| {
            let fresh_version_table = version_table::ensure(conn)?;
            let applied = self.checked_applied(conn)?;
            let applied_ids: BTreeSet<&str> = applied.iter().map(|row| row.id.as_str()).collect();
            let interrupted = self.live_progress(conn, &applied_ids)?;
            let plan = plan(&graph, &applied_ids)?;
            for row in &interrupted {
                let continues = row.direction == direction.name()
                    && plan.iter().any(|migration| migration.id == row.id.as_str());
                if !continues {
                    return Err(self.interrupted_elsewhere(row));
                }
            }
            let resume = Resume {
                steps_done: interrupted
                    .into_iter()
                    .map(|row| (row.id, row.steps_done))
                    .collect(),
                fresh_version_table,
            };
            executor::run(self, conn, &plan, direction, self.settings, &resume)
        })
    }

    /// The progress rows that describe a run still to finish. Rows that no longer do (the
    /// migration was stamped, or its record changed by hand since) are deleted; a row of a
    /// migration edited since it was interrupted is refused.
    fn live_progress<C: Database>(
        &self,
        conn: &mut C,
        applied: &BTreeSet<&str>,
    ) -> Result<Vec<ProgressRow>, Error> {
        let mut live = Vec::new();
        for row in version_table::progress(conn)? {
            let Some(migration) = self.migrations().iter().find(|m| m.id == row.id.as_str()) else {
                // A newer build's or another app's migration: not ours to judge.
                continue;
            };
            let is_applied = applied.contains(row.id.as_str());
            let stale = match row.direction.as_str() {
                "up" => is_applied,
                "down" => !is_applied,
                _ => true,
            };
            if stale {
                tracing::warn!(id = %row.id, direction = %row.direction, "removing a progress record the version table contradicts");
                conn.batch_execute(&version_table::clear_progress_sql(&row.id))
                    .map_err(|source| Error::Database {
                        context: "removing a stale progress record".into(),
                        source,
                    })?;
                continue;
            }
            if let Some(recorded) = row.checksum.as_deref() {
                if recorded != migration.checksum.as_ref() {
                    return Err(Error::InterruptedEdited {
                        id: row.id.clone(),
                        direction: direction_name(&row.direction),
                        steps_done: row.steps_done,
                        recorded: recorded.to_owned(),
                        current: migration.checksum.to_string(),
                    });
                }
            }
            live.push(row);
        }
        Ok(live)
    }

    fn interrupted_elsewhere(&self, row: &ProgressRow) -> Error {
        let finish = match row.direction.as_str() {
            "up" => format!("`migrate upgrade {}`", row.id),
            _ => {
                let graph = Graph::new(self.migrations());
                let parents = graph
                    .get(&row.id)
                    .map(|m| graph.parents(m))
                    .unwrap_or_default();
                match parents.as_slice() {
                    [] => "`migrate downgrade base`".to_owned(),
                    parents => format!("`migrate downgrade {}`", parents[0]),
                }
            }
        };
        Error::InterruptedElsewhere {
            id: row.id.clone(),
            direction: direction_name(&row.direction),
            steps_done: row.steps_done,
            finish,
        }
    }

    /// The step-by-step migrations whose last run stopped before the end: what they left in the
    /// database, and what the next run will do. Empty when every run finished.
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
    /// migrator.upgrade(&mut conn, Target::Head)?;
    /// assert!(migrator.interrupted(&mut conn)?.is_empty());
    /// # Ok::<(), migrate_runtime::Error>(())
    /// ```
    pub fn interrupted<C: Database>(&self, conn: &mut C) -> Result<Vec<Interrupted>, Error> {
        let mut conn: Conn<'_> = conn;
        self.interrupted_on(&mut conn)
    }

    fn interrupted_on(&self, conn: &mut Conn<'_>) -> Result<Vec<Interrupted>, Error> {
        if !version_table::exists(conn)? {
            return Ok(Vec::new());
        }
        let applied = self.read_applied(conn)?;
        let applied_ids: BTreeSet<&str> = applied.iter().map(|row| row.id.as_str()).collect();
        let mut interrupted = Vec::new();
        let mut renderer = script::Renderer::new(self.migrations(), conn.dialect());
        for row in version_table::progress(conn)? {
            let Some(migration) = self.migrations().iter().find(|m| m.id == row.id.as_str()) else {
                continue;
            };
            let direction = match row.direction.as_str() {
                "up" if !applied_ids.contains(row.id.as_str()) => Direction::Up,
                "down" if applied_ids.contains(row.id.as_str()) => Direction::Down,
                _ => continue,
            };
            let rendered = script::ops(migration, direction)
                .and_then(|ops| Ok((ops, renderer.render(migration, direction)?)));
            let steps: Vec<String> = match rendered {
                Ok((ops, rendered)) => executor::steps(ops, rendered)
                    .into_iter()
                    .map(|(_, _, _, step)| step.display_sql())
                    .collect(),
                Err(_) => Vec::new(),
            };
            let done = row.steps_done.min(steps.len());
            interrupted.push(Interrupted {
                id: row.id.clone(),
                direction,
                steps_done: row.steps_done,
                steps_total: steps.len(),
                edited: row
                    .checksum
                    .as_deref()
                    .is_some_and(|recorded| recorded != migration.checksum.as_ref()),
                completed: steps[..done].to_vec(),
                next: steps.get(done).cloned(),
            });
        }
        Ok(interrupted)
    }

    /// The applied migrations that no applied migration builds on (what Alembic calls current).
    /// Only this build's migrations: [`Migrator::unknown_applied`] lists the others.
    pub fn current<C: Database>(&self, conn: &mut C) -> Result<Vec<String>, Error> {
        let mut conn: Conn<'_> = conn;
        self.current_on(&mut conn)
    }

    fn current_on(&self, conn: &mut Conn<'_>) -> Result<Vec<String>, Error> {
        let applied = self.read_applied(conn)?;
        let ids: BTreeSet<&str> = applied.iter().map(|row| row.id.as_str()).collect();
        let applied_migrations: Vec<&'static Migration> = self
            .migrations()
            .iter()
            .copied()
            .filter(|migration| ids.contains(migration.id.as_ref()))
            .collect();
        Ok(migrate_core::graph::heads(&applied_migrations)
            .iter()
            .map(|migration| migration.id.to_string())
            .collect())
    }

    /// The applied migrations as recorded, oldest first. A squash applied before it existed
    /// (the database recorded every migration it replaces) is one row under its own id, whose
    /// [`AppliedRow::recorded_as`] names those migrations; a database that recorded some of them
    /// but not all is refused ([`Error::PartlySquashed`]).
    ///
    /// ```
    /// # mod before {
    /// #     mod m0001 { migrate_runtime::migration! { id: "0001_create_users", parent: none,
    /// #         change { create_table(users, { id: bigint identity }, primary_key: pk_users(id)); } } }
    /// #     mod m0002 { migrate_runtime::migration! { id: "0002_add_name", parent: "0001_create_users",
    /// #         change { add_column(users, name: text nullable); } } }
    /// #     migrate_runtime::migrations!();
    /// # }
    /// // `migrate squash 0001:0002` replaced both by one migration.
    /// mod after {
    ///     migrate_runtime::migration! {
    ///         id: "0003_squash", parent: none,
    ///         replaces: ["0001_create_users", "0002_add_name"],
    ///         names: adopted,
    ///         change { create_table(users, { id: bigint identity, name: text nullable }, primary_key: pk_users(id)); }
    ///     }
    ///     migrate_runtime::migrations!();
    /// }
    /// use migrate_runtime::{AnyConnection, Migrator, Target};
    ///
    /// let mut conn = AnyConnection::establish(":memory:")?;
    /// Migrator::new(&before::MIGRATIONS)?.upgrade(&mut conn, Target::Head)?;
    ///
    /// let migrator = Migrator::new(&after::MIGRATIONS)?;
    /// assert!(migrator.upgrade(&mut conn, Target::Head)?.is_empty());
    /// let applied = migrator.applied(&mut conn)?;
    /// assert_eq!(applied.len(), 1);
    /// assert_eq!(applied[0].id, "0003_squash");
    /// assert_eq!(applied[0].recorded_as, ["0001_create_users", "0002_add_name"]);
    /// # Ok::<(), migrate_runtime::Error>(())
    /// ```
    pub fn applied<C: Database>(&self, conn: &mut C) -> Result<Vec<AppliedRow>, Error> {
        let mut conn: Conn<'_> = conn;
        self.applied_on(&mut conn)
    }

    fn applied_on(&self, conn: &mut Conn<'_>) -> Result<Vec<AppliedRow>, Error> {
        self.read_applied(conn)
    }

    /// The version table as this build reads it: see [`crate::squashed`].
    fn recorded<C: Database>(&self, conn: &mut C) -> Result<squashed::Recorded, Error> {
        let rows = version_table::read(conn)?;
        Ok(squashed::read(rows, &Graph::new(self.migrations())))
    }

    /// [`Migrator::recorded`], refusing a database part-way through a squashed range.
    fn read_applied<C: Database>(&self, conn: &mut C) -> Result<Vec<AppliedRow>, Error> {
        self.recorded(conn)?.whole()
    }

    /// The applied migrations this build does not have and that are not another set's (their
    /// rows name these migrations' module, or no module): newer migrations, which a newer build
    /// applied. Oldest first; empty when the database is not ahead of this build.
    ///
    /// See [`Migrator::allow_unknown`] for an example.
    pub fn unknown_applied<C: Database>(&self, conn: &mut C) -> Result<Vec<AppliedRow>, Error> {
        let mut conn: Conn<'_> = conn;
        self.unknown_applied_on(&mut conn)
    }

    fn unknown_applied_on(&self, conn: &mut Conn<'_>) -> Result<Vec<AppliedRow>, Error> {
        let graph = Graph::new(self.migrations());
        let mut unknown: Vec<AppliedRow> = self
            .read_applied(conn)?
            .into_iter()
            .filter(|row| graph.get(&row.id).is_none())
            .collect();
        if unknown.is_empty() {
            return Ok(unknown);
        }
        let owners: BTreeMap<String, Option<String>> =
            version_table::owners(conn)?.into_iter().collect();
        unknown.retain(|row| match owners.get(&row.id) {
            Some(Some(owner)) => owner == self.owner,
            _ => true,
        });
        Ok(unknown)
    }

    /// Every migration, parents first, with its record when it is applied.
    pub fn history<C: Database>(
        &self,
        conn: &mut C,
    ) -> Result<Vec<(&'static Migration, Option<AppliedRow>)>, Error> {
        let mut conn: Conn<'_> = conn;
        self.history_on(&mut conn)
    }

    fn history_on(
        &self,
        conn: &mut Conn<'_>,
    ) -> Result<Vec<(&'static Migration, Option<AppliedRow>)>, Error> {
        let mut applied = self.read_applied(conn)?;
        Ok(self
            .migrations()
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

    /// The migrations an upgrade to every head would apply, in order. Applied migrations this
    /// build does not have play no part: they are not in its graph.
    pub fn pending<C: Database>(&self, conn: &mut C) -> Result<Vec<&'static Migration>, Error> {
        let mut conn: Conn<'_> = conn;
        self.pending_on(&mut conn)
    }

    fn pending_on(&self, conn: &mut Conn<'_>) -> Result<Vec<&'static Migration>, Error> {
        let applied = self.read_applied(conn)?;
        let ids: BTreeSet<&str> = applied.iter().map(|row| row.id.as_str()).collect();
        Graph::new(self.migrations()).upgrade_plan(&ids, &Target::Heads)
    }

    /// The SQL that upgrading or downgrading over `range` runs, for `dialect`, without a database.
    ///
    /// Upgrading to `range.to` a database at `range.from` runs exactly these statements (and the
    /// runtime's own bookkeeping around them: transactions, timeouts, the version table). A range
    /// going down is the downgrade script; an irreversible migration in it is an error.
    ///
    /// Some steps have no fixed SQL: a Rust data step (other than
    /// [`nothing_to_undo`](crate::data::nothing_to_undo)), an SQLite table rebuild, an op the
    /// dialect cannot express. They are comments in [`SqlScript::sql`](crate::SqlScript::sql)
    /// and listed in [`SqlScript::missing`](crate::SqlScript::missing): running such a script
    /// alone does not do what the upgrade does.
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
    /// #     mod m0003 {
    /// #         migrate_runtime::migration! {
    /// #             id: "0003_fill_user_names", parent: "0002_add_user_name",
    /// #             change { run(up: super::fill_names, down: migrate_runtime::data::nothing_to_undo); }
    /// #         }
    /// #     }
    /// #     pub fn fill_names(_: &mut migrate_runtime::DataConnection<'_>) -> Result<(), migrate_runtime::BoxError> { Ok(()) }
    /// #     migrate_runtime::migrations!();
    /// # }
    /// use migrate_runtime::core::render::Dialect;
    /// use migrate_runtime::Migrator;
    ///
    /// let migrator = Migrator::new(&migrations::MIGRATIONS)?;
    /// let up = migrator.sql(&"0001:0002".parse().unwrap(), Dialect::Postgres)?;
    /// assert!(up.sql.contains(r#"ALTER TABLE "users" ADD COLUMN "name" text;"#));
    /// assert!(up.is_complete());
    /// let down = migrator.sql(&"0002:0001".parse().unwrap(), Dialect::Postgres)?;
    /// assert!(down.sql.contains(r#"ALTER TABLE "users" DROP COLUMN "name";"#));
    ///
    /// // 0003 runs Rust: its script is partial, and says what it leaves out.
    /// let partial = migrator.sql(&"0002:0003".parse().unwrap(), Dialect::Postgres)?;
    /// assert_eq!(
    ///     partial.missing[0].to_string(),
    ///     "0003_fill_user_names op 1 `run(up: super::fill_names, down: migrate_runtime::data::nothing_to_undo)`: a Rust data step: `super::fill_names` runs as Rust code, which no SQL script holds"
    /// );
    /// // Its downgrade runs `nothing_to_undo` only, which needs no SQL.
    /// assert!(migrator.sql(&"0003:0002".parse().unwrap(), Dialect::Postgres)?.is_complete());
    /// # Ok::<(), migrate_runtime::Error>(())
    /// ```
    pub fn sql(&self, range: &SqlRange, dialect: Dialect) -> Result<SqlScript, Error> {
        let graph = Graph::new(self.migrations());
        let (plan, direction) = script::plan(&graph, range)?;
        script::render(self.migrations(), &plan, direction, dialect)
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
        let mut conn: Conn<'_> = conn;
        self.stamp_on(&mut conn, target)
    }

    fn stamp_on(&self, conn: &mut Conn<'_>, target: Target) -> Result<Stamp, Error> {
        let graph = Graph::new(self.migrations());
        lock::with_lock(conn, self.settings.lock_wait, |conn| {
            version_table::ensure(conn)?;
            // Stamping is how a database part-way through a squashed range is told what it has,
            // so such rows are no refusal here: they are removed, and the squash recorded when
            // the target includes it.
            let recorded = self.recorded(conn)?;
            let applied_ids: BTreeSet<&str> =
                recorded.rows.iter().map(|row| row.id.as_str()).collect();
            let record = match target {
                Target::Base | Target::Relative(..0) => Vec::new(),
                _ => graph.upgrade_plan(&applied_ids, &target)?,
            };
            let remove = match target {
                Target::Head | Target::Heads | Target::Relative(0..) => Vec::new(),
                _ => graph.downgrade_plan(&applied_ids, &target)?,
            };
            let partial_rows: Vec<String> = recorded
                .partial
                .iter()
                .flat_map(|partial| partial.applied.iter().cloned())
                .collect();
            let statements: Vec<String> = remove
                .iter()
                .map(|migration| version_table::unrecord_sql(migration))
                .chain(partial_rows.iter().map(|id| version_table::delete_sql(id)))
                .chain(record.iter().map(|migration| {
                    version_table::insert_sql(migration, self.owner, 0, conn.dialect())
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
            let ids = |plan: Vec<&'static Migration>| plan.into_iter().map(|m| m.id.to_string());
            Ok(Stamp {
                recorded: ids(record).collect(),
                removed: ids(remove).chain(partial_rows).collect(),
            })
        })
    }

    /// The applied set, after refusing drift (an applied migration edited since) and migrations
    /// this build does not know: what `upgrade` checks before it runs anything.
    pub fn verify<C: Database>(&self, conn: &mut C) -> Result<Vec<AppliedRow>, Error> {
        let mut conn: Conn<'_> = conn;
        self.verify_on(&mut conn)
    }

    fn verify_on(&self, conn: &mut Conn<'_>) -> Result<Vec<AppliedRow>, Error> {
        self.checked_applied(conn)
    }

    /// The applied set, after refusing what makes it untrustworthy: an applied migration edited
    /// since (drift), rows this build cannot account for, and an applied migration whose parent
    /// is not applied (a row deleted by hand, which would make the next upgrade run it again).
    fn checked_applied<C: Database>(&self, conn: &mut C) -> Result<Vec<AppliedRow>, Error> {
        let applied = self.read_applied(conn)?;
        let known: BTreeMap<&str, &'static Migration> = self
            .migrations()
            .iter()
            .map(|migration| (migration.id.as_ref(), *migration))
            .collect();
        let unexpected = applied.iter().any(|row| {
            known
                .get(row.id.as_str())
                .is_none_or(|migration| migration.checksum != row.checksum.as_str())
        });
        if unexpected {
            match self.explain_unexpected(conn, &applied, &known)? {
                Error::UnknownApplied { ids, .. } if self.allow_unknown => {
                    if !self.unknown_reported_by_caller {
                        tracing::warn!(
                            unknown = %ids.join(", "),
                            "the database has migrations this build does not have, applied by a newer build; going on without them (allow_unknown)"
                        );
                    }
                }
                error => return Err(error),
            }
        }
        let applied_ids: BTreeSet<&str> = applied.iter().map(|row| row.id.as_str()).collect();
        let graph = Graph::new(self.migrations());
        for migration in self.migrations() {
            if !applied_ids.contains(migration.id.as_ref()) {
                continue;
            }
            if let Some(parent) = graph
                .parents(migration)
                .into_iter()
                .find(|parent| !applied_ids.contains(parent))
            {
                return Err(Error::MissingParent {
                    id: migration.id.to_string(),
                    parent: parent.to_string(),
                    stamp: self.applied_head_above(migration, &applied_ids),
                });
            }
        }
        Ok(applied)
    }

    /// Why the version table has rows this build cannot account for, from who recorded them.
    fn explain_unexpected<C: Database>(
        &self,
        conn: &mut C,
        applied: &[AppliedRow],
        known: &BTreeMap<&str, &'static Migration>,
    ) -> Result<Error, Error> {
        let owners: BTreeMap<String, Option<String>> =
            version_table::owners(conn)?.into_iter().collect();
        let owner_of = |id: &str| owners.get(id).cloned().flatten();
        // Another owner's rows are another set of migrations only when some of them are not
        // ours: rows that all are ours mean the migrations moved to another module or crate.
        let other_set = |owner: &str| {
            owner != self.owner
                && applied.iter().any(|row| {
                    owner_of(&row.id).as_deref() == Some(owner)
                        && !known.contains_key(row.id.as_str())
                })
        };
        let mut unknown = Vec::new();
        let mut newer_build = true;
        for row in applied {
            let owner = owner_of(&row.id);
            match known.get(row.id.as_str()) {
                Some(migration) if migration.checksum == row.checksum.as_str() => {}
                Some(migration) => {
                    return Ok(match owner {
                        Some(owner) if other_set(&owner) => Error::SharedId {
                            id: row.id.clone(),
                            owner,
                            ours: self.owner.to_owned(),
                        },
                        _ => Error::Drift {
                            id: row.id.clone(),
                            recorded: row.checksum.clone(),
                            current: migration.checksum.to_string(),
                        },
                    })
                }
                None => match owner {
                    Some(owner) if owner != self.owner => {
                        let ids = applied
                            .iter()
                            .filter(|row| {
                                owner_of(&row.id).as_deref() == Some(owner.as_str())
                                    && !known.contains_key(row.id.as_str())
                            })
                            .map(|row| row.id.clone())
                            .collect();
                        return Ok(Error::ForeignApplied {
                            owner,
                            ours: self.owner.to_owned(),
                            ids,
                        });
                    }
                    owner => {
                        newer_build &= owner.is_some();
                        unknown.push(row.id.clone());
                    }
                },
            }
        }
        Ok(Error::UnknownApplied {
            ids: unknown,
            newer_build,
        })
    }

    /// An applied head that depends on `migration` (or `migration` itself).
    fn applied_head_above(&self, migration: &Migration, applied: &BTreeSet<&str>) -> String {
        let graph = Graph::new(self.migrations());
        let mut head = migration.id.to_string();
        // Parents come first in `self.migrations`: walk forward, following applied children.
        for candidate in self.migrations() {
            if applied.contains(candidate.id.as_ref())
                && graph
                    .parents(candidate)
                    .iter()
                    .any(|parent| *parent == head)
            {
                head = candidate.id.to_string();
            }
        }
        head
    }
}

/// A step-by-step migration whose last run stopped before the end; see [`Migrator::interrupted`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interrupted {
    pub id: String,
    /// The direction the interrupted run was going.
    pub direction: Direction,
    /// How many of its steps completed and are recorded.
    pub steps_done: usize,
    /// How many steps it has in this build.
    pub steps_total: usize,
    /// It was edited since the run stopped: the next run refuses to resume it.
    pub edited: bool,
    /// The SQL of the completed steps (as this build renders them): what the database holds of it.
    pub completed: Vec<String>,
    /// The SQL of the step the next run starts with.
    pub next: Option<String>,
}

impl Interrupted {
    /// What the next `upgrade` (or `downgrade`) does with it, in one sentence.
    pub fn retry(&self) -> String {
        let command = match self.direction {
            Direction::Up => "upgrade",
            Direction::Down => "downgrade",
        };
        if self.edited {
            return format!(
                "the next {command} refuses to go on: the migration was edited since; restore it as it was to finish it"
            );
        }
        match &self.next {
            Some(_) => format!(
                "the next {command} resumes it at step {} of {}, then records it",
                self.steps_done + 1,
                self.steps_total
            ),
            None => format!("the next {command} records it: every step completed"),
        }
    }
}

fn direction_name(direction: &str) -> &'static str {
    match direction {
        "down" => "down",
        _ => "up",
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
