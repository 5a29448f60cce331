//! Rust data steps written with `DataConnection`'s methods, run by real upgrades on PostgreSQL,
//! SQLite and MariaDB: the rows they leave, and the errors they report.

use migrate_runtime::core::render::Dialect;
use migrate_runtime::data::DataError;
use migrate_runtime::{Database, Migrator, Target};

use crate::fixtures;
use crate::support::TestDb;

fn all_three() -> [TestDb; 3] {
    [TestDb::postgres(), TestDb::sqlite(), TestDb::mysql()]
}

#[test]
fn a_data_step_writes_and_reads_every_kind_of_value_on_every_backend() {
    let migrator = Migrator::new(&fixtures::data_steps::MIGRATIONS).unwrap();
    for db in all_three() {
        let mut conn = db.any();
        let dialect = conn.dialect();
        migrator
            .upgrade(&mut conn, Target::Revision("0002".into()))
            .unwrap();
        let count = |conn: &mut migrate_runtime::AnyConnection, filter: &str| {
            conn.query_i64(&format!(
                "SELECT count(*) AS value FROM accounts WHERE {filter}"
            ))
            .unwrap()
            .unwrap()
        };
        // The rows, read without the data step's methods.
        assert_eq!(count(&mut conn, "name = 'anonymous'"), 3, "{dialect:?}");
        assert_eq!(count(&mut conn, "domain = 'example.org'"), 2, "{dialect:?}");
        assert_eq!(count(&mut conn, "domain = 'x.io'"), 2, "{dialect:?}");
        assert_eq!(count(&mut conn, "score IS NULL"), 2, "{dialect:?}");
        assert_eq!(count(&mut conn, "balance = 2.25"), 1, "{dialect:?}");
        let avatar = match dialect {
            Dialect::Postgres => r"avatar = '\x00ff0a'::bytea",
            _ => "avatar = X'00FF0A'",
        };
        assert_eq!(count(&mut conn, avatar), 1, "{dialect:?}");
        // What the step counted, and every row as it read it back.
        let log = conn
            .query_texts("SELECT what AS a, summary AS b, NULL AS c, NULL AS d FROM step_log WHERE what = 'summary'")
            .unwrap();
        assert_eq!(
            log[0][1].as_deref(),
            Some(
                "1|Ada|example.org|Some(10)|Some(2.25)|true|Some([0, 255, 10])\n\
                 2|anonymous|x.io|None|None|false|None\n\
                 3|anonymous|x.io|Some(3)|None|true|None\n\
                 4|anonymous|example.org|None|None|true|None"
            ),
            "{dialect:?}"
        );
        for (what, n) in [("named", 3), ("with_domain", 4), ("anonymous", 3)] {
            let logged = conn
                .query_i64(&format!(
                    "SELECT n AS value FROM step_log WHERE what = '{what}'"
                ))
                .unwrap();
            assert_eq!(logged, Some(n), "{what} on {dialect:?}");
        }
        // The downgrade runs `nothing_to_undo`: the rows stay.
        migrator
            .downgrade(&mut conn, Target::Revision("0001".into()))
            .unwrap();
        assert_eq!(count(&mut conn, "name = 'anonymous'"), 3, "{dialect:?}");
    }
}

#[test]
fn a_failing_data_step_is_reported_with_its_migration_op_and_statement() {
    let migrator = Migrator::new(&fixtures::data_steps::MIGRATIONS).unwrap();
    for db in all_three() {
        let mut conn = db.any();
        let error = migrator.upgrade(&mut conn, Target::Head).unwrap_err();
        assert!(
            error.to_string().starts_with(
                "migration 0003_fail failed at op 1 `run(up: crate::fixtures::data_steps::mismatched, down: migrate_runtime::data::nothing_to_undo)`: the parameters of `UPDATE accounts SET name = $1 WHERE id = $3` do not match: `$3` has no parameter: 2 were given\n"
            ),
            "{error}"
        );
        assert_eq!(migrator.current(&mut conn).unwrap(), ["0002_fill_accounts"]);
    }
}

