//! `migrate_versions`: the applied *set* (not one head, so branches and merges work), and
//! `migrate_progress`: how far a step-by-step migration got before it stopped.
//!
//! Each version row also records its owner, the module path of the `migrations!()` token whose
//! migration it is, so a row this build does not know can be told apart: one of ours came from a
//! newer build, one of another owner belongs to another set of migrations sharing the database. Each progress row records the
//! checksum of the migration that was running, so a migration edited after it was interrupted is
//! refused instead of resumed with steps that never ran.
//!
//! Each version row also keeps the migration's definition as applied: its canonical text, the one
//! its checksum hashes. A checksum says only *that* a migration was edited since; the text says
//! *what* changed, which `repair` shows before it re-records an edit made on purpose. Rows that a
//! version without this column recorded have none, and tables it created get the column on the
//! next run that writes to them.

use migrate_core::canonical;
use migrate_core::model::Migration;
use migrate_core::render::{quote_literal, Dialect};

use crate::database::Database;
use crate::Error;

/// A literal of the runtime's own values, in the standard form, which reads the same on SQLite
/// and on PostgreSQL whatever `standard_conforming_strings` says as long as the text holds no
/// backslash (see [`Dialect::quote_literal`]). These values hold none: migration ids are lower
/// snake_case (the `migration_id` rule refuses any other at compile time), checksums are hex,
/// owners are module paths, directions are `up` and `down`.
fn lit(text: &str) -> String {
    quote_literal(text)
}

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
    /// Empty when the migration's own row records it. For a squash applied before it existed,
    /// the ids of the migrations it replaces, whose rows record it (this row is read from them:
    /// `applied_at` is the last one's, `execution_ms` their sum).
    pub recorded_as: Vec<String>,
}

/// How far a step-by-step migration got before its run stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProgressRow {
    pub id: String,
    pub direction: String,
    pub steps_done: usize,
    /// `None` for a row written before progress recorded checksums.
    pub checksum: Option<String>,
}

/// `expr` cast to text: MySQL has no `text` type to cast to.
pub(crate) fn as_text(expr: &str, dialect: Dialect) -> String {
    match dialect {
        Dialect::Mysql => format!("CAST({expr} AS CHAR)"),
        _ => format!("CAST({expr} AS text)"),
    }
}

fn db_error(context: &str) -> impl FnOnce(diesel::result::Error) -> Error + '_ {
    move |source| Error::Database {
        context: context.to_owned(),
        source,
    }
}

