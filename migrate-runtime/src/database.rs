//! The few things the runtime needs from a connection, behind one trait, for each diesel backend.
//!
//! Transactions go through diesel's own transaction manager, so a Rust data step that opens
//! `conn.transaction(…)` inside a migration gets a savepoint instead of committing the migration's
//! transaction behind the runtime's back.

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::sql_types::{BigInt, Bool, Text};
use diesel::{QueryResult, QueryableByName, RunQueryDsl};
use migrate_core::render::Dialect;

use crate::data::DataConnection;

/// A database connection the runtime can migrate.
///
/// Implemented for `diesel::PgConnection`, `diesel::SqliteConnection`, `diesel::MysqlConnection`
/// and [`AnyConnection`], each behind the cargo feature of its backend.
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

/// The connection the runtime's own code runs on. The public methods generic over [`Database`]
/// hand theirs over as this, so the migration machinery is compiled once, in this crate, instead
/// of once per connection type in every app (a release build does not share generic code between
/// crates, and recompiling it was most of an app's rebuild after editing one migration).
pub(crate) type Conn<'a> = &'a mut dyn Database;

impl<D: Database + ?Sized> Database for &mut D {
    fn dialect(&self) -> Dialect {
        (**self).dialect()
    }
    fn execute(&mut self, sql: &str) -> QueryResult<usize> {
        (**self).execute(sql)
    }
    fn batch_execute(&mut self, sql: &str) -> QueryResult<()> {
        (**self).batch_execute(sql)
    }
    fn query_i64(&mut self, sql: &str) -> QueryResult<Option<i64>> {
        (**self).query_i64(sql)
    }
    fn query_bool(&mut self, sql: &str) -> QueryResult<bool> {
        (**self).query_bool(sql)
    }
    fn query_texts(&mut self, sql: &str) -> QueryResult<Vec<[Option<String>; 4]>> {
        (**self).query_texts(sql)
    }
    fn begin(&mut self, sql: Option<&str>) -> QueryResult<()> {
        (**self).begin(sql)
    }
    fn commit(&mut self) -> QueryResult<()> {
        (**self).commit()
    }
    fn rollback(&mut self) -> QueryResult<()> {
        (**self).rollback()
    }
    fn data_connection(&mut self) -> DataConnection<'_> {
        (**self).data_connection()
    }
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
#[cfg(feature = "mysql")]
impl_database!(diesel::MysqlConnection, Dialect::Mysql, Mysql);

/// A connection to whichever database a URL names.
///
/// The forms accepted, and nothing else (a typo'd scheme is an error, never an SQLite file):
/// - `postgres://…` or `postgresql://…`: PostgreSQL, as libpq reads it. Unless the URL sets
///   `connect_timeout`, connecting gives up after [`CONNECT_TIMEOUT`], so a server that accepts the
///   connection and never answers cannot hang start-up.
/// - `sqlite://path`, `sqlite:path`, `file:path` (an SQLite URI), `:memory:`, or a plain file path:
///   SQLite. The file is created if missing; its directory must exist. Statements wait up to 60 s
///   for another connection's lock instead of failing at once with `database is locked`.
/// - `mysql://user:password@host:3306/dbname` or `mariadb://…`: MySQL or MariaDB, as diesel's
///   `MysqlConnection` reads it.
///
/// Each backend is a cargo feature of this crate (`postgres`, `sqlite`, `mysql`); a URL of a
/// backend that is not compiled in is an error naming the feature to enable.
#[non_exhaustive]
pub enum AnyConnection {
    #[cfg(feature = "postgres")]
    Postgres(diesel::PgConnection),
    #[cfg(feature = "sqlite")]
    Sqlite(diesel::SqliteConnection),
    #[cfg(feature = "mysql")]
    Mysql(diesel::MysqlConnection),
}

/// How long connecting to PostgreSQL may take when the URL does not say (`connect_timeout=N`).
pub const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

impl std::fmt::Debug for AnyConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AnyConnection({})", self.dialect().name())
    }
}

/// What a database URL names, before connecting.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Target<'a> {
    Postgres,
    Sqlite(&'a str),
    /// The URL in the `mysql://` form diesel reads.
    Mysql(String),
}

