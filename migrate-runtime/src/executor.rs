//! Running a plan: one transaction per migration where the dialect has transactional DDL, op by op
//! for non-transactional migrations, and errors that name the migration, the op and the SQL.
//!
//! A non-transactional migration records in `migrate_progress` each step it completes (an online
//! op has several: `NOT VALID`, then `VALIDATE`), so a run that stops half-way resumes after the
//! last completed step instead of failing on "already exists". A `CREATE INDEX CONCURRENTLY` that
//! failed leaves an INVALID index under its name; the renderer puts a step before each concurrent
//! build that drops it.

use std::time::{Duration, Instant};

use migrate_core::model::{Migration, Mode, Op};
use migrate_core::render::{quote_ident, quote_literal, render_ops, Dialect, Step};

use crate::database::Database;
use crate::version_table;
use crate::{Error, Migrator};

/// Which way a migration ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Up,
    Down,
}

impl Direction {
    fn name(self) -> &'static str {
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

/// Timeouts and waits, with the defaults of [`Migrator`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    pub lock_timeout: Option<Duration>,
    pub statement_timeout: Option<Duration>,
    pub lock_wait: Option<Duration>,
}

pub(crate) fn run<C: Database>(
    migrator: &Migrator,
    conn: &mut C,
    plan: &[&'static Migration],
    direction: Direction,
    settings: Settings,
) -> Result<Vec<Applied>, Error> {
    let mut applied = Vec::with_capacity(plan.len());
    for migration in plan {
        let started = Instant::now();
        let span =
            tracing::info_span!("migration", id = %migration.id, direction = direction.name());
        let _entered = span.enter();
        // The same selection, and below the same rendering, as the offline `sql` script.
        let ops = crate::script::ops(migration, direction)?;
        let mut runner = Runner {
            migrator,
            conn: &mut *conn,
            migration,
            direction,
        };
        let transactional =
            Mode::of(ops) == Mode::Transactional || runner.conn.dialect() != Dialect::Postgres;
        if transactional {
            runner.transactional(ops, settings, started)?;
        } else {
            runner.op_by_op(ops, settings, started)?;
        }
        let elapsed = started.elapsed();
        tracing::info!(elapsed_ms = elapsed.as_millis() as u64, "applied");
        applied.push(Applied {
            id: migration.id.to_string(),
            direction,
            elapsed,
        });
    }
    Ok(applied)
}

struct Runner<'a, C> {
    migrator: &'a Migrator,
    conn: &'a mut C,
    migration: &'static Migration,
    direction: Direction,
}

