//! The few things the runtime needs from a connection, behind one trait, for each diesel backend.
//!
//! Transactions go through diesel's own transaction manager, so a Rust data step that opens
//! `conn.transaction(…)` inside a migration gets a savepoint instead of committing the migration's
//! transaction behind the runtime's back.

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::sql_types::{BigInt, Bool, Text};
use diesel::{QueryResult, QueryableByName, RunQueryDsl};
use migrate_core::render::Dialect;

use crate::registry::DataConnection;

/// A database connection the runtime can migrate.
///
/// Implemented for `diesel::PgConnection`, `diesel::SqliteConnection` and [`AnyConnection`].
pub trait Database {
    fn dialect(&self) -> Dialect;
    /// Runs one statement, returning the number of rows it affected.
    fn execute(&mut self, sql: &str) -> QueryResult<usize>;
    /// Runs one or more statements.
    fn batch_execute(&mut self, sql: &str) -> QueryResult<()>;
    /// Runs a query whose first column is a `bigint`, returning the first row's value.
    fn query_i64(&mut self, sql: &str) -> QueryResult<Option<i64>>;
    /// Runs a query whose first column is a `boolean`.
    fn query_bool(&mut self, sql: &str) -> QueryResult<bool>;
    /// Runs a query returning rows of text columns named `a`, `b`, `c`, `d`.
    fn query_texts(&mut self, sql: &str) -> QueryResult<Vec<[Option<String>; 4]>>;
    /// Begins a transaction (a savepoint when one is open), or runs `sql` to begin it.
    fn begin(&mut self, sql: Option<&str>) -> QueryResult<()>;
    fn commit(&mut self) -> QueryResult<()>;
    fn rollback(&mut self) -> QueryResult<()>;
    /// The connection as Rust data steps receive it.
    fn data_connection(&mut self) -> DataConnection<'_>;
}

#[derive(QueryableByName)]
struct I64Row {
    #[diesel(sql_type = diesel::sql_types::Nullable<BigInt>)]
    value: Option<i64>,
}

#[derive(QueryableByName)]
struct BoolRow {
    #[diesel(sql_type = Bool)]
    value: bool,
}

#[derive(QueryableByName)]
struct TextsRow {
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    a: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    b: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    c: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
    d: Option<String>,
}

macro_rules! impl_database {
    ($connection:ty, $dialect:expr, $variant:ident) => {
        impl Database for $connection {
            fn dialect(&self) -> Dialect {
                $dialect
            }

            fn execute(&mut self, sql: &str) -> QueryResult<usize> {
                diesel::sql_query(sql).execute(self)
            }

            fn batch_execute(&mut self, sql: &str) -> QueryResult<()> {
                SimpleConnection::batch_execute(self, sql)
            }

            fn query_i64(&mut self, sql: &str) -> QueryResult<Option<i64>> {
                let rows: Vec<I64Row> = diesel::sql_query(sql).load(self)?;
                Ok(rows.into_iter().next().and_then(|row| row.value))
            }

            fn query_bool(&mut self, sql: &str) -> QueryResult<bool> {
                let rows: Vec<BoolRow> = diesel::sql_query(sql).load(self)?;
                Ok(rows.into_iter().next().is_some_and(|row| row.value))
            }

            fn query_texts(&mut self, sql: &str) -> QueryResult<Vec<[Option<String>; 4]>> {
                let rows: Vec<TextsRow> = diesel::sql_query(sql).load(self)?;
                Ok(rows
                    .into_iter()
                    .map(|row| [row.a, row.b, row.c, row.d])
                    .collect())
            }

            fn begin(&mut self, sql: Option<&str>) -> QueryResult<()> {
                match sql {
                    Some(sql) => AnsiTransactionManager::begin_transaction_sql(self, sql),
                    None => AnsiTransactionManager::begin_transaction(self),
                }
            }

            fn commit(&mut self) -> QueryResult<()> {
                AnsiTransactionManager::commit_transaction(self)
            }

            fn rollback(&mut self) -> QueryResult<()> {
                AnsiTransactionManager::rollback_transaction(self)
            }

            fn data_connection(&mut self) -> DataConnection<'_> {
                DataConnection::$variant(self)
            }
        }
    };
}

