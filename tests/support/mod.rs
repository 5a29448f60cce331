//! Fresh, uniquely named databases for each test, dropped when the test ends, and a schema
//! snapshot to compare before and after.
//!
//! PostgreSQL is expected at 127.0.0.1:5432 (trust auth, user `postgres`), as on the development
//! machines and in CI; a server that cannot be reached fails the test with a message saying so.

#![allow(dead_code)]

use diesel::{Connection, PgConnection, SqliteConnection};
use migrate_runtime::testing::TestDatabase;
use migrate_runtime::Database;

/// A database created for one test and dropped at its end: `migrate_runtime::testing`'s, the
/// one users get, with the typed connections these tests also need.
pub struct TestDb {
    pub url: String,
    _database: TestDatabase,
}

impl TestDb {
    pub fn postgres() -> TestDb {
        TestDb::from(TestDatabase::for_backend("postgres"))
    }

    pub fn mysql() -> TestDb {
        TestDb::from(TestDatabase::for_backend("mysql"))
    }

    pub fn sqlite() -> TestDb {
        TestDb::from(TestDatabase::sqlite())
    }

    pub fn for_dialect(dialect: migrate_runtime::core::render::Dialect) -> TestDb {
        match dialect {
            migrate_runtime::core::render::Dialect::Postgres => TestDb::postgres(),
            migrate_runtime::core::render::Dialect::Sqlite => TestDb::sqlite(),
            migrate_runtime::core::render::Dialect::Mysql => TestDb::mysql(),
        }
    }

    fn from(database: TestDatabase) -> TestDb {
        TestDb {
            url: database.url().to_owned(),
            _database: database,
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
        migrate_runtime::core::render::Dialect::Mysql => &[
            "SELECT 'column' AS a, CONCAT(table_name, '.', column_name) AS b, CONCAT(column_type, ' ', is_nullable) AS c, column_default AS d
             FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name NOT LIKE 'migrate\\_%'",
            "SELECT 'index' AS a, CONCAT(table_name, '.', index_name) AS b, CONCAT(GROUP_CONCAT(column_name ORDER BY seq_in_index), IF(non_unique = 0, ' unique', '')) AS c, NULL AS d
             FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name NOT LIKE 'migrate\\_%'
             GROUP BY table_name, index_name, non_unique",
            "SELECT 'constraint' AS a, CONCAT(table_name, '.', constraint_name) AS b, constraint_type AS c, NULL AS d
             FROM information_schema.table_constraints WHERE constraint_schema = DATABASE() AND table_name NOT LIKE 'migrate\\_%'",
            "SELECT 'check' AS a, CONCAT(table_name, '.', constraint_name) AS b, check_clause AS c, NULL AS d
             FROM information_schema.check_constraints WHERE constraint_schema = DATABASE()",
            "SELECT 'view' AS a, table_name AS b, NULL AS c, NULL AS d FROM information_schema.views WHERE table_schema = DATABASE()",
        ],
        migrate_runtime::core::render::Dialect::Sqlite => &[
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
        migrate_runtime::core::render::Dialect::Mysql => {
            "SELECT table_name AS a, NULL AS b, NULL AS c, NULL AS d FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY 1"
        }
        migrate_runtime::core::render::Dialect::Sqlite => "SELECT name AS a, NULL AS b, NULL AS c, NULL AS d FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY 1",
    };
    conn.query_texts(sql)
        .expect("list tables")
        .into_iter()
        .filter_map(|[name, ..]| name)
        .collect()
}