/// Creates both tables if they do not exist, and adds the columns this version records to tables
/// an earlier one created. Returns whether the tables were missing.
pub(crate) fn ensure(conn: &mut impl Database) -> Result<bool, Error> {
    let dialect = conn.dialect();
    if !exists(conn)? {
        let sql = match dialect {
            Dialect::Postgres => format!(
                "CREATE TABLE IF NOT EXISTS {VERSIONS} (id text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), execution_ms bigint NOT NULL, owner text, definition text);
                 CREATE TABLE IF NOT EXISTS {PROGRESS} (id text PRIMARY KEY, direction text NOT NULL, ops_done integer NOT NULL, checksum text)"
            ),
            // Ids are at most 255 bytes (the `migration_id` rule); InnoDB keys need a bounded type.
            Dialect::Mysql => format!(
                "CREATE TABLE IF NOT EXISTS {VERSIONS} (id VARCHAR(255) NOT NULL PRIMARY KEY, checksum VARCHAR(255) NOT NULL, applied_at DATETIME(6) NOT NULL DEFAULT (UTC_TIMESTAMP(6)), execution_ms BIGINT NOT NULL, owner TEXT, definition LONGTEXT);
                 CREATE TABLE IF NOT EXISTS {PROGRESS} (id VARCHAR(255) NOT NULL PRIMARY KEY, direction VARCHAR(8) NOT NULL, ops_done INT NOT NULL, checksum TEXT)"
            ),
            Dialect::Sqlite => format!(
                "CREATE TABLE IF NOT EXISTS {VERSIONS} (id TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ', 'now')), execution_ms INTEGER NOT NULL, owner TEXT, definition TEXT);
                 CREATE TABLE IF NOT EXISTS {PROGRESS} (id TEXT PRIMARY KEY, direction TEXT NOT NULL, ops_done INTEGER NOT NULL, checksum TEXT)"
            ),
        };
        conn.batch_execute(&sql)
            .map_err(db_error("creating the version table"))?;
        return Ok(true);
    }
    let present = |table: &str, column: &str| column_probe(dialect, table, column);
    // MySQL's `text` holds 64 KiB, less than the definition of a migration with a long raw SQL
    // statement; `LONGTEXT` is MySQL's only: the others' `text` has no such limit.
    let long_text = match dialect {
        Dialect::Mysql => "LONGTEXT",
        _ => "text",
    };
    let added = [
        (VERSIONS, "owner", "text"),
        (PROGRESS, "checksum", "text"),
        (VERSIONS, "definition", long_text),
    ];
    let probe = added
        .iter()
        .map(|(table, column, _)| present(table, column))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let found = conn
        .query_i64(&format!("SELECT count(*) AS value FROM ({probe}) AS found"))
        .map_err(db_error("reading the version table's columns"))?;
    if found != Some(added.len() as i64) {
        for (table, column, column_type) in added {
            let missing = !conn
                .query_bool(&format!(
                    "SELECT EXISTS ({}) AS value",
                    present(table, column)
                ))
                .map_err(db_error("reading the version table's columns"))?;
            if missing {
                conn.batch_execute(&format!(
                    "ALTER TABLE {table} ADD COLUMN {column} {column_type}"
                ))
                .map_err(db_error("adding a column to the version table"))?;
            }
        }
    }
    Ok(false)
}

/// A query with one row when `table` has `column`.
fn column_probe(dialect: Dialect, table: &str, column: &str) -> String {
    match dialect {
        Dialect::Postgres => format!(
            "SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('{table}') AND attname = '{column}' AND NOT attisdropped"
        ),
        Dialect::Mysql => format!(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '{table}' AND column_name = '{column}'"
        ),
        Dialect::Sqlite => {
            format!("SELECT 1 FROM pragma_table_info('{table}') WHERE name = '{column}'")
        }
    }
}