impl AnyConnection {
    /// Connects to `url`.
    ///
    /// ```
    /// let conn = migrate_runtime::AnyConnection::establish(":memory:").unwrap();
    /// assert_eq!(format!("{conn:?}"), "AnyConnection(sqlite)");
    ///
    /// let typo = migrate_runtime::AnyConnection::establish("postgress://localhost/app").unwrap_err();
    /// assert!(typo.to_string().contains("postgres://"));
    /// ```
    pub fn establish(url: &str) -> Result<AnyConnection, crate::Error> {
        let connect_error = |source| crate::Error::Connect {
            url: redact(url),
            source,
        };
        match target(url)? {
            Target::Mysql(url) => {
                #[cfg(feature = "mysql")]
                {
                    use diesel::Connection;
                    diesel::MysqlConnection::establish(&url)
                        .map(AnyConnection::Mysql)
                        .map_err(connect_error)
                }
                #[cfg(not(feature = "mysql"))]
                {
                    let _ = url;
                    Err(crate::Error::UnsupportedUrl {
                        url: redact(&url),
                        feature: "mysql",
                    })
                }
            }
            Target::Postgres => {
                #[cfg(feature = "postgres")]
                {
                    use diesel::Connection;
                    diesel::PgConnection::establish(&with_connect_timeout(url))
                        .map(AnyConnection::Postgres)
                        .map_err(connect_error)
                }
                #[cfg(not(feature = "postgres"))]
                Err(crate::Error::UnsupportedUrl {
                    url: redact(url),
                    feature: "postgres",
                })
            }
            Target::Sqlite(path) => {
                #[cfg(feature = "sqlite")]
                {
                    use diesel::Connection;
                    let mut conn =
                        diesel::SqliteConnection::establish(path).map_err(connect_error)?;
                    SimpleConnection::batch_execute(
                        &mut conn,
                        &format!(
                            "PRAGMA busy_timeout = {}",
                            crate::lock::SQLITE_BUSY.as_millis()
                        ),
                    )
                    .map_err(|source| crate::Error::Database {
                        context: "setting the busy timeout".into(),
                        source,
                    })?;
                    Ok(AnyConnection::Sqlite(conn))
                }
                #[cfg(not(feature = "sqlite"))]
                {
                    let _ = (path, connect_error);
                    Err(crate::Error::UnsupportedUrl {
                        url: redact(url),
                        feature: "sqlite",
                    })
                }
            }
        }
    }
}

/// Which backend `url` names, refusing every form that is not documented on [`AnyConnection`].
pub(crate) fn target(url: &str) -> Result<Target<'_>, crate::Error> {
    let invalid = |expected: String| crate::Error::InvalidUrl {
        url: redact(url),
        expected,
    };
    const FORMS: &str = "postgres://user@host:5432/dbname, mysql://user@host:3306/dbname, sqlite://path/to/file.db, or a file path";
    if url.trim().is_empty() {
        return Err(invalid(format!("the URL is empty; expected {FORMS}")));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(Target::Postgres);
    }
    if url.starts_with("mysql://") {
        return Ok(Target::Mysql(url.to_owned()));
    }
    if let Some(rest) = url.strip_prefix("mariadb://") {
        return Ok(Target::Mysql(format!("mysql://{rest}")));
    }
    if url == ":memory:" || url.starts_with("file:") {
        return Ok(Target::Sqlite(url));
    }
    let path = match url.split_once(':') {
        // `C:\data\app.db`: a drive letter, not a scheme.
        Some((scheme, _)) if scheme.len() == 1 => url,
        Some((scheme, rest))
            if !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            match scheme.to_ascii_lowercase().as_str() {
                "sqlite" | "sqlite3" => rest.strip_prefix("//").unwrap_or(rest),
                "postgres" | "postgresql" => {
                    return Err(invalid(format!(
                        "a PostgreSQL URL starts with `{scheme}://`: postgres://user@host:5432/dbname"
                    )))
                }
                "mysql" | "mariadb" => {
                    return Err(invalid(format!(
                        "a MySQL or MariaDB URL starts with `{scheme}://`: mysql://user@host:3306/dbname"
                    )))
                }
                _ => {
                    let known = ["postgres", "postgresql", "mysql", "mariadb", "sqlite", "file"];
                    let hint = migrate_core::diagnostic::did_you_mean(scheme, &known)
                        .map(|known| format!("did you mean `{known}:`? "))
                        .unwrap_or_default();
                    return Err(invalid(format!(
                        "`{scheme}:` is not a database URL scheme this crate knows; {hint}expected {FORMS}"
                    )));
                }
            }
        }
        _ => url,
    };
    if path.is_empty() {
        return Err(invalid(format!(
            "the SQLite URL names no file; expected {FORMS}"
        )));
    }
    if path != ":memory:" {
        let parent = std::path::Path::new(path).parent();
        if let Some(parent) = parent.filter(|parent| !parent.as_os_str().is_empty()) {
            if !parent.is_dir() {
                return Err(invalid(format!(
                    "the directory {} does not exist; create it, or give the path of an SQLite file in an existing directory",
                    parent.display()
                )));
            }
        }
    }
    Ok(Target::Sqlite(path))
}

