//! Running a plan: one transaction per migration where the dialect has transactional DDL, op by op
//! for non-transactional migrations, and errors that name the migration, the op and the SQL.
//!
//! A non-transactional migration records in `migrate_progress` each step it completes (an online
//! op has several: `NOT VALID`, then `VALIDATE`), in the same transaction as the step where the
//! step can have one, so a run that stops half-way resumes after the last completed step instead
//! of failing on "already exists" or repeating a data step. Steps that cannot share a transaction
//! with their record (`CREATE INDEX CONCURRENTLY`, a backfill's batches) are idempotent. A
//! `CREATE INDEX CONCURRENTLY` that failed leaves an INVALID index under its name; the renderer
//! puts a step before each concurrent build that drops it. A step whose failure would leave an
//! enforced helper behind is rewound ([`rewind_after_failure`]).

use std::time::{Duration, Instant};

use migrate_core::model::{Migration, Op};
use migrate_core::render::{quote_ident, rewind_after_failure, Dialect, Keyset, Step};

use crate::database::Database;
use crate::error::StepError;
use crate::script::Wrap;
use crate::version_table;
use crate::{Error, Migrator};

/// Which way a migration ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

impl Direction {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
        }
    }
}

/// One migration that ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub id: String,
    pub direction: Direction,
    pub elapsed: Duration,
}

impl Applied {
    /// Says in the log that the migration is applied (committed).
    fn log(&self) {
        tracing::info!(
            id = %self.id,
            elapsed_ms = self.elapsed.as_millis() as u64,
            "applied"
        );
    }
}

/// Timeouts and waits, with the defaults of [`Migrator`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    pub lock_timeout: Option<Duration>,
    pub statement_timeout: Option<Duration>,
    pub lock_wait: Option<Duration>,
}

/// What the run knows before it starts: how far an interrupted step-by-step migration got (checked
/// against its checksum and direction by the caller), and whether the version table was just
/// created, which makes an "already exists" failure a sign of a dropped version table.
#[derive(Debug, Default)]
pub(crate) struct Resume {
    pub steps_done: std::collections::BTreeMap<String, usize>,
    pub fresh_version_table: bool,
}

/// One step to run: the index of its op, the op, its index among that op's steps, the step.
pub(crate) type Numbered<'o> = (usize, &'o Op, usize, Step);

/// Every step of `ops` as rendered (one list per op), in order, with the op it belongs to and its
/// index among that op's steps: the numbering progress records count.
pub(crate) fn steps(ops: &[Op], rendered: Vec<Vec<Step>>) -> Vec<Numbered<'_>> {
    ops.iter()
        .zip(rendered)
        .enumerate()
        .flat_map(|(index, (op, steps))| {
            steps
                .into_iter()
                .enumerate()
                .map(move |(within, step)| (index, op, within, step))
        })
        .collect()
}

