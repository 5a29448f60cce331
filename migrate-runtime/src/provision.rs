//! The database a URL names, as a whole: whether it exists, creating it, dropping it.
//!
//! A database cannot create or drop itself, so these connect elsewhere on the same server:
//! PostgreSQL's maintenance database `postgres`, and MySQL or MariaDB without a database. An SQLite
//! database is its file. As with diesel_cli and sqlx-cli, creating a database that exists and
//! dropping one that does not are no-ops that say so, so a setup script can run them twice.

use std::path::Path;

use migrate_core::render::Dialect;

use crate::database::{redact, target, Target};
use crate::{AnyConnection, Database, Error};

/// What a URL names, for creating and dropping it.
enum Named {
    /// A database on a server, reached through `admin`, a URL of the same server and credentials
    /// that names the maintenance database (PostgreSQL) or none (MySQL).
    Server {
        dialect: Dialect,
        admin: String,
        name: String,
    },
    /// An SQLite file.
    File(String),
}

/// Whether the database `url` names exists (for SQLite, whether its file does).
///
/// ```
/// let path = std::env::temp_dir().join("migrate_doc_exists.sqlite3");
/// let url = path.to_str().unwrap();
/// assert!(!migrate_runtime::database_exists(url)?);
/// migrate_runtime::create_database(url)?;
/// assert!(migrate_runtime::database_exists(url)?);
/// migrate_runtime::drop_database(url)?;
/// # Ok::<(), migrate_runtime::Error>(())
/// ```
pub fn database_exists(url: &str) -> Result<bool, Error> {
    match named(url)? {
        Named::Server {
            dialect,
            admin,
            name,
        } => server_has(&mut connect(&admin)?, dialect, &name),
        Named::File(path) => Ok(Path::new(&path).exists()),
    }
}

/// Creates the database `url` names, empty: on its server, or as an SQLite file. Returns whether
/// it had to (`false`: it existed, and nothing was done).
///
/// ```
/// let path = std::env::temp_dir().join("migrate_doc_create.sqlite3");
/// let url = path.to_str().unwrap();
/// assert!(migrate_runtime::create_database(url)?);
/// assert!(!migrate_runtime::create_database(url)?); // there already
/// assert!(migrate_runtime::drop_database(url)?);
/// assert!(!path.exists());
/// # Ok::<(), migrate_runtime::Error>(())
/// ```
pub fn create_database(url: &str) -> Result<bool, Error> {
    match named(url)? {
        Named::Server {
            dialect,
            admin,
            name,
        } => {
            let mut conn = connect(&admin)?;
            if server_has(&mut conn, dialect, &name)? {
                return Ok(false);
            }
            conn.batch_execute(&format!("CREATE DATABASE {}", dialect.quote_ident(&name)))
                .map_err(|source| Error::Database {
                    context: format!("creating database {name}"),
                    source,
                })?;
            Ok(true)
        }
        // An empty file is an empty SQLite database.
        Named::File(path) => match std::fs::File::create_new(&path) {
            Ok(_) => Ok(true),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(source) => Err(Error::File {
                action: "create",
                path,
                source,
            }),
        },
    }
}

/// Drops the database `url` names and everything in it: on its server, or its SQLite file (and
/// the `-wal`, `-shm` and `-journal` files beside it). Returns whether there was one to drop.
///
/// PostgreSQL refuses while other sessions are connected to the database; the error says so.
/// See [`create_database`] for an example.
pub fn drop_database(url: &str) -> Result<bool, Error> {
    match named(url)? {
        Named::Server {
            dialect,
            admin,
            name,
        } => {
            let mut conn = connect(&admin)?;
            if !server_has(&mut conn, dialect, &name)? {
                return Ok(false);
            }
            conn.batch_execute(&format!("DROP DATABASE {}", dialect.quote_ident(&name)))
                .map_err(|source| Error::Database {
                    context: format!("dropping database {name}"),
                    source,
                })?;
            Ok(true)
        }
        Named::File(path) => {
            let dropped = remove(&path)?;
            for suffix in ["-wal", "-shm", "-journal"] {
                remove(&format!("{path}{suffix}"))?;
            }
            Ok(dropped)
        }
    }
}

/// The name of the database `url` names, as messages show it: a server's database name, or an
/// SQLite file's path.
#[cfg(feature = "cli")]
pub(crate) fn database_name(url: &str) -> Result<String, Error> {
    Ok(match named(url)? {
        Named::Server { name, .. } => name,
        Named::File(path) => path,
    })
}

