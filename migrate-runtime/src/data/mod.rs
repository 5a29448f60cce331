//! What a Rust data step works with: the [`DataConnection`] it receives, and
//! [`nothing_to_undo`] for the `down:` of a step that leaves nothing to undo.
//!
//! A data step is `fn(&mut DataConnection) -> Result<(), BoxError>`, named by
//! `run(up: …, down: …)` in a `migration!`, and the same function runs on whichever backend the
//! app migrates. The connection is an enum over diesel's connections, so a step can still match
//! it and use diesel's typed query builder; but most steps need three things, and those are
//! methods that work the same on PostgreSQL, SQLite and MySQL:
//!
//! - run one statement with parameters: [`execute`](DataConnection::execute), with `$1`, `$2`, …
//!   on every backend (`placeholders.rs` says why that syntax);
//! - read rows: [`query`](DataConnection::query), each [`Row`] read by column name into Rust
//!   types (`row.get::<i64>("id")`), with no struct to declare per query;
//! - go through a big table in short statements:
//!   [`execute_in_batches`](DataConnection::execute_in_batches) and
//!   [`in_batches`](DataConnection::in_batches).
//!
//! Parameters and cells are [`Value`]s: a few kinds that every backend stores and binds with
//! one SQL type each (`value.rs`), because diesel's typed binds differ per backend.
//!
//! A whole data step, run by an upgrade:
//!
//! ```
//! mod migrations {
//!     use migrate_runtime::data::DataConnection;
//!     use migrate_runtime::BoxError;
//!
//!     migrate_runtime::migration! {
//!         id: "0001_create_users", parent: none,
//!         change {
//!             create_table(users, { id: bigint identity, email: text, domain: text nullable },
//!                          primary_key: pk_users(id));
//!         }
//!     }
//!     mod m0002 {
//!         migrate_runtime::migration! {
//!             id: "0002_fill_domains", parent: "0001_create_users",
//!             change { run(up: super::fill_domains, down: migrate_runtime::data::nothing_to_undo); }
//!         }
//!     }
//!
//!     /// Sets each user's `domain` from their email, computed in Rust.
//!     pub fn fill_domains(conn: &mut DataConnection<'_>) -> Result<(), BoxError> {
//!         conn.in_batches(|conn| {
//!             let rows = conn.query("SELECT id, email FROM users WHERE domain IS NULL LIMIT 100", &[])?;
//!             for row in &rows {
//!                 let email: String = row.get("email")?;
//!                 let domain = email.rsplit('@').next().unwrap_or_default().to_lowercase();
//!                 conn.execute("UPDATE users SET domain = $1 WHERE id = $2", &[&domain, &row.get::<i64>("id")?])?;
//!             }
//!             Ok::<_, BoxError>(rows.len())
//!         })?;
//!         Ok(())
//!     }
//!
//!     migrate_runtime::migrations!();
//! }
//! use migrate_runtime::{AnyConnection, Database, Migrator, Target};
//!
//! let mut conn = AnyConnection::establish(":memory:")?;
//! let migrator = Migrator::new(&migrations::MIGRATIONS)?;
//! migrator.upgrade(&mut conn, Target::Revision("0001".into()))?;
//! conn.batch_execute("INSERT INTO users (email) VALUES ('ada@Example.org'), ('bob@x.io')").unwrap();
//! migrator.upgrade(&mut conn, Target::Head)?;
//! let filled = conn.query_i64("SELECT count(*) AS value FROM users WHERE domain IN ('example.org', 'x.io')").unwrap();
//! assert_eq!(filled, Some(2));
//! # Ok::<(), migrate_runtime::Error>(())
//! ```

mod bind;
mod error;
mod placeholders;
mod row;
mod value;

use migrate_core::render::Dialect;

pub use error::DataError;
pub use row::Row;
pub use value::{FromValue, ToValue, Value};

use crate::registry::BoxError;
use bind::Statement;
use row::{TypeName, UnreadableColumn};