pub(crate) fn run<C: Database>(
    migrator: &Migrator,
    conn: &mut C,
    plan: &[&'static Migration],
    direction: Direction,
    settings: Settings,
    resume: &Resume,
) -> Result<Vec<Applied>, Error> {
    let dialect = conn.dialect();
    // The same selection and rendering as the offline `sql` script, for the whole plan first: an
    // op this dialect cannot run refuses the run before its first statement.
    let planned =
        crate::script::Renderer::new(migrator.migrations(), dialect).render_run(plan, direction)?;
    let mut runs = Vec::with_capacity(planned.len());
    for planned in planned {
        let steps = steps(planned.ops, planned.steps);
        let unsupported = steps.iter().find_map(|(index, op, _, step)| match step {
            Step::Unsupported(reason) => Some((index, op, reason)),
            _ => None,
        });
        if let Some((index, op, reason)) = unsupported {
            return Err(Error::Step(Box::new(StepError {
                migration: planned.migration.id.to_string(),
                op_number: index + 1,
                op: op.to_string(),
                sql: format!("-- not written for {}", dialect.name()),
                message: reason.clone(),
                outcome: "the run was refused before its first statement: nothing was applied"
                    .to_owned(),
                completed: Vec::new(),
            })));
        }
        runs.push((planned.migration, planned.wrap, steps));
    }
    let mut applied: Vec<Applied> = Vec::with_capacity(plan.len());
    let mut open: Option<Open> = None;
    let mut session_timeouts = None;
    let mut runs = runs.into_iter().enumerate().peekable();
    while let Some((position, (migration, wrap, steps))) = runs.next() {
        let started = Instant::now();
        let span =
            tracing::info_span!("migration", id = %migration.id, direction = direction.name());
        let _entered = span.enter();
        let mut runner = Runner {
            migrator,
            conn: &mut *conn,
            migration,
            direction,
            fresh_version_table: resume.fresh_version_table && position == 0,
            session_timeouts: &mut session_timeouts,
        };
        let joined_next = runs
            .peek()
            .is_some_and(|(_, (_, wrap, _))| *wrap == Wrap::Joins);
        let result = match wrap {
            Wrap::Transaction | Wrap::Joins => runner
                .transactional(&mut open, steps, settings, started)
                .and_then(|()| match joined_next {
                    true => Ok(Vec::new()),
                    false => runner.commit(&mut open),
                }),
            Wrap::Steps => {
                let done = resume.steps_done.get(migration.id.as_ref()).copied();
                runner
                    .step_by_step(steps, done, settings, started)
                    .map(|()| {
                        let applied = runner.applied(started);
                        applied.log();
                        vec![applied]
                    })
            }
        };
        match result {
            Ok(committed) => applied.extend(committed),
            Err(error) => return Err(with_completed(error, &applied)),
        }
    }
    Ok(applied)
}

/// The transaction of a run that is still open: the migrations that ran in it, with their version
/// rows, written when it commits, and the timeouts it set.
#[derive(Default)]
struct Open {
    applied: Vec<Applied>,
    records: Vec<String>,
    timeouts: Option<String>,
}

/// The ids of `applied`, as a list in a sentence.
fn ids(applied: &[Applied]) -> String {
    let ids: Vec<&str> = applied.iter().map(|applied| applied.id.as_str()).collect();
    ids.join(", ")
}

/// The error of a migration, saying which migrations of the run completed before it.
fn with_completed(error: Error, completed: &[Applied]) -> Error {
    let ids = || completed.iter().map(|applied| applied.id.clone()).collect();
    match error {
        Error::Step(mut step) => {
            step.completed = ids();
            Error::Step(step)
        }
        Error::Database { context, source } if !completed.is_empty() => Error::Database {
            context: format!(
                "{context} (completed before it in this run, and kept: {})",
                ids().join(", ")
            ),
            source,
        },
        other => other,
    }
}

struct Runner<'a, C> {
    migrator: &'a Migrator,
    conn: &'a mut C,
    migration: &'static Migration,
    direction: Direction,
    fresh_version_table: bool,
    /// MySQL: the timeouts this run last set on the session, kept from one migration to the
    /// next (the lock restores the session's own when the run ends).
    session_timeouts: &'a mut Option<String>,
}

