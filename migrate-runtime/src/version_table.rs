//! `migrate_versions`: the applied *set* (not one head, so branches and merges work), and
//! `migrate_progress`: how far a non-transactional migration got before it stopped.

use migrate_core::render::{quote_literal as lit, Dialect};

use crate::database::Database;
use crate::Error;

pub(crate) const VERSIONS: &str = "migrate_versions";
pub(crate) const PROGRESS: &str = "migrate_progress";

/// One applied migration, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedRow {
    pub id: String,
    pub checksum: String,
    /// When it was applied, as the database printed it (UTC).
    pub applied_at: String,
    pub execution_ms: i64,
}

fn db_error(context: &str) -> impl FnOnce(diesel::result::Error) -> Error + '_ {
    move |source| Error::Database {
        context: context.to_owned(),
        source,
    }
}

/// Creates both tables if they do not exist.
pub(crate) fn ensure(conn: &mut impl Database) -> Result<(), Error> {
    let sql = match conn.dialect() {
        Dialect::Postgres => format!(
            "CREATE TABLE IF NOT EXISTS {VERSIONS} (id text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), execution_ms bigint NOT NULL);
             CREATE TABLE IF NOT EXISTS {PROGRESS} (id text PRIMARY KEY, direction text NOT NULL, ops_done integer NOT NULL)"
        ),
        _ => format!(
            "CREATE TABLE IF NOT EXISTS {VERSIONS} (id TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ', 'now')), execution_ms INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS {PROGRESS} (id TEXT PRIMARY KEY, direction TEXT NOT NULL, ops_done INTEGER NOT NULL)"
        ),
    };
    conn.batch_execute(&sql)
        .map_err(db_error("creating the version table"))
}

/// Whether the version table exists (reading must not create it).
pub(crate) fn exists(conn: &mut impl Database) -> Result<bool, Error> {
    let sql = match conn.dialect() {
        Dialect::Postgres => format!("SELECT to_regclass('{VERSIONS}') IS NOT NULL AS value"),
        _ => format!(
            "SELECT count(*) > 0 AS value FROM sqlite_master WHERE type = 'table' AND name = '{VERSIONS}'"
        ),
    };
    conn.query_bool(&sql)
        .map_err(db_error("looking for the version table"))
}

/// The applied migrations, oldest first.
pub(crate) fn read(conn: &mut impl Database) -> Result<Vec<AppliedRow>, Error> {
    if !exists(conn)? {
        return Ok(Vec::new());
    }
    let applied_at = match conn.dialect() {
        Dialect::Postgres => {
            "to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS\"Z\"')"
        }
        _ => "applied_at",
    };
    let rows = conn
        .query_texts(&format!(
            "SELECT id AS a, checksum AS b, {applied_at} AS c, CAST(execution_ms AS text) AS d FROM {VERSIONS} ORDER BY applied_at, id"
        ))
        .map_err(db_error("reading the version table"))?;
    Ok(rows
        .into_iter()
        .map(|[id, checksum, applied_at, ms]| AppliedRow {
            id: id.unwrap_or_default(),
            checksum: checksum.unwrap_or_default(),
            applied_at: applied_at.unwrap_or_default(),
            execution_ms: ms.and_then(|ms| ms.parse().ok()).unwrap_or_default(),
        })
        .collect())
}

pub(crate) fn insert_sql(id: &str, checksum: &str, execution_ms: u128) -> String {
    format!(
        "INSERT INTO {VERSIONS} (id, checksum, execution_ms) VALUES ({}, {}, {execution_ms})",
        lit(id),
        lit(checksum)
    )
}

pub(crate) fn delete_sql(id: &str) -> String {
    format!("DELETE FROM {VERSIONS} WHERE id = {}", lit(id))
}

/// How many ops of migration `id` in `direction` already ran, from an earlier interrupted run.
pub(crate) fn progress(
    conn: &mut impl Database,
    id: &str,
    direction: &str,
) -> Result<usize, Error> {
    let done = conn
        .query_i64(&format!(
            "SELECT CAST(ops_done AS bigint) AS value FROM {PROGRESS} WHERE id = {} AND direction = {}",
            lit(id),
            lit(direction)
        ))
        .map_err(db_error("reading migration progress"))?;
    Ok(done.unwrap_or(0).try_into().unwrap_or(0))
}

pub(crate) fn progress_sql(id: &str, direction: &str, ops_done: usize) -> String {
    format!(
        "DELETE FROM {PROGRESS} WHERE id = {id_lit}; INSERT INTO {PROGRESS} (id, direction, ops_done) VALUES ({id_lit}, {}, {ops_done})",
        lit(direction),
        id_lit = lit(id),
    )
}

pub(crate) fn clear_progress_sql(id: &str) -> String {
    format!("DELETE FROM {PROGRESS} WHERE id = {}", lit(id))
}