/// The connection a Rust data step receives, inside the migration's transaction when it has one.
///
/// Its methods run SQL the same way on every backend; match it for diesel's own connection (the
/// typed query builder, `transaction`, which nests as a savepoint in the migration's).
#[non_exhaustive]
pub enum DataConnection<'a> {
    #[cfg(feature = "postgres")]
    Postgres(&'a mut diesel::PgConnection),
    #[cfg(feature = "sqlite")]
    Sqlite(&'a mut diesel::SqliteConnection),
    #[cfg(feature = "mysql")]
    Mysql(&'a mut diesel::MysqlConnection),
}

/// Runs `$body` with `$conn` bound to the diesel connection and `$backend` to its backend type.
macro_rules! on_connection {
    ($self:expr, |$conn:ident, $backend:ident| $body:expr) => {
        match $self {
            #[cfg(feature = "postgres")]
            DataConnection::Postgres($conn) => {
                type $backend = diesel::pg::Pg;
                $body
            }
            #[cfg(feature = "sqlite")]
            DataConnection::Sqlite($conn) => {
                type $backend = diesel::sqlite::Sqlite;
                $body
            }
            #[cfg(feature = "mysql")]
            DataConnection::Mysql($conn) => {
                type $backend = diesel::mysql::Mysql;
                $body
            }
        }
    };
}

impl DataConnection<'_> {
    /// The backend, for a step that writes different SQL for each.
    ///
    /// ```
    /// # let mut sqlite = <diesel::SqliteConnection as diesel::Connection>::establish(":memory:").unwrap();
    /// # let conn = migrate_runtime::DataConnection::Sqlite(&mut sqlite);
    /// use migrate_runtime::core::render::Dialect;
    ///
    /// let now = match conn.dialect() {
    ///     Dialect::Sqlite => "datetime('now')",
    ///     _ => "CURRENT_TIMESTAMP",
    /// };
    /// assert_eq!(now, "datetime('now')");
    /// ```
    pub fn dialect(&self) -> Dialect {
        match self {
            #[cfg(feature = "postgres")]
            DataConnection::Postgres(_) => Dialect::Postgres,
            #[cfg(feature = "sqlite")]
            DataConnection::Sqlite(_) => Dialect::Sqlite,
            #[cfg(feature = "mysql")]
            DataConnection::Mysql(_) => Dialect::Mysql,
        }
    }

    /// Runs one statement with `params` bound to its `$1`, `$2`, …, and returns the number of
    /// rows it affected.
    ///
    /// Placeholders are `$1`, `$2`, … on every backend (translated to `?` for SQLite and
    /// MySQL); a number may be used several times and in any order, and every parameter must be
    /// used. `$` inside strings, quoted identifiers and comments is left alone. On PostgreSQL a
    /// text parameter is `text`: cast it where a column of another type receives it
    /// (`$1::timestamptz`, `$1::my_enum`). See [`Value`] for how each kind binds.
    ///
    /// ```
    /// # let mut sqlite = <diesel::SqliteConnection as diesel::Connection>::establish(":memory:").unwrap();
    /// # let mut conn = migrate_runtime::DataConnection::Sqlite(&mut sqlite);
    /// conn.execute("CREATE TABLE users (id integer PRIMARY KEY, role text, bio text)", &[])?;
    /// conn.execute("INSERT INTO users (id, role, bio) VALUES (1, 'guest', 'hi'), (2, 'guest', NULL)", &[])?;
    ///
    /// let updated = conn.execute("UPDATE users SET role = $1, bio = $2 WHERE id = $3", &[&"member", &None::<String>, &1])?;
    /// assert_eq!(updated, 1);
    /// # Ok::<(), migrate_runtime::data::DataError>(())
    /// ```
    pub fn execute(&mut self, sql: &str, params: &[&dyn ToValue]) -> Result<usize, DataError> {
        use diesel::RunQueryDsl;
        let statement = Statement::new(sql, params, self.dialect())?;
        on_connection!(self, |conn, Backend| statement
            .query::<Backend>()
            .execute(&mut **conn))
        .map_err(|source| DataError::Database {
            sql: sql.to_owned(),
            source,
        })
    }

    /// Runs one query with `params` bound to its `$1`, `$2`, … (as [`execute`](Self::execute)
    /// does) and returns its rows, each column read by name with [`Row::get`].
    ///
    /// Columns are read as the kinds of [`Value`]: NULL, booleans, integers, floats, text and
    /// bytes. A column of another type (a timestamp, `numeric`, a PostgreSQL enum) is an error
    /// that names it: cast it in the query (`CAST(created_at AS text)`). Name computed columns
    /// (`count(*) AS n`), so that `get` finds them by the same name on every backend.
    ///
    /// MySQL gives a bare placeholder in the select list (`SELECT $1 AS x`) no type when it
    /// prepares the statement, and diesel panics reading such a column: select a cast instead
    /// (`CAST($1 AS CHAR)`, `CAST($1 AS SIGNED)`). Placeholders anywhere else are typed.
    ///
    /// ```
    /// # let mut sqlite = <diesel::SqliteConnection as diesel::Connection>::establish(":memory:").unwrap();
    /// # let mut conn = migrate_runtime::DataConnection::Sqlite(&mut sqlite);
    /// conn.execute("CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL, bio text)", &[])?;
    /// conn.execute("INSERT INTO users (email, bio) VALUES ('a@x.org', NULL), ('b@x.org', 'hi')", &[])?;
    ///
    /// let rows = conn.query("SELECT id, email, bio FROM users WHERE email LIKE $1 ORDER BY id", &[&"%@x.org"])?;
    /// assert_eq!(rows.len(), 2);
    /// assert_eq!(rows[0].get::<i64>("id")?, 1);
    /// assert_eq!(rows[0].get::<String>("email")?, "a@x.org");
    /// assert_eq!(rows[0].get::<Option<String>>("bio")?, None);
    /// assert_eq!(rows[1].get::<Option<String>>("bio")?.as_deref(), Some("hi"));
    /// # Ok::<(), migrate_runtime::data::DataError>(())
    /// ```
    pub fn query(&mut self, sql: &str, params: &[&dyn ToValue]) -> Result<Vec<Row>, DataError> {
        use diesel::RunQueryDsl;
        let statement = Statement::new(sql, params, self.dialect())?;
        let loaded = on_connection!(self, |conn, Backend| statement
            .query::<Backend>()
            .load::<Row>(&mut **conn));
        loaded.map_err(|source| match unreadable_column(&source) {
            Some(unreadable) => self.unreadable_type(sql, unreadable),
            None => DataError::Database {
                sql: sql.to_owned(),
                source,
            },
        })
    }

    /// Runs one statement again and again until it affects no row, and returns the rows affected
    /// in all. For an update or delete over many rows: each run is a short statement over one
    /// batch, which keeps statement timeouts, memory and MySQL's undo log small.
    ///
    /// The statement must limit itself to a batch and touch only rows still to do, or it never
    /// stops. The form below runs on all three backends (MySQL refuses `LIMIT` directly inside
    /// `IN (…)`, hence the derived table). The batches run inside the migration's transaction:
    /// the rows stay locked until it commits. For batches committed one by one, use the
    /// `backfill` op, which needs no Rust.
    ///
    /// ```
    /// # let mut sqlite = <diesel::SqliteConnection as diesel::Connection>::establish(":memory:").unwrap();
    /// # let mut conn = migrate_runtime::DataConnection::Sqlite(&mut sqlite);
    /// conn.execute("CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL)", &[])?;
    /// conn.execute("INSERT INTO users (email) VALUES ('A@x.org'), ('B@x.org'), ('c@x.org')", &[])?;
    ///
    /// let lowered = conn.execute_in_batches(
    ///     "UPDATE users SET email = lower(email) WHERE id IN (
    ///          SELECT id FROM (SELECT id FROM users WHERE email <> lower(email) LIMIT $1) AS batch)",
    ///     &[&1],
    /// )?;
    /// assert_eq!(lowered, 2);
    /// # Ok::<(), migrate_runtime::data::DataError>(())
    /// ```
    pub fn execute_in_batches(
        &mut self,
        sql: &str,
        params: &[&dyn ToValue],
    ) -> Result<usize, DataError> {
        self.in_batches(|conn| conn.execute(sql, params))
    }

    /// Calls `batch` again and again until it returns 0, and returns the sum of what it
    /// returned. For work done in Rust over many rows: each call reads a batch of rows still to
    /// do, writes them, and returns how many it did.
    ///
    /// As with [`execute_in_batches`](Self::execute_in_batches), each call must make progress, or
    /// it never stops; and the batches run inside the migration's transaction.
    ///
    /// ```
    /// # let mut sqlite = <diesel::SqliteConnection as diesel::Connection>::establish(":memory:").unwrap();
    /// # let mut conn = migrate_runtime::DataConnection::Sqlite(&mut sqlite);
    /// use migrate_runtime::BoxError;
    ///
    /// conn.execute("CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL, initials text)", &[])?;
    /// conn.execute("INSERT INTO users (name) VALUES ('Ada Lovelace'), ('Alan Turing'), ('Grace Hopper')", &[])?;
    ///
    /// let done = conn.in_batches(|conn| {
    ///     let rows = conn.query("SELECT id, name FROM users WHERE initials IS NULL LIMIT 2", &[])?;
    ///     for row in &rows {
    ///         let name: String = row.get("name")?;
    ///         let initials: String = name.split(' ').filter_map(|word| word.chars().next()).collect();
    ///         conn.execute("UPDATE users SET initials = $1 WHERE id = $2", &[&initials, &row.get::<i64>("id")?])?;
    ///     }
    ///     Ok::<_, BoxError>(rows.len())
    /// })?;
    /// assert_eq!(done, 3);
    /// # Ok::<(), BoxError>(())
    /// ```
    pub fn in_batches<E>(
        &mut self,
        mut batch: impl FnMut(&mut Self) -> Result<usize, E>,
    ) -> Result<usize, E> {
        let mut total = 0;
        loop {
            match batch(self)? {
                0 => return Ok(total),
                done => total += done,
            }
        }
    }

    /// The error for a column whose type no [`Value`] holds, with the type's name: PostgreSQL
    /// reports only its oid, which the server names (the query itself succeeded, so the
    /// transaction is still usable).
    fn unreadable_type(&mut self, sql: &str, unreadable: &UnreadableColumn) -> DataError {
        let column = unreadable.column.clone();
        let (type_name, cast) = match &unreadable.type_name {
            #[cfg(feature = "postgres")]
            TypeName::PostgresOid(oid) => {
                let name = self
                    .query("SELECT format_type($1::oid, NULL) AS name", &[&oid])
                    .ok()
                    .and_then(|rows| rows.first()?.get::<String>("name").ok())
                    .unwrap_or_else(|| format!("oid {oid}"));
                (name, format!("CAST({column} AS text)"))
            }
            TypeName::Known(name) => ((*name).to_owned(), format!("CAST({column} AS CHAR)")),
        };
        DataError::UnreadableType {
            sql: sql.to_owned(),
            column,
            type_name,
            cast,
        }
    }
}

/// The column a row could not read, when that is why loading failed.
fn unreadable_column(error: &diesel::result::Error) -> Option<&UnreadableColumn> {
    match error {
        diesel::result::Error::DeserializationError(error) => error.downcast_ref(),
        _ => None,
    }
}

impl std::fmt::Debug for DataConnection<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DataConnection::{:?}", self.dialect())
    }
}

