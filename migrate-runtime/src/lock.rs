//! One migrator at a time.
//!
//! PostgreSQL: a session-level advisory lock, taken with `pg_try_advisory_lock` in a polling loop
//! rather than a blocking `pg_advisory_lock`. A blocked `SELECT pg_advisory_lock(…)` is a running
//! statement, and `CREATE INDEX CONCURRENTLY` in the instance that holds the lock waits for every
//! running statement to finish: the two would deadlock. Polling leaves no statement waiting.
//!
//! SQLite: one `BEGIN IMMEDIATE` transaction around the whole run takes the database's write lock;
//! each migration is a savepoint inside it. SQLite answers `database is locked` at once unless the
//! connection has a busy timeout, and every statement can meet a lock (loading the schema needs a
//! shared one, a commit waits for readers): the run sets a long busy timeout ([`SQLITE_BUSY`]) and
//! restores the connection's own afterwards. Only the attempts at `BEGIN IMMEDIATE` use a short one,
//! so a waiting instance polls, says that it waits, and honours `lock_wait`.

use std::time::{Duration, Instant};

use migrate_core::render::Dialect;

use crate::database::Database;
use crate::Error;

/// The advisory lock key: the first 8 bytes of SHA-256("migrate_versions"), fixed forever so every
/// version of this crate excludes every other.
const ADVISORY_KEY: i64 = 0x6d69_6772_6174_6531;
const POLL: Duration = Duration::from_millis(100);
/// How long an SQLite statement of the run waits for another connection's lock before failing.
pub(crate) const SQLITE_BUSY: Duration = Duration::from_secs(60);

/// Runs `body` holding the migration lock, and releases it on every path out of `body`.
pub(crate) fn with_lock<C: Database, T>(
    conn: &mut C,
    wait_limit: Option<Duration>,
    body: impl FnOnce(&mut C) -> Result<T, Error>,
) -> Result<T, Error> {
    match conn.dialect() {
        Dialect::Postgres => {
            poll(wait_limit, || {
                conn.query_bool(&format!(
                    "SELECT pg_try_advisory_lock({ADVISORY_KEY}) AS value"
                ))
                .map_err(|source| Error::Database {
                    context: "taking the migration lock".into(),
                    source,
                })
            })?;
            let result = body(conn);
            let released = conn.query_bool(&format!(
                "SELECT pg_advisory_unlock({ADVISORY_KEY}) AS value"
            ));
            match (result, released) {
                (Ok(value), Ok(_)) => Ok(value),
                (Err(error), _) => Err(error),
                (Ok(_), Err(source)) => Err(Error::Database {
                    context: "releasing the migration lock".into(),
                    source,
                }),
            }
        }
        _ => {
            let setting_error = |context: &'static str| {
                move |source| Error::Database {
                    context: context.into(),
                    source,
                }
            };
            let busy_timeout = conn
                .query_i64("SELECT timeout AS value FROM pragma_busy_timeout")
                .map_err(setting_error("reading the busy timeout"))?
                .unwrap_or(0);
            conn.batch_execute(&format!(
                "PRAGMA busy_timeout = {}",
                SQLITE_BUSY.as_millis()
            ))
            .map_err(setting_error("setting the busy timeout"))?;
            let result = sqlite_without_foreign_keys(conn, wait_limit, body);
            let restored = conn.batch_execute(&format!("PRAGMA busy_timeout = {busy_timeout}"));
            match (result, restored) {
                (Ok(value), Ok(())) => Ok(value),
                (Err(error), _) => Err(error),
                (Ok(_), Err(source)) => Err(Error::Database {
                    context: "restoring the busy timeout".into(),
                    source,
                }),
            }
        }
    }
}

/// A table rebuild drops the old table; with foreign keys on, that DROP would delete the rows of
/// every child table declared ON DELETE CASCADE. The pragma only takes effect outside a
/// transaction, so it is set around the run-wide one.
fn sqlite_without_foreign_keys<C: Database, T>(
    conn: &mut C,
    wait_limit: Option<Duration>,
    body: impl FnOnce(&mut C) -> Result<T, Error>,
) -> Result<T, Error> {
    let foreign_keys = conn
        .query_bool("SELECT foreign_keys = 1 AS value FROM pragma_foreign_keys")
        .and_then(|on| conn.batch_execute("PRAGMA foreign_keys = OFF").map(|()| on))
        .map_err(|source| Error::Database {
            context: "turning foreign keys off for the run".into(),
            source,
        })?;
    let result = sqlite_run(conn, wait_limit, body);
    let restored = if foreign_keys {
        conn.batch_execute("PRAGMA foreign_keys = ON")
    } else {
        Ok(())
    };
    match (result, restored) {
        (Ok(value), Ok(())) => Ok(value),
        (Err(error), _) => Err(error),
        (Ok(_), Err(source)) => Err(Error::Database {
            context: "turning foreign keys back on".into(),
            source,
        }),
    }
}

/// Runs `body` inside one `BEGIN IMMEDIATE` transaction, which holds SQLite's write lock.
fn sqlite_run<C: Database, T>(
    conn: &mut C,
    wait_limit: Option<Duration>,
    body: impl FnOnce(&mut C) -> Result<T, Error>,
) -> Result<T, Error> {
    let busy = |conn: &mut C, timeout: Duration| {
        conn.batch_execute(&format!("PRAGMA busy_timeout = {}", timeout.as_millis()))
            .map_err(|source| Error::Database {
                context: "setting the busy timeout".into(),
                source,
            })
    };
    busy(conn, POLL)?;
    poll(wait_limit, || match conn.begin(Some("BEGIN IMMEDIATE")) {
        Ok(()) => Ok(true),
        Err(diesel::result::Error::DatabaseError(_, info))
            if info.message().contains("locked") || info.message().contains("busy") =>
        {
            Ok(false)
        }
        Err(source) => Err(Error::Database {
            context: "taking the migration lock".into(),
            source,
        }),
    })?;
    busy(conn, SQLITE_BUSY)?;
    // Whatever `body` applied is committed; a failing migration rolled back its own savepoint
    // already, so the version table stays true.
    let result = body(conn);
    let finished = conn.commit();
    match (result, finished) {
        (Ok(value), Ok(())) => Ok(value),
        (Err(error), _) => Err(error),
        (Ok(_), Err(source)) => Err(Error::Database {
            context: "committing the migrations".into(),
            source,
        }),
    }
}

/// Calls `try_lock` until it succeeds, logging once that another instance holds the lock.
fn poll(
    wait_limit: Option<Duration>,
    mut try_lock: impl FnMut() -> Result<bool, Error>,
) -> Result<(), Error> {
    let started = Instant::now();
    let mut logged = false;
    loop {
        if try_lock()? {
            if logged {
                tracing::info!(
                    waited_ms = started.elapsed().as_millis() as u64,
                    "took the migration lock"
                );
            }
            return Ok(());
        }
        if !logged {
            tracing::warn!("another instance holds the migration lock; waiting for it");
            logged = true;
        }
        if wait_limit.is_some_and(|limit| started.elapsed() >= limit) {
            return Err(Error::LockTimeout {
                waited: started.elapsed(),
            });
        }
        std::thread::sleep(POLL);
    }
}
