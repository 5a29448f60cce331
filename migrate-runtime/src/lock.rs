//! One migrator at a time.
//!
//! PostgreSQL: a session-level advisory lock, taken with `pg_try_advisory_lock` in a polling loop
//! rather than a blocking `pg_advisory_lock`. A blocked `SELECT pg_advisory_lock(…)` is a running
//! statement, and `CREATE INDEX CONCURRENTLY` in the instance that holds the lock waits for every
//! running statement to finish: the two would deadlock. Polling leaves no statement waiting.
//!
//! MySQL and MariaDB: a named lock (`GET_LOCK`), which belongs to the session and survives the
//! commits DDL makes, taken with a zero timeout in the same polling loop and named after the
//! database, so migrations of two databases on one server do not wait for each other. The run
//! also pins what the rendered SQL assumes of the session's `sql_mode`, and restores it after.
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
        Dialect::Postgres => with_session_lock(
            conn,
            wait_limit,
            (
                &format!("SELECT pg_try_advisory_lock({ADVISORY_KEY}) AS value"),
                &format!("SELECT pg_advisory_unlock({ADVISORY_KEY}) AS value"),
            ),
            postgres_holder,
            body,
        ),
        Dialect::Mysql => with_session_lock(
            conn,
            wait_limit,
            (
                &format!("SELECT GET_LOCK({MYSQL_LOCK}, 0) = 1 AS value"),
                &format!("SELECT RELEASE_LOCK({MYSQL_LOCK}) = 1 AS value"),
            ),
            mysql_holder,
            |conn| mysql_session(conn, body),
        ),
        Dialect::Sqlite => {
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

/// A lock of the session (PostgreSQL's advisory lock, MySQL's named lock), taken by polling `take`
/// (a query answering whether it was taken), its holder described once, and released with
/// `release` on every path out of `body`.
fn with_session_lock<C: Database, T>(
    conn: &mut C,
    wait_limit: Option<Duration>,
    (take, release): (&str, &str),
    holder: fn(&mut C) -> Option<String>,
    body: impl FnOnce(&mut C) -> Result<T, Error>,
) -> Result<T, Error> {
    let mut described = false;
    poll(wait_limit, || {
        let taken = conn.query_bool(take).map_err(|source| Error::Database {
            context: "taking the migration lock".into(),
            source,
        })?;
        Ok(match (taken, described) {
            (true, _) => Attempt::Taken,
            (false, true) => Attempt::Held(None),
            (false, false) => {
                described = true;
                Attempt::Held(holder(conn))
            }
        })
    })?;
    let result = body(conn);
    let released = conn.query_bool(release);
    match (result, released) {
        (Ok(value), Ok(_)) => Ok(value),
        (Err(error), _) => Err(error),
        (Ok(_), Err(source)) => Err(Error::Database {
            context: "releasing the migration lock".into(),
            source,
        }),
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
        Ok(()) => Ok(Attempt::Taken),
        // SQLite does not say which connection holds its write lock.
        Err(diesel::result::Error::DatabaseError(_, info))
            if info.message().contains("locked") || info.message().contains("busy") =>
        {
            Ok(Attempt::Held(None))
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

/// The name of the MySQL lock: one per database, within MySQL's 64 characters.
const MYSQL_LOCK: &str = "CONCAT('migrate:', SHA1(COALESCE(DATABASE(), '')))";

/// Runs `body` with the session's `sql_mode` strict (a `NOT NULL` or type change fails on a value
/// it would otherwise coerce) and reading backslash escapes (as literals are rendered), then
/// restores the mode the session had, and its `lock_wait_timeout`, which the run sets.
fn mysql_session<C: Database, T>(
    conn: &mut C,
    body: impl FnOnce(&mut C) -> Result<T, Error>,
) -> Result<T, Error> {
    let setting_error = |context: &'static str| {
        move |source| Error::Database {
            context: context.into(),
            source,
        }
    };
    let rows = conn
        .query_texts("SELECT @@SESSION.sql_mode AS a, CAST(@@SESSION.lock_wait_timeout AS CHAR) AS b, NULL AS c, NULL AS d")
        .map_err(setting_error("reading the session's sql_mode"))?;
    let (saved, lock_wait) = match rows.into_iter().next() {
        Some([mode, lock_wait, ..]) => (mode.unwrap_or_default(), lock_wait),
        None => (String::new(), None),
    };
    // A number of seconds, as the server printed it.
    let lock_wait = lock_wait
        .filter(|seconds| !seconds.is_empty() && seconds.bytes().all(|b| b.is_ascii_digit()))
        .map(|seconds| format!(", SESSION lock_wait_timeout = {seconds}"))
        .unwrap_or_default();
    let mut modes: Vec<&str> = saved
        .split(',')
        .filter(|mode| !mode.is_empty() && *mode != "NO_BACKSLASH_ESCAPES")
        .collect();
    if !modes.contains(&"STRICT_ALL_TABLES") {
        modes.push("STRICT_ALL_TABLES");
    }
    let set = |conn: &mut C, mode: &str, also: &str| {
        conn.batch_execute(&format!(
            "SET SESSION sql_mode = {}{also}",
            Dialect::Mysql.quote_literal(mode)
        ))
    };
    set(conn, &modes.join(","), "").map_err(setting_error("setting the session's sql_mode"))?;
    let result = body(conn);
    let restored = set(conn, &saved, &lock_wait);
    match (result, restored) {
        (Ok(value), Ok(())) => Ok(value),
        (Err(error), _) => Err(error),
        (Ok(_), Err(source)) => Err(Error::Database {
            context: "restoring the session's sql_mode".into(),
            source,
        }),
    }
}

/// MySQL: the session holding the named lock, as the process list knows it.
fn mysql_holder<C: Database>(conn: &mut C) -> Option<String> {
    let rows = conn
        .query_texts(&format!(
            "SELECT CAST(ID AS CHAR) AS a, USER AS b, HOST AS c, CAST(TIME AS CHAR) AS d
             FROM information_schema.PROCESSLIST WHERE ID = IS_USED_LOCK({MYSQL_LOCK})"
        ))
        .ok()?;
    let [id, user, host, seconds] = rows.into_iter().next()?;
    Some(format!(
        "MySQL connection {} of user `{}` from {}, in its current state for {} s",
        id.unwrap_or_default(),
        user.unwrap_or_default(),
        host.unwrap_or_default(),
        seconds.unwrap_or_default()
    ))
}

/// One try at the migration lock.
enum Attempt {
    Taken,
    /// Another instance holds it; who, when the database can say (told once).
    Held(Option<String>),
}

/// PostgreSQL: the session holding the advisory lock of this database (advisory locks are per
/// database; instances migrating other databases of the server hold the same key), as
/// `pg_stat_activity` knows it.
fn postgres_holder<C: Database>(conn: &mut C) -> Option<String> {
    // An advisory lock on a bigint key shows as classid = high 32 bits, objid = low 32 bits.
    let (high, low) = (
        (ADVISORY_KEY as u64) >> 32,
        (ADVISORY_KEY as u64) & 0xffff_ffff,
    );
    let rows = conn
        .query_texts(&format!(
            "SELECT CAST(a.pid AS text) AS a, a.application_name AS b, host(a.client_addr) AS c, CAST(now() - a.backend_start AS text) AS d
             FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE l.locktype = 'advisory' AND l.granted AND l.classid = {high} AND l.objid = {low} AND l.objsubid = 1
               AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        ))
        .ok()?;
    let [pid, application, address, _] = rows.into_iter().next()?;
    let application = match application.as_deref() {
        None | Some("") => "no application_name".to_owned(),
        Some(name) => format!("application_name `{name}`"),
    };
    let address = address.unwrap_or_else(|| "a local socket".to_owned());
    Some(format!(
        "PostgreSQL backend pid {}, {application}, from {address}",
        pid.unwrap_or_default()
    ))
}

/// Calls `try_lock` until it succeeds, logging once that another instance holds the lock and,
/// where the database says, which.
fn poll(
    wait_limit: Option<Duration>,
    mut try_lock: impl FnMut() -> Result<Attempt, Error>,
) -> Result<(), Error> {
    let started = Instant::now();
    let mut logged = false;
    let mut holder = None;
    loop {
        match try_lock()? {
            Attempt::Taken => {
                if logged {
                    tracing::info!(
                        waited_ms = started.elapsed().as_millis() as u64,
                        "took the migration lock"
                    );
                }
                return Ok(());
            }
            Attempt::Held(who) => {
                if who.is_some() {
                    holder = who;
                }
            }
        }
        if !logged {
            match &holder {
                Some(holder) => {
                    tracing::warn!(%holder, "another instance holds the migration lock; waiting for it")
                }
                None => tracing::warn!("another instance holds the migration lock; waiting for it"),
            }
            logged = true;
        }
        if wait_limit.is_some_and(|limit| started.elapsed() >= limit) {
            return Err(Error::LockTimeout {
                waited: started.elapsed(),
                holder,
            });
        }
        std::thread::sleep(POLL);
    }
}