/// The `down:` of a data step that leaves nothing to undo: it does nothing.
///
/// `migration!` requires every `run` step to have a way back, so that a downgrade is never
/// refused by surprise. When reverting the schema is all a downgrade needs (the step filled a
/// column the downgrade drops, or normalised data that stays valid), name this function:
///
/// ```text
/// change {
///     add_column(users, domain: text nullable);
///     run(up: crate::data::fill_domains, down: migrate_runtime::data::nothing_to_undo);
/// }
/// ```
///
/// Write the path in full, as above: `migrate sql` recognises it by that path and knows the
/// step has no SQL to miss, where it must report any other Rust step as missing from the script.
///
/// ```
/// # let mut sqlite = <diesel::SqliteConnection as diesel::Connection>::establish(":memory:").unwrap();
/// # let mut conn = migrate_runtime::DataConnection::Sqlite(&mut sqlite);
/// assert!(migrate_runtime::data::nothing_to_undo(&mut conn).is_ok());
/// ```
pub fn nothing_to_undo(_: &mut DataConnection<'_>) -> Result<(), BoxError> {
    Ok(())
}

/// Whether a `run` step's function is [`nothing_to_undo`], by the path `migration!` recorded.
pub(crate) fn does_nothing(path: &str) -> bool {
    matches!(
        path,
        "migrate_runtime::data::nothing_to_undo" | "::migrate_runtime::data::nothing_to_undo"
    )
}