/// `url` with `connect_timeout` set to [`CONNECT_TIMEOUT`] unless it sets one.
#[cfg(feature = "postgres")]
fn with_connect_timeout(url: &str) -> String {
    let query = url.split_once('?').map(|(_, query)| query).unwrap_or("");
    if query
        .split('&')
        .any(|pair| pair.split('=').next() == Some("connect_timeout"))
    {
        return url.to_owned();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!(
        "{url}{separator}connect_timeout={}",
        CONNECT_TIMEOUT.as_secs()
    )
}

/// `url` with every secret masked, for messages: the password of `user:password@`, and the value
/// of any parameter whose name says it is one (`password=`, `sslpassword=`, `token=`…), in a query
/// string or in `key=value` connection-string form.
pub(crate) fn redact(url: &str) -> String {
    let mut out = match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    };
    let secret = |key: &str| {
        let key = key.to_ascii_lowercase();
        ["password", "secret", "token", "passwd", "pwd"]
            .iter()
            .any(|word| key.ends_with(word))
    };
    let mut start = 0;
    while let Some(offset) = out[start..].find('=') {
        let equals = start + offset;
        let key_start = out[..equals]
            .rfind(|c: char| c == '?' || c == '&' || c == ';' || c.is_whitespace())
            .map_or(0, |at| at + 1);
        let value_end = out[equals + 1..]
            .find(|c: char| c == '&' || c == ';' || c.is_whitespace())
            .map_or(out.len(), |at| equals + 1 + at);
        if secret(&out[key_start..equals]) && value_end > equals + 1 {
            out.replace_range(equals + 1..value_end, "***");
            start = equals + 4;
        } else {
            start = equals + 1;
        }
    }
    out
}

macro_rules! delegate {
    ($self:ident, $conn:ident => $body:expr) => {
        match $self {
            #[cfg(feature = "postgres")]
            AnyConnection::Postgres($conn) => $body,
            #[cfg(feature = "sqlite")]
            AnyConnection::Sqlite($conn) => $body,
            #[cfg(feature = "mysql")]
            AnyConnection::Mysql($conn) => $body,
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn redacts_every_form_of_password() {
        assert_eq!(
            redact("postgres://app:hunter2@db/app"),
            "postgres://app:***@db/app"
        );
        assert_eq!(
            redact("postgres://app@db/app?sslmode=require&password=hunter2&x=1"),
            "postgres://app@db/app?sslmode=require&password=***&x=1"
        );
        assert_eq!(
            redact("postgres://db/app?PASSWORD=hunter2"),
            "postgres://db/app?PASSWORD=***"
        );
        assert_eq!(
            redact("host=db password=hunter2 sslpassword=k dbname=app"),
            "host=db password=*** sslpassword=*** dbname=app"
        );
        assert!(!redact("postgres://a:b%40c@db/app?token=t0k").contains("t0k"));
    }

    #[test]
    fn accepts_only_documented_forms() {
        assert_eq!(target("postgres://db/app").ok(), Some(Target::Postgres));
        assert_eq!(target("postgresql://db/app").ok(), Some(Target::Postgres));
        assert_eq!(
            target("sqlite://app.db").ok(),
            Some(Target::Sqlite("app.db"))
        );
        assert_eq!(target("sqlite:app.db").ok(), Some(Target::Sqlite("app.db")));
        assert_eq!(target("app.db").ok(), Some(Target::Sqlite("app.db")));
        assert_eq!(target(":memory:").ok(), Some(Target::Sqlite(":memory:")));
        assert_eq!(
            target("mysql://root@db:3306/app").ok(),
            Some(Target::Mysql("mysql://root@db:3306/app".into()))
        );
        assert_eq!(
            target("mariadb://root@db/app").ok(),
            Some(Target::Mysql("mysql://root@db/app".into()))
        );
        for refused in [
            "",
            "  ",
            "postgresql:mydb",
            "postgress://db/app",
            "mysql:root@db/app",
            "sqlite://",
            "/no/such/directory/app.db",
        ] {
            assert!(target(refused).is_err(), "{refused:?} was accepted");
        }
        let typo = target("postgress://db/app").unwrap_err().to_string();
        assert!(typo.contains("did you mean `postgres:`"), "{typo}");
    }

    #[test]
    #[cfg(feature = "postgres")]
    fn connect_timeout_is_added_unless_given() {
        assert_eq!(
            with_connect_timeout("postgres://db/app"),
            "postgres://db/app?connect_timeout=10"
        );
        assert_eq!(
            with_connect_timeout("postgres://db/app?sslmode=disable"),
            "postgres://db/app?sslmode=disable&connect_timeout=10"
        );
        assert_eq!(
            with_connect_timeout("postgres://db/app?connect_timeout=2"),
            "postgres://db/app?connect_timeout=2"
        );
    }
}