impl<C: Database> Runner<'_, C> {
    fn db_error(&self, context: &str) -> impl FnOnce(diesel::result::Error) -> Error {
        let context = format!("{context} for migration {}", self.migration.id);
        move |source| Error::Database { context, source }
    }

    fn record_sql(&self, elapsed: Duration) -> String {
        match self.direction {
            Direction::Up => version_table::insert_sql(
                &self.migration.id,
                &self.migration.checksum,
                elapsed.as_millis(),
            ),
            Direction::Down => version_table::delete_sql(&self.migration.id),
        }
    }

    fn timeouts_sql(&self, settings: Settings, scope: &str) -> Option<String> {
        if self.conn.dialect() != Dialect::Postgres {
            return None;
        }
        let lock = self
            .migration
            .lock_timeout_ms
            .or(settings.lock_timeout.map(|d| d.as_millis() as u64));
        let statement = self
            .migration
            .statement_timeout_ms
            .or(settings.statement_timeout.map(|d| d.as_millis() as u64));
        Some(format!(
            "SET {scope} lock_timeout = {}; SET {scope} statement_timeout = {}",
            lock.unwrap_or(0),
            statement.unwrap_or(0)
        ))
    }

    /// All ops in one transaction (a savepoint inside SQLite's run-wide transaction).
    fn transactional(
        &mut self,
        ops: &[Op],
        settings: Settings,
        started: Instant,
    ) -> Result<(), Error> {
        self.conn
            .begin(None)
            .map_err(self.db_error("beginning the transaction"))?;
        let result = (|| {
            if let Some(sql) = self.timeouts_sql(settings, "LOCAL") {
                self.conn
                    .batch_execute(&sql)
                    .map_err(self.db_error("setting timeouts"))?;
            }
            let dialect = self.conn.dialect();
            for (index, (op, steps)) in ops.iter().zip(render_ops(ops, dialect)).enumerate() {
                for step in &steps {
                    self.step(index, op, step, false)?;
                }
            }
            let record = self.record_sql(started.elapsed());
            self.conn
                .batch_execute(&record)
                .map_err(self.db_error("recording the migration"))
        })();
        match result {
            Ok(()) => self
                .conn
                .commit()
                .map_err(self.db_error("committing the migration")),
            Err(error) => {
                // The error that matters is the one above; a failed rollback leaves the
                // connection in a state diesel reports on its next use.
                let _ = self.conn.rollback();
                Err(error)
            }
        }
    }

    /// Each op on its own, resuming after the ops an earlier run completed.
    fn op_by_op(&mut self, ops: &[Op], settings: Settings, started: Instant) -> Result<(), Error> {
        let direction = self.direction.name();
        let done = version_table::progress(self.conn, &self.migration.id, direction)?;
        if done > 0 {
            tracing::info!(ops_done = done, "resuming an interrupted migration");
        }
        if let Some(sql) = self.timeouts_sql(settings, "SESSION") {
            self.conn
                .batch_execute(&sql)
                .map_err(self.db_error("setting timeouts"))?;
        }
        let dialect = self.conn.dialect();
        let steps: Vec<(usize, &Op, Step)> = ops
            .iter()
            .zip(render_ops(ops, dialect))
            .enumerate()
            .flat_map(|(index, (op, steps))| steps.into_iter().map(move |step| (index, op, step)))
            .collect();
        let result = (|| {
            for (done, (index, op, step)) in steps.iter().enumerate().skip(done) {
                let progress = version_table::progress_sql(&self.migration.id, direction, done + 1);
                match step {
                    // Committed with its progress, so a crash cannot separate the two.
                    Step::Sql(sql) => self
                        .in_transaction(|conn| conn.batch_execute(&format!("{sql}; {progress}")))
                        .map_err(|error| {
                            step_error(self.migration, *index, op, step, server_message(&error))
                        })?,
                    // Dropping an INVALID index prepares the build after it: a retry redoes both.
                    Step::DropInvalidIndex(_) => self.step(*index, op, step, true)?,
                    // Outside a transaction, or in transactions of its own: the step is written
                    // to be idempotent (IF NOT EXISTS, a backfill's `where:`), so recording
                    // progress afterwards is enough.
                    _ => {
                        self.step(*index, op, step, true)?;
                        self.conn
                            .batch_execute(&progress)
                            .map_err(self.db_error("recording progress"))?;
                    }
                }
            }
            let finish = format!(
                "{}; {}",
                version_table::clear_progress_sql(&self.migration.id),
                self.record_sql(started.elapsed())
            );
            self.in_transaction(|conn| conn.batch_execute(&finish))
                .map_err(self.db_error("recording the migration"))
        })();
        let reset = self
            .conn
            .batch_execute("RESET lock_timeout; RESET statement_timeout");
        result?;
        reset.map_err(self.db_error("resetting timeouts"))
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

    /// Runs one step of op `index`; `own_transactions` when the migration has none around it.
    fn step(
        &mut self,
        index: usize,
        op: &Op,
        step: &Step,
        own_transactions: bool,
    ) -> Result<(), Error> {
        let migration = self.migration;
        let failed = |message: String| step_error(migration, index, op, step, message);
        let result = match step {
            Step::Sql(sql) if own_transactions => {
                self.in_transaction(|conn| conn.batch_execute(sql))
            }
            Step::Sql(sql) | Step::SqlOutsideTransaction(sql) => self.conn.batch_execute(sql),
            Step::DropInvalidIndex(name) => return self.drop_invalid_index(name),
            Step::Backfill { batch, remaining } => {
                return self
                    .backfill(op, batch, remaining, own_transactions)
                    .map_err(failed)
            }
            Step::RunRust { path } => {
                let function = self
                    .migrator
                    .registration(&self.migration.id)
                    .and_then(|registration| registration.rust_step(path))
                    .ok_or_else(|| failed(format!("no Rust step is registered under `{path}`")))?;
                let mut data = self.conn.data_connection();
                return function(&mut data).map_err(|error| failed(error.to_string()));
            }
            Step::RebuildTable { table, op } => {
                return crate::sqlite_rebuild::rebuild(self.conn, table, op).map_err(failed)
            }
        };
        result.map_err(|error| failed(server_message(&error)))
    }

    /// Batches until no row matches, each batch committed on its own when `own_transactions`.
    fn backfill(
        &mut self,
        op: &Op,
        batch: &str,
        remaining: &str,
        own_transactions: bool,
    ) -> Result<(), String> {
        let total = self
            .conn
            .query_i64(remaining)
            .map_err(|error| server_message(&error))?
            .unwrap_or(0);
        let batch_size = match op {
            Op::Backfill { batch_size, .. } => i64::from(*batch_size),
            _ => 1,
        };
        // Each batch must shrink what `where:` matches; one batch more than needed is the limit.
        let limit = total / batch_size + 2;
        let mut updated = 0i64;
        for _ in 0..limit {
            let mut rows = 0usize;
            let result = if own_transactions {
                self.in_transaction(|conn| {
                    rows = conn.execute(batch)?;
                    Ok(())
                })
            } else {
                self.conn.execute(batch).map(|count| rows = count)
            };
            result.map_err(|error| server_message(&error))?;
            if rows == 0 {
                return Ok(());
            }
            updated += rows as i64;
            tracing::info!(updated, total, "backfill progress");
        }
        Err(format!(
            "the backfill updated {updated} rows for {total} matching at the start and its `where:` still matches rows: it must select only rows not yet done"
        ))
    }

    fn drop_invalid_index(&mut self, name: &str) -> Result<(), Error> {
        let invalid = self
            .conn
            .query_bool(&format!(
                "SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass({}) AND NOT indisvalid) AS value",
                quote_literal(&quote_ident(name))
            ))
            .map_err(self.db_error("looking for an INVALID index left by a failed build"))?;
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
                .map_err(self.db_error("dropping an INVALID index"))?;
        }
        Ok(())
    }
}

fn step_error(migration: &Migration, index: usize, op: &Op, step: &Step, message: String) -> Error {
    Error::Step {
        migration: migration.id.to_string(),
        op_number: index + 1,
        op: op.to_string(),
        sql: step.display_sql(),
        message,
    }
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