/// The methods called on a connection of each backend, outside any migration: what each error
/// says.
#[test]
fn data_connection_errors_name_the_statement_and_the_way_out() {
    for db in all_three() {
        let mut any = db.any();
        let dialect = any.dialect();
        let mut conn = any.data_connection();
        let message = |error: DataError| error.to_string();

        let refused = conn.execute("SELECT * FROM nowhere", &[]).unwrap_err();
        assert!(
            matches!(refused, DataError::Database { .. })
                && refused
                    .to_string()
                    .starts_with("`SELECT * FROM nowhere` failed: "),
            "{refused}"
        );
        assert_eq!(
            message(conn.query("SELECT $1 AS a", &[&1, &2]).unwrap_err()),
            "the parameters of `SELECT $1 AS a` do not match: parameter 2 is given but the SQL has no `$2`"
        );

        // Literals: MySQL types a bare placeholder in a select list as NULL, which diesel cannot
        // read (see `query`'s docs).
        let rows = conn
            .query("SELECT 7 AS n, 'seven' AS t, NULL AS missing", &[])
            .unwrap();
        assert_eq!(rows[0].get::<i64>("n").unwrap(), 7, "{dialect:?}");
        assert_eq!(
            message(rows[0].get::<i64>("t").unwrap_err()),
            "column `t` holds text, which is not a `i64`"
        );
        assert_eq!(
            message(rows[0].get::<String>("n").unwrap_err()),
            "column `n` holds the integer 7, which is not a `String`"
        );
        assert_eq!(
            message(rows[0].get::<i64>("missing").unwrap_err()),
            "column `missing` is NULL: read it as `Option<i64>`"
        );
        assert_eq!(
            message(rows[0].get::<i64>("nope").unwrap_err()),
            "the row has no column `nope`; its columns: n, t, missing"
        );

        // Parameters in a select list, cast as each backend spells it (MySQL needs the cast).
        let (integer, text) = match dialect {
            Dialect::Postgres => ("bigint", "text"),
            Dialect::Sqlite => ("INTEGER", "TEXT"),
            Dialect::Mysql => ("SIGNED", "CHAR"),
        };
        let rows = conn
            .query(
                &format!("SELECT CAST($2 AS {integer}) AS n, CAST($1 AS {text}) AS t, CAST($3 AS {integer}) AS none"),
                &[&"seven", &7, &None::<i64>],
            )
            .unwrap();
        assert_eq!(rows[0].get::<i64>("n").unwrap(), 7, "{dialect:?}");
        assert_eq!(rows[0].get::<String>("t").unwrap(), "seven", "{dialect:?}");
        assert_eq!(
            rows[0].get::<Option<i64>>("none").unwrap(),
            None,
            "{dialect:?}"
        );

        // A type no Value holds is named, with the cast that reads it.
        let unreadable = match dialect {
            Dialect::Postgres => Some((
                "SELECT now() AS at",
                "column `at` of `SELECT now() AS at` is of type timestamp with time zone, which a Row does not read (it reads NULL, booleans, integers, floats, text and bytes): cast it in the query, e.g. `CAST(at AS text)`",
            )),
            Dialect::Mysql => Some((
                "SELECT CAST('2024-01-02' AS DATE) AS at",
                "column `at` of `SELECT CAST('2024-01-02' AS DATE) AS at` is of type DATE, which a Row does not read (it reads NULL, booleans, integers, floats, text and bytes): cast it in the query, e.g. `CAST(at AS CHAR)`",
            )),
            // SQLite stores dates as text, which a Row reads.
            Dialect::Sqlite => None,
        };
        if let Some((sql, expected)) = unreadable {
            assert_eq!(message(conn.query(sql, &[]).unwrap_err()), expected);
            // The connection is still usable.
            assert_eq!(conn.query("SELECT 1 AS one", &[]).unwrap().len(), 1);
        }
    }
}
