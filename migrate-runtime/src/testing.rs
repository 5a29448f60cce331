//! Testing your own migrations: a fresh database per test, the stairway, and one line that
//! writes both as ordinary `#[test]`s.
//!
//! ```no_run
//! // tests/migrations.rs of a migrations crate, with
//! // `migrate-runtime = { version = "…", features = ["testing"] }` in [dev-dependencies]:
//! migrate_runtime::test_migrations!(my_migrations::MIGRATIONS);
//! ```
//!
//! The stairway applies each migration, undoes it, and applies it again, and compares the live
//! schema (read from the catalogs) after the undo with the one before the apply: a downgrade that
//! leaves an index behind, or drops a column the upgrade did not add, fails with the migration's
//! id and the difference. After each apply, the live schema must also be the one the migrations
//! build (`Migrator::schema_drift`). The compiler already proves typed ops reversible; the
//! stairway catches what it cannot see, in `execute(…, down: …)` and Rust data steps.
//!
//! PostgreSQL databases are created next to the one `MIGRATE_TEST_POSTGRES_URL` names (default
//! `postgres://postgres@127.0.0.1:5432/postgres`), with unique names so tests run in parallel,
//! and dropped when the test ends; MySQL and MariaDB ones likewise on the server of
//! `MIGRATE_TEST_MYSQL_URL` (default `mysql://root@127.0.0.1:3306/mysql`, with the `mysql`
//! feature); SQLite ones are temporary files.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::database::Database;
use crate::{AnyConnection, Error, Migrations, Migrator, Target};

/// Where PostgreSQL test databases are created, when `MIGRATE_TEST_POSTGRES_URL` is not set.
pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Where MySQL or MariaDB test databases are created, when `MIGRATE_TEST_MYSQL_URL` is not set.
pub const DEFAULT_MYSQL_URL: &str = "mysql://root@127.0.0.1:3306/mysql";

/// A database made for one test, dropped (or deleted) when it goes out of scope.
#[derive(Debug)]
pub struct TestDatabase {
    url: String,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Postgres { admin: String, name: String },
    Mysql { admin: String, name: String },
    Sqlite { path: std::path::PathBuf },
}

