//! Fresh, uniquely named databases for each test, dropped when the test ends, and a schema
//! snapshot to compare before and after.
//!
//! PostgreSQL is expected at 127.0.0.1:5432 (trust auth, user `postgres`), as on the development
//! machines and in CI; a server that cannot be reached fails the test with a message saying so.

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};

use diesel::{Connection, PgConnection, SqliteConnection};
use migrate_runtime::Database;

pub const POSTGRES_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn unique_name(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A database created for one test and dropped at its end.
pub struct TestDb {
    pub url: String,
    kind: Kind,
}

enum Kind {
    Postgres { name: String },
    Sqlite { path: std::path::PathBuf },
}

impl TestDb {
    pub fn postgres() -> TestDb {
        let mut admin = PgConnection::establish(POSTGRES_ADMIN_URL).unwrap_or_else(|error| {
            panic!("PostgreSQL is not reachable at {POSTGRES_ADMIN_URL} ({error}); the test suite needs it running (see README)")
        });
        let name = unique_name("migrate_test");
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create the test database");
        TestDb {
            url: format!("postgres://postgres@127.0.0.1:5432/{name}"),
            kind: Kind::Postgres { name },
        }
    }

    pub fn sqlite() -> TestDb {
        let path = std::env::temp_dir().join(format!("{}.sqlite3", unique_name("migrate_test")));
        TestDb {
            url: path.display().to_string(),
            kind: Kind::Sqlite { path },
        }
    }

    pub fn pg(&self) -> PgConnection {
        PgConnection::establish(&self.url).expect("connect to the test database")
    }

    pub fn sqlite_conn(&self) -> SqliteConnection {
        SqliteConnection::establish(&self.url).expect("open the test database")
    }

    pub fn any(&self) -> migrate_runtime::AnyConnection {
        migrate_runtime::AnyConnection::establish(&self.url).expect("connect to the test database")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.kind {
            Kind::Postgres { name } => {
                if let Ok(mut admin) = PgConnection::establish(POSTGRES_ADMIN_URL) {
                    let _ = admin
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                }
            }
            Kind::Sqlite { path } => {
                let _ = std::fs::remove_file(path);
            }
        }
    }
}

/// Every table, column, index, constraint and enum of the database except migrate's own
/// tables, one sorted line each, so two snapshots compare with `assert_eq!`.
pub fn schema(conn: &mut impl Database) -> Vec<String> {
    let queries: &[&str] = match conn.dialect() {
        migrate_runtime::core::render::Dialect::Postgres => &[
            "SELECT 'column' AS a, table_name || '.' || column_name AS b, data_type || ' ' || is_nullable AS c, column_default AS d
             FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE 'migrate\\_%'",
            "SELECT 'index' AS a, indexname AS b, indexdef AS c, NULL AS d FROM pg_indexes
             WHERE schemaname = 'public' AND tablename NOT LIKE 'migrate\\_%'",
            "SELECT 'constraint' AS a, conrelid::regclass::text || '.' || conname AS b, pg_get_constraintdef(oid) AS c, CAST(convalidated AS text) AS d
             FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT LIKE 'migrate\\_%'",
            "SELECT 'enum' AS a, t.typname AS b, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS c, NULL AS d
             FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname",
            "SELECT 'view' AS a, viewname AS b, NULL AS c, NULL AS d FROM pg_views WHERE schemaname = 'public'",
        ],
        _ => &[
            "SELECT type AS a, name AS b, tbl_name AS c, sql AS d FROM sqlite_master
             WHERE name NOT LIKE 'migrate\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
        ],
    };
    let mut lines: Vec<String> = queries
        .iter()
        .flat_map(|sql| conn.query_texts(sql).expect("introspect the schema"))
        .map(|mut row| {
            // A column dropped and re-added comes back last: order is not part of the schema.
            if row[0].as_deref() == Some("table") {
                row[3] = row[3].as_deref().map(sorted_table_items);
            }
            row
        })
        .map(|row| {
            row.iter()
                .map(|cell| cell.as_deref().unwrap_or("-"))
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect();
    lines.sort();
    lines
}

/// `CREATE TABLE t (b, a)` → `CREATE TABLE t (a, b)`: the items between the outer parentheses,
/// split at top-level commas, sorted.
fn sorted_table_items(sql: &str) -> String {
    let (Some(start), Some(end)) = (sql.find('('), sql.rfind(')')) else {
        return sql.to_owned();
    };
    let mut items = Vec::new();
    let (mut depth, mut quoted, mut current) = (0usize, false, String::new());
    for c in sql[start + 1..end].chars() {
        match c {
            '\'' | '"' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                items.push(current.trim().to_owned());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    items.push(current.trim().to_owned());
    items.sort();
    format!("{}({})", &sql[..start], items.join(", "))
}

/// The names of all tables, migrate's own included.
pub fn tables(conn: &mut impl Database) -> Vec<String> {
    let sql = match conn.dialect() {
        migrate_runtime::core::render::Dialect::Postgres => {
            "SELECT tablename AS a, NULL AS b, NULL AS c, NULL AS d FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        }
        _ => "SELECT name AS a, NULL AS b, NULL AS c, NULL AS d FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY 1",
    };
    conn.query_texts(sql)
        .expect("list tables")
        .into_iter()
        .filter_map(|[name, ..]| name)
        .collect()
}