/// Whether the version table exists (reading must not create it).
pub(crate) fn exists(conn: &mut impl Database) -> Result<bool, Error> {
    let sql = match conn.dialect() {
        Dialect::Postgres => format!("SELECT to_regclass('{VERSIONS}') IS NOT NULL AS value"),
        Dialect::Mysql => format!(
            "SELECT count(*) > 0 AS value FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '{VERSIONS}'"
        ),
        Dialect::Sqlite => format!(
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
    let dialect = conn.dialect();
    let applied_at = match dialect {
        Dialect::Postgres => {
            "to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS\"Z\"')"
        }
        Dialect::Mysql => "DATE_FORMAT(applied_at, '%Y-%m-%d %H:%i:%s.%fZ')",
        Dialect::Sqlite => "applied_at",
    };
    let rows = conn
        .query_texts(&format!(
            "SELECT id AS a, checksum AS b, {applied_at} AS c, {} AS d FROM {VERSIONS} ORDER BY applied_at, id",
            as_text("execution_ms", dialect)
        ))
        .map_err(db_error("reading the version table"))?;
    Ok(rows
        .into_iter()
        .map(|[id, checksum, applied_at, ms]| AppliedRow {
            id: id.unwrap_or_default(),
            checksum: checksum.unwrap_or_default(),
            applied_at: applied_at.unwrap_or_default(),
            execution_ms: ms.and_then(|ms| ms.parse().ok()).unwrap_or_default(),
            recorded_as: Vec::new(),
        })
        .collect())
}

/// The applied set and every progress row in one query that creates nothing: the only statement
/// of a start-up that finds nothing to do. Rows are `(id, checksum, owner, "applied")` and
/// `(id, checksum, direction, "progress")`; an error (no tables yet) means "look closer".
pub(crate) fn snapshot(conn: &mut impl Database) -> diesel::QueryResult<Vec<[Option<String>; 4]>> {
    conn.query_texts(&format!(
        "SELECT id AS a, checksum AS b, owner AS c, 'applied' AS d FROM {VERSIONS} UNION ALL SELECT id, checksum, direction, 'progress' FROM {PROGRESS}"
    ))
}

/// PostgreSQL: the digest of the version table (see `migrate_core::checksum::of_applied_set`)
/// when every row is `owner`'s and no run is interrupted, else `None`; in one query that creates
/// nothing. An error (no tables yet) means "look closer".
///
/// MySQL reads the rows instead ([`snapshot`]): the same digest there (`GROUP_CONCAT` and `SHA2`)
/// measured no faster than sending 1,000 rows, and `GROUP_CONCAT` stops at
/// `group_concat_max_len`.
pub(crate) fn digest(conn: &mut impl Database, owner: &str) -> diesel::QueryResult<Option<String>> {
    let rows = conn.query_texts(&format!(
        "SELECT CASE WHEN bool_and(owner = {owner}) AND NOT EXISTS (SELECT 1 FROM {PROGRESS})
                THEN encode(sha256(convert_to(string_agg(id || ':' || checksum || E'\\n', '' ORDER BY id COLLATE \"C\"), 'UTF8')), 'hex') END AS a,
                NULL AS b, NULL AS c, NULL AS d
         FROM {VERSIONS}",
        owner = Dialect::Postgres.quote_literal(owner)
    ))?;
    Ok(rows.into_iter().next().and_then(|[digest, ..]| digest))
}

/// SQLite: the `id:checksum` lines of the version table, sorted by id in byte order, when every
/// row is `owner`'s and no run is interrupted, else `None`; one row, in one query that creates
/// nothing: the text `migrate_core::checksum::applied_set_lines` writes for this build's
/// migrations when the table holds exactly them. SQLite runs in the process, so the cost of the
/// start-up check is decoding rows, and this is one row, compared as it is.
pub(crate) fn sqlite_lines(
    conn: &mut impl Database,
    owner: &str,
) -> diesel::QueryResult<Option<String>> {
    let rows = conn.query_texts(&format!(
        "SELECT CASE WHEN min(owner = {owner}) AND NOT EXISTS (SELECT 1 FROM {PROGRESS})
                THEN coalesce(group_concat(id || ':' || checksum || char(10), '' ORDER BY id), '') END AS a,
                NULL AS b, NULL AS c, NULL AS d
         FROM {VERSIONS}",
        owner = Dialect::Sqlite.quote_literal(owner)
    ))?;
    Ok(rows.into_iter().next().and_then(|[lines, ..]| lines))
}

/// The owner of each applied migration; `None` for rows recorded before owners were. Read only
/// when a row needs explaining, so the common path stays one query.
pub(crate) fn owners(conn: &mut impl Database) -> Result<Vec<(String, Option<String>)>, Error> {
    let rows = conn
        .query_texts(&format!(
            "SELECT id AS a, owner AS b, NULL AS c, NULL AS d FROM {VERSIONS}"
        ))
        .map_err(db_error("reading the version table"))?;
    Ok(rows
        .into_iter()
        .map(|[id, owner, ..]| (id.unwrap_or_default(), owner))
        .collect())
}

/// Records `migration` as applied, and forgets any progress of it: the two always change
/// together.
pub(crate) fn insert_sql(
    migration: &Migration,
    owner: &str,
    execution_ms: u128,
    dialect: Dialect,
) -> String {
    format!(
        "{}; INSERT INTO {VERSIONS} (id, checksum, execution_ms, owner, definition) VALUES ({}, {}, {execution_ms}, {}, {})",
        clear_progress_sql(&migration.id),
        lit(&migration.id),
        lit(&migration.checksum),
        lit(owner),
        // Raw SQL in the text can hold anything: quoted for the dialect, backslashes included.
        dialect.quote_literal(&canonical::migration(migration)),
    )
}

/// What the version table recorded of migration `id` when it was applied: its checksum, and its
/// definition (`None` when recorded by a version that kept none). `None` when it is not applied.
pub(crate) fn recorded(
    conn: &mut impl Database,
    id: &str,
) -> Result<Option<(String, Option<String>)>, Error> {
    if !exists(conn)? {
        return Ok(None);
    }
    // Reading creates nothing: a table an earlier version created may not have the column yet.
    let kept = conn
        .query_bool(&format!(
            "SELECT EXISTS ({}) AS value",
            column_probe(conn.dialect(), VERSIONS, "definition")
        ))
        .map_err(db_error("reading the version table's columns"))?;
    let definition = if kept { "definition" } else { "NULL" };
    let rows = conn
        .query_texts(&format!(
            "SELECT checksum AS a, {definition} AS b, NULL AS c, NULL AS d FROM {VERSIONS} WHERE id = {}",
            lit(id)
        ))
        .map_err(db_error("reading the version table"))?;
    Ok(rows
        .into_iter()
        .next()
        .map(|[checksum, definition, ..]| (checksum.unwrap_or_default(), definition)))
}

/// Records `migration` as this build has it, for an applied migration edited on purpose.
pub(crate) fn rerecord_sql(migration: &Migration, dialect: Dialect) -> String {
    format!(
        "UPDATE {VERSIONS} SET checksum = {}, definition = {} WHERE id = {}",
        lit(&migration.checksum),
        dialect.quote_literal(&canonical::migration(migration)),
        lit(&migration.id),
    )
}

/// Records `id` as not applied, and forgets any progress of it.
pub(crate) fn delete_sql(id: &str) -> String {
    format!(
        "{}; DELETE FROM {VERSIONS} WHERE id = {}",
        clear_progress_sql(id),
        lit(id)
    )
}

/// Records `migration` as not applied, and forgets any progress of it: its own row, and the rows
/// of the migrations it replaces, which record it when they were applied before it existed.
pub(crate) fn unrecord_sql(migration: &Migration) -> String {
    if migration.replaces.is_empty() {
        return delete_sql(&migration.id);
    }
    let ids: Vec<String> = std::iter::once(&migration.id)
        .chain(migration.replaces.iter())
        .map(|id| lit(id))
        .collect();
    format!(
        "{}; DELETE FROM {VERSIONS} WHERE id IN ({})",
        clear_progress_sql(&migration.id),
        ids.join(", ")
    )
}

/// Every progress row: the step-by-step migrations whose last run stopped before the end. The
/// caller knows the tables exist.
pub(crate) fn progress(conn: &mut impl Database) -> Result<Vec<ProgressRow>, Error> {
    let rows = conn
        .query_texts(&format!(
            "SELECT id AS a, direction AS b, {} AS c, checksum AS d FROM {PROGRESS} ORDER BY id",
            as_text("ops_done", conn.dialect())
        ))
        .map_err(db_error("reading migration progress"))?;
    Ok(rows
        .into_iter()
        .map(|[id, direction, done, checksum]| ProgressRow {
            id: id.unwrap_or_default(),
            direction: direction.unwrap_or_default(),
            steps_done: done.and_then(|done| done.parse().ok()).unwrap_or(0),
            checksum,
        })
        .collect())
}

/// Records that `steps_done` steps of migration `id` (at `checksum`) ran in `direction`.
pub(crate) fn progress_sql(id: &str, direction: &str, checksum: &str, steps_done: usize) -> String {
    format!(
        "{}; INSERT INTO {PROGRESS} (id, direction, ops_done, checksum) VALUES ({}, {}, {steps_done}, {})",
        clear_progress_sql(id),
        lit(id),
        lit(direction),
        lit(checksum),
    )
}

/// MySQL: [`progress_sql`] in one statement, which costs one write instead of two.
pub(crate) fn mysql_progress_sql(
    id: &str,
    direction: &str,
    checksum: &str,
    steps_done: usize,
) -> String {
    format!(
        "REPLACE INTO {PROGRESS} (id, direction, ops_done, checksum) VALUES ({}, {}, {steps_done}, {})",
        lit(id),
        lit(direction),
        lit(checksum),
    )
}

pub(crate) fn clear_progress_sql(id: &str) -> String {
    format!("DELETE FROM {PROGRESS} WHERE id = {}", lit(id))
}