fn unique_name() -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.subsec_nanos())
        .unwrap_or(0);
    format!(
        "migrate_test_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

impl TestDatabase {
    /// A new SQLite database in a temporary file.
    pub fn sqlite() -> TestDatabase {
        let path = std::env::temp_dir().join(format!("{}.sqlite3", unique_name()));
        TestDatabase {
            url: path.display().to_string(),
            kind: Kind::Sqlite { path },
        }
    }

    /// A new PostgreSQL database on the server of `MIGRATE_TEST_POSTGRES_URL`.
    pub fn postgres() -> Result<TestDatabase, Error> {
        let admin = std::env::var("MIGRATE_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned());
        let (url, name) = create_next_to(&admin)?;
        Ok(TestDatabase {
            url,
            kind: Kind::Postgres { admin, name },
        })
    }

    /// A new MySQL or MariaDB database on the server of `MIGRATE_TEST_MYSQL_URL`.
    pub fn mysql() -> Result<TestDatabase, Error> {
        let admin = std::env::var("MIGRATE_TEST_MYSQL_URL")
            .unwrap_or_else(|_| DEFAULT_MYSQL_URL.to_owned());
        let (url, name) = create_next_to(&admin)?;
        Ok(TestDatabase {
            url,
            kind: Kind::Mysql { admin, name },
        })
    }

    /// A new database of `backend` (`"sqlite"`, `"postgres"` or `"mysql"`); panics with what to
    /// check when it cannot be made. For `#[migrate_runtime::test]`.
    pub fn for_backend(backend: &str) -> TestDatabase {
        match backend {
            "postgres" => TestDatabase::postgres().unwrap_or_else(|error| {
                panic!("{error}\n(the PostgreSQL tests create their databases on the server of MIGRATE_TEST_POSTGRES_URL, default {DEFAULT_POSTGRES_URL})")
            }),
            "mysql" => TestDatabase::mysql().unwrap_or_else(|error| {
                panic!("{error}\n(the MySQL tests create their databases on the server of MIGRATE_TEST_MYSQL_URL, default {DEFAULT_MYSQL_URL})")
            }),
            _ => TestDatabase::sqlite(),
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn connect(&self) -> Result<AnyConnection, Error> {
        AnyConnection::establish(&self.url)
    }
}

/// Creates a uniquely named database on the server of `admin`; its URL and name.
fn create_next_to(admin: &str) -> Result<(String, String), Error> {
    let name = unique_name();
    let mut conn = AnyConnection::establish(admin)?;
    conn.batch_execute(&format!("CREATE DATABASE {name}"))
        .map_err(|source| Error::Database {
            context: "creating a test database".into(),
            source,
        })?;
    let (base, query) = match admin.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (admin, String::new()),
    };
    let base = base.rsplit_once('/').map_or(base, |(base, _)| base);
    Ok((format!("{base}/{name}{query}"), name))
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.kind {
            Kind::Postgres { admin, name } => {
                if let Ok(mut conn) = AnyConnection::establish(admin) {
                    let _ =
                        conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                }
            }
            Kind::Mysql { admin, name } => {
                if let Ok(mut conn) = AnyConnection::establish(admin) {
                    let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name}"));
                }
            }
            Kind::Sqlite { path } => {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

/// Why a migrations test failed: the migration, and what went wrong there.
#[derive(Debug)]
pub struct TestFailure {
    pub migration: Option<String>,
    pub message: String,
}

impl fmt::Display for TestFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.migration {
            Some(id) => write!(f, "migration {id}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for TestFailure {}

fn failure(migration: Option<&str>, message: impl fmt::Display) -> TestFailure {
    TestFailure {
        migration: migration.map(str::to_owned),
        message: message.to_string(),
    }
}

/// A connection to `db`, migrated to `revision` (an id or unique prefix) or to head; panics with
/// the reason, a misspelt revision's likely meaning included. For `#[migrate_runtime::test]`
/// and for data tests that upgrade step by step.
///
/// ```
/// # mod migrations {
/// #     migrate_runtime::migration! {
/// #         id: "0001_create_users", parent: none,
/// #         change { create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id)); }
/// #     }
/// #     migrate_runtime::migrations!();
/// # }
/// use migrate_runtime::testing::{migrated, TestDatabase};
///
/// let db = TestDatabase::sqlite();
/// let conn = migrated(&db, &migrations::MIGRATIONS, Some("0001"));
/// ```
pub fn migrated(
    db: &TestDatabase,
    migrations: &Migrations,
    revision: Option<&str>,
) -> AnyConnection {
    let mut conn = db.connect().unwrap_or_else(|error| panic!("{error}"));
    upgrade(&mut conn, migrations, revision);
    conn
}

/// Upgrades `conn` to `revision` (or head), panicking with the reason: the step of a data test
/// ("insert rows at 0003, upgrade to 0004, assert on the rows").
pub fn upgrade<C: Database>(conn: &mut C, migrations: &Migrations, revision: Option<&str>) {
    let target = revision.map_or(Target::Head, |revision| {
        Target::Revision(revision.to_owned())
    });
    let result = Migrator::new(migrations).and_then(|migrator| migrator.upgrade(conn, target));
    if let Err(error) = result {
        let hint = match &error {
            Error::UnknownRevision { .. } => {
                " (`revision` names a migration of the set: an id or a unique prefix of one)"
            }
            _ => "",
        };
        panic!(
            "migrating the test database to {}: {error}{hint}",
            revision.unwrap_or("head")
        );
    }
}

/// The graph has one head, so `upgrade` (to `head`) can run: branches are merged.
pub fn single_head(migrations: &Migrations) -> Result<(), TestFailure> {
    let migrator = Migrator::new(migrations).map_err(|error| failure(None, error))?;
    match migrator.heads().as_slice() {
        [_] => Ok(()),
        heads => Err(failure(
            None,
            format!(
                "the migrations have {} heads ({}); join them with `migrate merge`",
                heads.len(),
                heads
                    .iter()
                    .map(|m| m.id.as_ref())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// Each migration, in order: apply it (the live schema must be the one the migrations build),
/// undo it (the live schema, views and triggers included, must be the one before), apply it
/// again. A migration whose downgrade is `irreversible("…")` must refuse to be undone, changing
/// nothing. `conn` is a fresh database.
///
/// ```
/// # mod migrations {
/// #     migrate_runtime::migration! {
/// #         id: "0001_create_users", parent: none,
/// #         change { create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id)); }
/// #     }
/// #     migrate_runtime::migrations!();
/// # }
/// use migrate_runtime::testing::{stairway, TestDatabase};
///
/// let db = TestDatabase::sqlite();
/// stairway(&migrations::MIGRATIONS, &mut db.connect()?)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn stairway<C: Database>(migrations: &Migrations, conn: &mut C) -> Result<(), TestFailure> {
    let migrator = Migrator::new(migrations).map_err(|error| failure(None, error))?;
    let live = |conn: &mut C, id: &str| {
        crate::introspect::live(conn).map_err(|error| failure(Some(id), error))
    };
    for migration in migrator.migrations() {
        let id = migration.id.as_ref();
        let before = live(conn, id)?;
        let up = |conn: &mut C| {
            migrator
                .upgrade(conn, Target::Revision(id.to_owned()))
                .map_err(|error| failure(Some(id), format!("upgrade failed: {error}")))
        };
        up(conn)?;
        let drift = migrator
            .schema_drift(conn)
            .map_err(|error| failure(Some(id), error))?;
        if !drift.is_empty() {
            return Err(failure(
                Some(id),
                format!(
                    "after the upgrade, the live schema is not the one the migrations build:\n  {}",
                    lines(&drift)
                ),
            ));
        }
        let after_up = live(conn, id)?;
        match migrator.downgrade(conn, Target::Relative(-1)) {
            // Refused before anything ran, as it must be.
            Err(Error::Irreversible { .. }) => {
                let left = migrate_core::fold::compare(&after_up, &live(conn, id)?, &[]);
                if !left.is_empty() {
                    return Err(failure(
                        Some(id),
                        format!("its refused downgrade changed the schema (\"the migrations\" is the schema before it):\n  {}", lines(&left)),
                    ));
                }
                continue;
            }
            Err(error) => return Err(failure(Some(id), format!("downgrade failed: {error}"))),
            Ok(_) => {}
        }
        let after = live(conn, id)?;
        let left = migrate_core::fold::compare(&before, &after, &[]);
        if !left.is_empty() {
            let left: Vec<String> = left.iter().map(undone).collect();
            return Err(failure(
                Some(id),
                format!(
                    "the downgrade does not bring the schema back to what it was before the upgrade:\n  {}",
                    left.join("\n  ")
                ),
            ));
        }
        up(conn)?;
    }
    Ok(())
}

/// A difference between the schema before an upgrade and after its downgrade, in those words.
fn undone(difference: &migrate_core::fold::Difference) -> String {
    use migrate_core::fold::Difference;
    match difference {
        Difference::Missing { object, definition } => {
            format!("{object} ({definition}) was there before the upgrade and is gone after the downgrade")
        }
        Difference::Unexpected { object, definition } => {
            format!("{object} ({definition}) is left after the downgrade")
        }
        Difference::Changed {
            object,
            expected,
            live,
        } => format!(
            "{object} was `{expected}` before the upgrade and is `{live}` after the downgrade"
        ),
    }
}

fn lines(differences: &[migrate_core::fold::Difference]) -> String {
    differences
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n  ")
}

/// Writes the tests of a set of migrations as ordinary `#[test]`s in the calling module: one
/// head, and the stairway on SQLite and on PostgreSQL, or on the backends listed (see
/// [`testing`](crate::testing)).
///
/// ```text
/// // tests/migrations.rs
/// migrate_runtime::test_migrations!(my_migrations::MIGRATIONS);
/// // or, with the `mysql` feature, on all three:
/// migrate_runtime::test_migrations!(my_migrations::MIGRATIONS, backends: [sqlite, postgres, mysql]);
/// ```
///
/// Needs the `testing` feature of `migrate-runtime` (in `[dev-dependencies]`).
#[macro_export]
macro_rules! test_migrations {
    ($migrations:expr) => {
        $crate::test_migrations!($migrations, backends: [sqlite, postgres]);
    };
    ($migrations:expr, backends: [$($backend:ident),+ $(,)?]) => {
        #[test]
        fn migrations_have_a_single_head() {
            if let Err(failure) = $crate::testing::single_head(&$migrations) {
                panic!("{failure}");
            }
        }

        $($crate::__stairway_test!($backend, $migrations);)+
    };
}

/// One `#[test]` of [`test_migrations!`]: the stairway on a fresh database of one backend.
#[doc(hidden)]
#[macro_export]
macro_rules! __stairway_test {
    (sqlite, $migrations:expr) => {
        #[test]
        fn migrations_stairway_on_sqlite() {
            $crate::testing::stairway_test("sqlite", &$migrations);
        }
    };
    (postgres, $migrations:expr) => {
        #[test]
        fn migrations_stairway_on_postgres() {
            $crate::testing::stairway_test("postgres", &$migrations);
        }
    };
    (mysql, $migrations:expr) => {
        #[test]
        fn migrations_stairway_on_mysql() {
            $crate::testing::stairway_test("mysql", &$migrations);
        }
    };
}

/// The body of each stairway test of [`test_migrations!`]: a fresh database of `backend`, the
/// stairway, and a panic that says what failed.
#[doc(hidden)]
pub fn stairway_test(backend: &str, migrations: &Migrations) {
    let db = TestDatabase::for_backend(backend);
    let mut conn = db.connect().unwrap_or_else(|error| panic!("{error}"));
    if let Err(failure) = stairway(migrations, &mut conn) {
        panic!("{failure}");
    }
}