fn named(url: &str) -> Result<Named, Error> {
    let invalid = |expected: &str| Error::InvalidUrl {
        url: redact(url),
        expected: expected.to_owned(),
    };
    let server = |dialect: Dialect, url: &str, maintenance: &str| {
        let (name, admin) = split_database(url, maintenance);
        match name {
            Some(name) => Ok(Named::Server {
                dialect,
                admin,
                name,
            }),
            None => Err(invalid(
                "it names no database: end it with /<database name>, as in postgres://user@host:5432/dbname",
            )),
        }
    };
    match target(url)? {
        Target::Postgres => server(Dialect::Postgres, url, "postgres"),
        Target::Mysql(url) => server(Dialect::Mysql, &url, ""),
        Target::Sqlite(":memory:") => Err(invalid(
            "an in-memory SQLite database lives only as long as its connection; give the path of a file",
        )),
        Target::Sqlite(path) => match path.strip_prefix("file:") {
            // An SQLite URI: `file:path?options`, or `file:///absolute/path`.
            Some(uri) => {
                let path = uri.split('?').next().unwrap_or_default();
                let path = path.strip_prefix("//").map_or(path, |rest| {
                    rest.find('/').map_or(rest, |slash| &rest[slash..])
                });
                if uri.contains("mode=memory") || path.is_empty() {
                    return Err(invalid("an SQLite URI of a file is needed: file:path/to/app.db"));
                }
                Ok(Named::File(path.to_owned()))
            }
            None => Ok(Named::File(path.to_owned())),
        },
    }
}

/// `scheme://authority/name?query` → the name (percent-decoded), and the same URL naming
/// `maintenance` instead.
fn split_database(url: &str, maintenance: &str) -> (Option<String>, String) {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |at| at + 3);
    let (prefix, name) = match base[authority_start..].find('/') {
        Some(slash) => base.split_at(authority_start + slash + 1),
        None => (base, ""),
    };
    let prefix = match prefix.ends_with('/') {
        true => prefix.to_owned(),
        false => format!("{prefix}/"),
    };
    let admin = match query {
        Some(query) => format!("{prefix}{maintenance}?{query}"),
        None => format!("{prefix}{maintenance}"),
    };
    let name = percent_decode(name);
    ((!name.is_empty()).then_some(name), admin)
}

/// `%2F` → `/`; anything else as it is.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn connect(admin: &str) -> Result<AnyConnection, Error> {
    AnyConnection::establish(admin)
}

fn server_has(conn: &mut AnyConnection, dialect: Dialect, name: &str) -> Result<bool, Error> {
    let sql = match dialect {
        Dialect::Mysql => format!(
            "SELECT count(*) > 0 AS value FROM information_schema.schemata WHERE schema_name = {}",
            dialect.quote_literal(name)
        ),
        _ => format!(
            "SELECT count(*) > 0 AS value FROM pg_database WHERE datname = {}",
            dialect.quote_literal(name)
        ),
    };
    conn.query_bool(&sql).map_err(|source| Error::Database {
        context: format!("looking for database {name}"),
        source,
    })
}

/// Removes `path`; whether it was there.
fn remove(path: &str) -> Result<bool, Error> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(Error::File {
            action: "remove",
            path: path.to_owned(),
            source,
        }),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_database_name_is_split_from_the_server() {
        assert_eq!(
            split_database("postgres://u:p@db:5432/app_dev?sslmode=disable", "postgres"),
            (
                Some("app_dev".to_owned()),
                "postgres://u:p@db:5432/postgres?sslmode=disable".to_owned()
            )
        );
        assert_eq!(
            split_database("mysql://root@db/my%20app", ""),
            (Some("my app".to_owned()), "mysql://root@db/".to_owned())
        );
        assert_eq!(
            split_database("postgres:///app?host=/run/postgresql", "postgres"),
            (
                Some("app".to_owned()),
                "postgres:///postgres?host=/run/postgresql".to_owned()
            )
        );
        assert_eq!(
            split_database("postgres://db:5432", "postgres"),
            (None, "postgres://db:5432/postgres".to_owned())
        );
        assert_eq!(
            split_database("postgres://db/", "postgres"),
            (None, "postgres://db/postgres".to_owned())
        );
    }

    #[test]
    fn sqlite_names_a_file() {
        let file = |url: &str| match named(url) {
            Ok(Named::File(path)) => Ok(path),
            Ok(Named::Server { .. }) => Err("a server".to_owned()),
            Err(error) => Err(error.to_string()),
        };
        assert_eq!(file("app.db"), Ok("app.db".to_owned()));
        assert_eq!(file("sqlite://app.db"), Ok("app.db".to_owned()));
        assert_eq!(file("file:app.db?mode=rwc"), Ok("app.db".to_owned()));
        assert_eq!(file("file:///tmp/app.db"), Ok("/tmp/app.db".to_owned()));
        assert!(file(":memory:").unwrap_err().contains("in-memory"));
        assert!(file("file:x?mode=memory").is_err());
    }
}