impl<C: Database> Runner<'_, C> {
    fn db_error(&self, context: &str) -> impl FnOnce(diesel::result::Error) -> Error {
        let context = format!("{context} for migration {}", self.migration.id);
        move |source| Error::Database { context, source }
    }

    fn record_sql(&self, elapsed: Duration) -> String {
        match self.direction {
            Direction::Up => version_table::insert_sql(
                self.migration,
                self.migrator.owner(),
                elapsed.as_millis(),
                self.conn.dialect(),
            ),
            Direction::Down => version_table::unrecord_sql(self.migration),
        }
    }

    /// The timeouts the migration or the migrator sets; none when neither sets one, so the
    /// server's own settings (of the database or the role) stay in force.
    ///
    /// MySQL has a lock wait timeout in whole seconds, and no statement timeout for DDL.
    fn timeouts_sql(&self, settings: Settings, scope: &str) -> Option<String> {
        let lock = self
            .migration
            .lock_timeout_ms
            .or(settings.lock_timeout.map(|d| d.as_millis() as u64));
        let statement = self
            .migration
            .statement_timeout_ms
            .or(settings.statement_timeout.map(|d| d.as_millis() as u64));
        let mut sql = Vec::new();
        match self.conn.dialect() {
            Dialect::Postgres => {
                sql.extend(lock.map(|ms| format!("SET {scope} lock_timeout = {ms}")));
                sql.extend(statement.map(|ms| format!("SET {scope} statement_timeout = {ms}")));
            }
            Dialect::Mysql => sql.extend(lock.map(|ms| {
                format!(
                    "SET SESSION lock_wait_timeout = {}",
                    ms.div_ceil(1000).max(1)
                )
            })),
            Dialect::Sqlite => {}
        }
        (!sql.is_empty()).then(|| sql.join("; "))
    }

    /// Undoes [`Runner::timeouts_sql`] at session scope; on MySQL the lock restores the
    /// session's own value when the run ends.
    fn reset_timeouts_sql(&self) -> Option<&'static str> {
        match self.conn.dialect() {
            Dialect::Postgres => Some("RESET lock_timeout; RESET statement_timeout"),
            Dialect::Mysql | Dialect::Sqlite => None,
        }
    }

    /// A failed step, with what its failure left.
    fn failure(
        &self,
        index: usize,
        op: &Op,
        step: &Step,
        message: String,
        outcome: String,
    ) -> Error {
        let mut outcome = outcome;
        if self.fresh_version_table && message.contains("already exists") {
            outcome.push_str(
                "\n  the database had no version table but already has this object: if it was migrated before and its version table was dropped, record what it has with `migrate stamp <revision>` instead of upgrading",
            );
        }
        Error::Step(Box::new(StepError {
            migration: self.migration.id.to_string(),
            op_number: index + 1,
            op: op.to_string(),
            sql: step.display_sql(),
            message,
            outcome,
            completed: Vec::new(),
        }))
    }

    /// All ops in one transaction (a savepoint inside SQLite's run-wide transaction): the one
    /// `open`, which a migration that [`Wrap::Joins`] it finds begun, or a new one. The
    /// migration's version row is kept in `open`, written when it commits ([`Runner::commit`]).
    fn transactional(
        &mut self,
        open: &mut Option<Open>,
        steps: Vec<Numbered<'_>>,
        settings: Settings,
        started: Instant,
    ) -> Result<(), Error> {
        if open.is_none() {
            self.conn
                .begin(None)
                .map_err(self.db_error("beginning the transaction"))?;
        }
        let transaction = open.get_or_insert_with(Open::default);
        let result = (|| {
            let timeouts = self.timeouts_sql(settings, "LOCAL");
            if timeouts != transaction.timeouts {
                let sql = timeouts.clone().unwrap_or_else(|| {
                    "SET LOCAL lock_timeout TO DEFAULT; SET LOCAL statement_timeout TO DEFAULT"
                        .to_owned()
                });
                self.conn
                    .batch_execute(&sql)
                    .map_err(self.db_error("setting timeouts"))?;
                transaction.timeouts = timeouts;
            }
            for (index, op, _, step) in steps {
                self.step(op, &step, false).map_err(|message| {
                    let mut outcome = "its transaction was rolled back: nothing of this migration was kept, and it is not recorded".to_owned();
                    if !transaction.applied.is_empty() {
                        outcome.push_str(&format!(
                            "; the migrations that ran before it in the same transaction ({}, which only worked on tables created in it) were rolled back with it and are not recorded either",
                            ids(&transaction.applied)
                        ));
                    }
                    self.failure(index, op, &step, message, outcome)
                })?;
            }
            Ok(())
        })();
        match result {
            Ok(()) => {
                let applied = self.applied(started);
                transaction.records.push(self.record_sql(applied.elapsed));
                transaction.applied.push(applied);
                Ok(())
            }
            Err(error) => {
                // The error that matters is the one above; a failed rollback leaves the
                // connection in a state diesel reports on its next use.
                let _ = self.conn.rollback();
                *open = None;
                Err(error)
            }
        }
    }

    /// Writes the version rows of the migrations that ran in the `open` transaction, in one
    /// round trip, and commits it; returns those migrations.
    fn commit(&mut self, open: &mut Option<Open>) -> Result<Vec<Applied>, Error> {
        let Some(transaction) = open.take() else {
            return Ok(Vec::new());
        };
        let result = self
            .conn
            .batch_execute(&transaction.records.join("; "))
            .map_err(self.db_error("recording the migration"))
            .and_then(|()| {
                self.conn
                    .commit()
                    .map_err(self.db_error("committing the migration"))
            });
        match result {
            Ok(()) => {
                for applied in &transaction.applied {
                    applied.log();
                }
                Ok(transaction.applied)
            }
            Err(error) => {
                let _ = self.conn.rollback();
                Err(error)
            }
        }
    }

    /// This migration, as having run from `started` until now.
    fn applied(&self, started: Instant) -> Applied {
        Applied {
            id: self.migration.id.to_string(),
            direction: self.direction,
            elapsed: started.elapsed(),
        }
    }

    /// Each step on its own, from step `done` on (the steps an earlier run completed are skipped;
    /// `None` when no run of it was interrupted).
    fn step_by_step(
        &mut self,
        steps: Vec<Numbered<'_>>,
        resumed_at: Option<usize>,
        settings: Settings,
        started: Instant,
    ) -> Result<(), Error> {
        let mut done = resumed_at.unwrap_or(0);
        if done > 0 {
            tracing::info!(steps_done = done, "resuming an interrupted migration");
        }
        let mysql = self.conn.dialect() == Dialect::Mysql;
        let timeouts = self.timeouts_sql(settings, "SESSION");
        let already_set = mysql && timeouts == *self.session_timeouts;
        if let Some(sql) = timeouts.as_ref().filter(|_| !already_set) {
            self.conn
                .batch_execute(sql)
                .map_err(self.db_error("setting timeouts"))?;
            if mysql {
                *self.session_timeouts = timeouts.clone();
            }
        }
        let total = steps.len();
        // MySQL: the record that the run started, sent with the first step.
        let mut start = None;
        if mysql {
            (done, start) = self.mysql_start(&steps, resumed_at)?;
        }
        let result = (|| {
            let mut recorded = false;
            for (done, (index, op, within, step)) in steps.iter().enumerate().skip(done) {
                let outcome = match (mysql, step) {
                    (true, Step::Sql(sql)) => {
                        // The last step records the migration itself.
                        let record = match done + 1 == total {
                            true => self.record_sql(started.elapsed()),
                            false => version_table::mysql_progress_sql(
                                &self.migration.id,
                                self.direction.name(),
                                &self.migration.checksum,
                                done + 1,
                            ),
                        };
                        recorded = done + 1 == total;
                        self.mysql_step(start.take(), sql, &record)
                    }
                    _ => match start.take() {
                        Some(start) => self
                            .in_transaction(|conn| conn.batch_execute(&start))
                            .map_err(|error| server_message(&error))
                            .and_then(|()| self.recorded_step(done, op, step)),
                        None => self.recorded_step(done, op, step),
                    },
                };
                if let Err(message) = outcome {
                    let outcome = self.rewind(done, op, *within, total);
                    return Err(self.failure(*index, op, step, message, outcome));
                }
            }
            if recorded {
                return Ok(());
            }
            let finish = match start.take() {
                Some(start) => format!("{start}; {}", self.record_sql(started.elapsed())),
                None => self.record_sql(started.elapsed()),
            };
            self.in_transaction(|conn| conn.batch_execute(&finish))
                .map_err(self.db_error("recording the migration"))
        })();
        let reset = match self.reset_timeouts_sql() {
            Some(sql) => self.conn.batch_execute(sql),
            None => Ok(()),
        };
        result?;
        reset.map_err(self.db_error("resetting timeouts"))
    }

    /// MySQL: one SQL step in one round trip, in one transaction: the record that the run started
    /// when it is the first step, the step, and its record (`record`: its progress, or for the
    /// last step the migration's own row). A DDL step commits what comes before it (so the start
    /// is recorded before the DDL runs) and itself; a data step commits with its records.
    fn mysql_step(&mut self, start: Option<String>, sql: &str, record: &str) -> Result<(), String> {
        let start = start.map(|start| format!("{start}; ")).unwrap_or_default();
        let batch = format!("START TRANSACTION; {start}{sql}; {record}; COMMIT");
        self.conn.batch_execute(&batch).map_err(|error| {
            // The batch stops at its failing statement, inside the transaction it opened.
            let _ = self.conn.batch_execute("ROLLBACK");
            server_message(&error)
        })
    }

    /// MySQL commits each DDL statement on its own, and a statement whose client was killed may
    /// still complete on the server: a step can be done without its progress recorded. So the
    /// run records that it started before its first step (the record returned here, sent with
    /// that step), and a run that finds such a record first asks the live schema whether the next
    /// step's op already took effect, and counts it done if so. Returns the number of steps done.
    fn mysql_start(
        &mut self,
        steps: &[Numbered<'_>],
        resumed_at: Option<usize>,
    ) -> Result<(usize, Option<String>), Error> {
        let Some(done) = resumed_at else {
            let progress = version_table::mysql_progress_sql(
                &self.migration.id,
                self.direction.name(),
                &self.migration.checksum,
                0,
            );
            return Ok((0, Some(progress)));
        };
        let Some((_, op, 0, _)) = steps.get(done) else {
            return Ok((done, None));
        };
        let single_step = steps
            .get(done + 1)
            .is_none_or(|(_, _, within, _)| *within == 0);
        let Some(probe) = crate::introspect::mysql_took_effect(op).filter(|_| single_step) else {
            return Ok((done, None));
        };
        let took_effect = self
            .conn
            .query_bool(&probe)
            .map_err(self.db_error("asking whether the interrupted step took effect"))?;
        if !took_effect {
            return Ok((done, None));
        }
        tracing::info!(
            step = done + 1,
            op = %op,
            "the interrupted step completed on the server after its run stopped; counting it done"
        );
        let progress = version_table::mysql_progress_sql(
            &self.migration.id,
            self.direction.name(),
            &self.migration.checksum,
            done + 1,
        );
        self.in_transaction(|conn| conn.batch_execute(&progress))
            .map_err(self.db_error("recording progress"))?;
        Ok((done + 1, None))
    }

    /// Runs step number `done` (0-based) and records that `done + 1` steps are complete:
    /// together in one transaction where the step can run in one.
    fn recorded_step(&mut self, done: usize, op: &Op, step: &Step) -> Result<(), String> {
        let progress = version_table::progress_sql(
            &self.migration.id,
            self.direction.name(),
            &self.migration.checksum,
            done + 1,
        );
        match step {
            Step::Sql(sql) => self
                .in_transaction(|conn| conn.batch_execute(&format!("{sql}; {progress}")))
                .map_err(|error| server_message(&error)),
            Step::RunRust { path } => {
                let function = self.rust_step(path)?;
                self.conn
                    .begin(None)
                    .map_err(|error| server_message(&error))?;
                let result = function(&mut self.conn.data_connection())
                    .map_err(|error| error.to_string())
                    .and_then(|()| {
                        self.conn
                            .batch_execute(&progress)
                            .map_err(|error| server_message(&error))
                    });
                match result {
                    Ok(()) => self.conn.commit().map_err(|error| server_message(&error)),
                    Err(message) => {
                        let _ = self.conn.rollback();
                        Err(message)
                    }
                }
            }
            // Dropping an INVALID index prepares the build after it: a retry redoes both.
            Step::DropInvalidIndex(_) => self.step(op, step, true),
            // Outside a transaction, or in transactions of its own: the step is written to be
            // idempotent (IF NOT EXISTS, a backfill's `where:`), so recording progress afterwards
            // is enough.
            _ => {
                self.step(op, step, true)?;
                self.conn
                    .batch_execute(&progress)
                    .map_err(|error| format!("recording progress: {}", server_message(&error)))
            }
        }
    }

    /// After step `failed` (the op's step `within`) failed: undoes what the op made up when its
    /// failure would leave an enforced helper, and says what the run left for the next one.
    fn rewind(&mut self, failed: usize, op: &Op, within: usize, total: usize) -> String {
        let dialect = self.conn.dialect();
        if let Some(rewind) = rewind_after_failure(op, dialect, within) {
            let restart = failed - within + rewind.restart_at;
            let progress = if restart == 0 {
                version_table::clear_progress_sql(&self.migration.id)
            } else {
                version_table::progress_sql(
                    &self.migration.id,
                    self.direction.name(),
                    &self.migration.checksum,
                    restart,
                )
            };
            let undone = self
                .in_transaction(|conn| conn.batch_execute(&format!("{}; {progress}", rewind.sql)));
            return match undone {
                Ok(()) => format!(
                    "it runs step by step; what this op had done was undone ({}), so nothing it made up is left enforced; {} of its {total} steps are complete and recorded, and the next run starts at step {}",
                    rewind.sql,
                    restart,
                    restart + 1
                ),
                Err(error) => format!(
                    "it runs step by step; undoing what this op had done ({}) failed too: {}; {failed} of its {total} steps are complete and recorded, and the next run resumes at step {}",
                    rewind.sql,
                    server_message(&error),
                    failed + 1
                ),
            };
        }
        match failed {
            0 => {
                // A statement the server refused took no effect (DDL is atomic on MySQL 8 and
                // MariaDB 10.6), so the record that the migration started goes too.
                let started = version_table::clear_progress_sql(&self.migration.id);
                let _ = self.in_transaction(|conn| conn.batch_execute(&started));
                format!("it runs step by step: none of its {total} steps completed, and it is not recorded")
            }
            1 => format!(
                "it runs step by step: step 1 of {total} completed and is recorded, and the next run resumes at step 2"
            ),
            _ => format!(
                "it runs step by step: steps 1 to {failed} of {total} completed and are recorded, and the next run resumes at step {}",
                failed + 1
            ),
        }
    }

    fn in_transaction(
        &mut self,
        body: impl FnOnce(&mut C) -> diesel::QueryResult<()>,
    ) -> diesel::QueryResult<()> {
        self.conn.begin(None)?;
        match body(self.conn) {
            Ok(()) => self.conn.commit(),
            Err(error) => {
                let _ = self.conn.rollback();
                Err(error)
            }
        }
    }

    fn rust_step(&self, path: &str) -> Result<crate::registry::RustStepFn, String> {
        self.migrator
            .registration(&self.migration.id)
            .and_then(|registration| registration.rust_step(path))
            .ok_or_else(|| format!("no Rust step is registered under `{path}`"))
    }

    /// Runs one step of op `index`; `own_transactions` when the migration has none around it.
    fn step(&mut self, op: &Op, step: &Step, own_transactions: bool) -> Result<(), String> {
        let result = match step {
            Step::Sql(sql) if own_transactions => {
                self.in_transaction(|conn| conn.batch_execute(sql))
            }
            Step::Sql(sql) | Step::SqlOutsideTransaction(sql) => self.conn.batch_execute(sql),
            Step::DropInvalidIndex(name) => return self.drop_invalid_index(name),
            Step::Backfill {
                batch,
                remaining,
                keyset,
            } => return self.backfill(op, batch, remaining, keyset.as_ref(), own_transactions),
            Step::RunRust { path } => {
                let function = self.rust_step(path)?;
                let mut data = self.conn.data_connection();
                return function(&mut data).map_err(|error| error.to_string());
            }
            Step::RebuildTable { table, op } => {
                return crate::sqlite_rebuild::rebuild(self.conn, table, op)
            }
            Step::Unsupported(reason) => return Err(reason.clone()),
        };
        result.map_err(|error| server_message(&error))
    }
    /// Batches until no row matches, each batch committed on its own when `own_transactions`:
    /// first along the primary key when the chain knows it ([`Keyset`]), then with `batch` for
    /// the rows still matching.
    ///
    /// A batch leaves out a row that a concurrent write changed while the batch waited for it
    /// (PostgreSQL re-checks it and finds it moved), so batches may update fewer rows than they
    /// select, or none while rows still match. The rows `where:` matches are counted again when a
    /// batch updates nothing and when the batches the last count allowed are spent: the backfill
    /// goes on while that count falls, and fails once a whole allowance made no progress (a
    /// `where:` that still matches the rows it set).
    fn backfill(
        &mut self,
        op: &Op,
        batch: &str,
        remaining: &str,
        keyset: Option<&Keyset>,
        own_transactions: bool,
    ) -> Result<(), String> {
        let count = |executor: &mut Self| {
            executor
                .conn
                .query_i64(remaining)
                .map_err(|error| server_message(&error))
                .map(|count| count.unwrap_or(0))
        };
        let total = count(self)?;
        let mut progress = BackfillProgress {
            total,
            updated: 0,
            batches: 0,
            started: Instant::now(),
        };
        if let Some(keyset) = keyset.filter(|_| total > 0) {
            self.walk(keyset, own_transactions, &mut progress)?;
            if count(self)? == 0 {
                return Ok(());
            }
        }
        let batch_size = match op {
            Op::Backfill { batch_size, .. } => i64::from(*batch_size),
            _ => 1,
        };
        let allowance = |matching: i64| matching / batch_size + 2;
        let (mut matching, mut left) = (total, allowance(total));
        loop {
            if left == 0 {
                let now = count(self)?;
                if now >= matching {
                    return Err(format!(
                        "the backfill updated {} rows for {total} matching at the start, and its `where:` still matches {now} rows after {} more batches: it must select only rows not yet done",
                        progress.updated,
                        allowance(matching)
                    ));
                }
                (matching, left) = (now, allowance(now));
            }
            left -= 1;
            let rows = self.backfill_batch(batch, own_transactions)?;
            if rows == 0 {
                if count(self)? == 0 {
                    return Ok(());
                }
                continue;
            }
            self.backfill_progress(&mut progress, rows);
        }
    }

    /// The walk along the primary key: each batch reads the key of its last row, then updates
    /// the rows after the previous batch's last up to it, until no row after it matches.
    fn walk(
        &mut self,
        keyset: &Keyset,
        own_transactions: bool,
        progress: &mut BackfillProgress,
    ) -> Result<(), String> {
        let mut after: Option<Vec<String>> = None;
        loop {
            let bound = self
                .conn
                .query_texts(&keyset.bound(after.as_deref()))
                .map_err(|error| server_message(&error))?
                .into_iter()
                .next();
            let Some(bound) = bound else {
                return Ok(());
            };
            let bound: Vec<String> = bound
                .into_iter()
                .take(keyset.width())
                .map(Option::unwrap_or_default)
                .collect();
            let rows =
                self.backfill_batch(&keyset.update(after.as_deref(), &bound), own_transactions)?;
            self.backfill_progress(progress, rows);
            after = Some(bound);
        }
    }

    /// Runs one batch, in a transaction of its own when `own_transactions`: the rows it updated.
    fn backfill_batch(&mut self, sql: &str, own_transactions: bool) -> Result<usize, String> {
        let mut rows = 0usize;
        let result = if own_transactions {
            self.in_transaction(|conn| {
                rows = conn.execute(sql)?;
                Ok(())
            })
        } else {
            self.conn.execute(sql).map(|count| rows = count)
        };
        result.map_err(|error| server_message(&error))?;
        Ok(rows)
    }

    fn backfill_progress(&mut self, progress: &mut BackfillProgress, rows: usize) {
        progress.batches += 1;
        progress.updated += rows as i64;
        let rows_per_second =
            (progress.updated as f64 / progress.started.elapsed().as_secs_f64().max(1e-3)) as u64;
        tracing::info!(
            batch = progress.batches,
            updated = progress.updated,
            total = progress.total,
            rows_per_second,
            "backfill progress"
        );
        self.migrator.report(&crate::migrator::Progress {
            migration: self.migration.id.to_string(),
            rows_done: progress.updated,
            rows_total: progress.total,
            rows_per_second,
        });
    }

    fn drop_invalid_index(&mut self, name: &str) -> Result<(), String> {
        let invalid = self
            .conn
            .query_bool(&format!(
                "SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass({}) AND NOT indisvalid) AS value",
                Dialect::Postgres.quote_literal(&quote_ident(name))
            ))
            .map_err(|error| {
                format!(
                    "looking for an INVALID index left by a failed build: {}",
                    server_message(&error)
                )
            })?;
        if invalid {
            tracing::warn!(
                index = name,
                "dropping the INVALID index a failed concurrent build left"
            );
            self.conn
                .batch_execute(&format!(
                    "DROP INDEX CONCURRENTLY IF EXISTS {}",
                    quote_ident(name)
                ))
                .map_err(|error| {
                    format!("dropping an INVALID index: {}", server_message(&error))
                })?;
        }
        Ok(())
    }
}

/// What a backfill has done so far, for its progress reports.
struct BackfillProgress {
    total: i64,
    updated: i64,
    batches: u64,
    started: Instant,
}

/// The server's own message: diesel reports many PostgreSQL errors as `Unknown`, so its text is
/// what tells the user what happened.
fn server_message(error: &diesel::result::Error) -> String {
    match error {
        diesel::result::Error::DatabaseError(_, info) => {
            let mut message = info.message().to_owned();
            if let Some(details) = info.details() {
                message.push_str(&format!(" ({details})"));
            }
            if let Some(hint) = info.hint() {
                message.push_str(&format!("; hint: {hint}"));
            }
            message
        }
        other => other.to_string(),
    }
}