#[cfg(feature = "postgres")]
impl_database!(diesel::PgConnection, Dialect::Postgres, Postgres);
#[cfg(feature = "sqlite")]
impl_database!(diesel::SqliteConnection, Dialect::Sqlite, Sqlite);

/// A connection to whichever database a URL names: `postgres://…` (or `postgresql://…`), else an
/// SQLite file path (`sqlite://` prefix optional).
#[non_exhaustive]
pub enum AnyConnection {
    #[cfg(feature = "postgres")]
    Postgres(diesel::PgConnection),
    #[cfg(feature = "sqlite")]
    Sqlite(diesel::SqliteConnection),
}

impl std::fmt::Debug for AnyConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AnyConnection({})", self.dialect().name())
    }
}

impl AnyConnection {
    /// Connects to `url`.
    ///
    /// ```
    /// let conn = migrate_runtime::AnyConnection::establish(":memory:").unwrap();
    /// assert_eq!(format!("{conn:?}"), "AnyConnection(sqlite)");
    /// ```
    pub fn establish(url: &str) -> Result<AnyConnection, crate::Error> {
        use diesel::Connection;
        let connect_error = |source| crate::Error::Connect {
            url: redact(url),
            source,
        };
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            #[cfg(feature = "postgres")]
            return diesel::PgConnection::establish(url)
                .map(AnyConnection::Postgres)
                .map_err(connect_error);
        }
        #[cfg(feature = "sqlite")]
        {
            let path = url.strip_prefix("sqlite://").unwrap_or(url);
            diesel::SqliteConnection::establish(path)
                .map(AnyConnection::Sqlite)
                .map_err(connect_error)
        }
        #[cfg(not(feature = "sqlite"))]
        Err(crate::Error::UnsupportedUrl { url: redact(url) })
    }
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

macro_rules! delegate {
    ($self:ident, $conn:ident => $body:expr) => {
        match $self {
            #[cfg(feature = "postgres")]
            AnyConnection::Postgres($conn) => $body,
            #[cfg(feature = "sqlite")]
            AnyConnection::Sqlite($conn) => $body,
        }
    };
}

impl Database for AnyConnection {
    fn dialect(&self) -> Dialect {
        delegate!(self, conn => conn.dialect())
    }
    fn execute(&mut self, sql: &str) -> QueryResult<usize> {
        delegate!(self, conn => Database::execute(conn, sql))
    }
    fn batch_execute(&mut self, sql: &str) -> QueryResult<()> {
        delegate!(self, conn => Database::batch_execute(conn, sql))
    }
    fn query_i64(&mut self, sql: &str) -> QueryResult<Option<i64>> {
        delegate!(self, conn => conn.query_i64(sql))
    }
    fn query_bool(&mut self, sql: &str) -> QueryResult<bool> {
        delegate!(self, conn => conn.query_bool(sql))
    }
    fn query_texts(&mut self, sql: &str) -> QueryResult<Vec<[Option<String>; 4]>> {
        delegate!(self, conn => conn.query_texts(sql))
    }
    fn begin(&mut self, sql: Option<&str>) -> QueryResult<()> {
        delegate!(self, conn => conn.begin(sql))
    }
    fn commit(&mut self) -> QueryResult<()> {
        delegate!(self, conn => conn.commit())
    }
    fn rollback(&mut self) -> QueryResult<()> {
        delegate!(self, conn => conn.rollback())
    }
    fn data_connection(&mut self) -> DataConnection<'_> {
        delegate!(self, conn => conn.data_connection())
    }
}
