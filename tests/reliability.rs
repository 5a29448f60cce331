//! The reliability suite: many instances migrating one database at once, and instances killed with
//! SIGKILL at random points of a chain that holds a step-by-step migration, a Rust data step and a
//! backfill of 100,000 rows. On PostgreSQL and SQLite alike, after every kill the version table
//! says exactly what the schema has, and no data effect is missing or repeated. On MySQL, which
//! commits each DDL statement, the version table and the progress record together say it.

// A failed `unwrap` in a test is the test failing, with the error in the message.
#![allow(clippy::unwrap_used)]

#[path = "support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use migrate_runtime::core::render::Dialect;
use migrate_runtime::{AnyConnection, Database};

use support::TestDb;

const PROBE: &str = env!("CARGO_BIN_EXE_reliability-probe");

fn databases() -> [TestDb; 3] {
    [TestDb::postgres(), TestDb::sqlite(), TestDb::mysql()]
}

fn count(conn: &mut impl Database, sql: &str) -> i64 {
    conn.query_i64(sql).unwrap().unwrap_or(-1)
}

fn table_exists(conn: &mut AnyConnection, table: &str) -> bool {
    let sql = match conn.dialect() {
        Dialect::Postgres => format!("SELECT to_regclass('{table}') IS NOT NULL AS value"),
        Dialect::Mysql => format!(
            "SELECT count(*) > 0 AS value FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '{table}'"
        ),
        Dialect::Sqlite => format!(
            "SELECT count(*) > 0 AS value FROM sqlite_master WHERE type = 'table' AND name = '{table}'"
        ),
    };
    conn.query_bool(&sql).unwrap()
}

fn applied(conn: &mut AnyConnection) -> Vec<String> {
    if !table_exists(conn, "migrate_versions") {
        return Vec::new();
    }
    conn.query_texts(
        "SELECT id AS a, NULL AS b, NULL AS c, NULL AS d FROM migrate_versions ORDER BY id",
    )
    .unwrap()
    .into_iter()
    .filter_map(|[id, ..]| id)
    .collect()
}

#[test]
fn sixteen_instances_migrate_one_database_once() {
    for round in 0..3 {
        for db in databases() {
            let children: Vec<_> = (0..16)
                .map(|_| {
                    Command::new(PROBE)
                        .args(["crowd", &db.url])
                        .stdout(Stdio::piped())
                        .stderr(Stdio::piped())
                        .spawn()
                        .unwrap()
                })
                .collect();
            let mut runs: BTreeMap<String, usize> = BTreeMap::new();
            for child in children {
                let output = child.wait_with_output().unwrap();
                assert!(
                    output.status.success(),
                    "round {round} on {}: an instance failed: {}",
                    db.url,
                    String::from_utf8_lossy(&output.stderr)
                );
                for id in String::from_utf8(output.stdout).unwrap().lines() {
                    *runs.entry(id.to_owned()).or_default() += 1;
                }
            }
            let expected = [
                "0001_create_effects",
                "0002_add_effect_kind",
                "0003_second_effect",
            ];
            assert_eq!(
                runs,
                expected.iter().map(|id| (id.to_string(), 1)).collect(),
                "each migration is applied by exactly one instance"
            );
            let conn = &mut db.any();
            assert_eq!(applied(conn), expected);
            assert_eq!(count(conn, "SELECT count(*) AS value FROM effects"), 2);
        }
    }
}

/// A small, changing number: no two kills of a run land at the same point.
fn pseudo_random(bound: u64) -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.subsec_nanos() as u64)
        .unwrap_or(7);
    (nanos
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407)
        >> 33)
        % bound.max(1)
}

/// Whether migration `id` has a progress row: a run of it started and did not finish.
fn started(conn: &mut AnyConnection, id: &str) -> bool {
    table_exists(conn, "migrate_progress")
        && count(
            conn,
            &format!("SELECT count(*) AS value FROM migrate_progress WHERE id = '{id}'"),
        ) == 1
}

/// The version table agrees with the schema and the data, whatever point the kill hit.
fn assert_consistent(conn: &mut AnyConnection, context: &str) {
    let applied = applied(conn);
    let accounts = table_exists(conn, "accounts");
    let first = applied.iter().any(|id| id == "0001_create_accounts");
    // MySQL commits each DDL statement: a run killed inside a migration leaves what it made, and
    // its progress record says the migration is under way.
    let mysql = conn.dialect() == Dialect::Mysql;
    if mysql && !first && accounts {
        assert!(
            started(conn, "0001_create_accounts"),
            "{context}: accounts exists, so 0001 is recorded as under way"
        );
        let rows = count(conn, "SELECT count(*) AS value FROM accounts");
        assert!(
            rows == 0 || rows == 100_000,
            "{context}: the data step ran whole or not at all ({rows} rows)"
        );
    } else {
        assert_eq!(
            first, accounts,
            "{context}: 0001 recorded ⇔ its tables exist"
        );
    }
    if !first {
        assert!(applied.is_empty(), "{context}: {applied:?}");
        return;
    }
    assert_eq!(
        count(conn, "SELECT count(*) AS value FROM accounts"),
        100_000,
        "{context}"
    );
    let ledger = count(conn, "SELECT count(*) AS value FROM ledger");
    let second = applied.iter().any(|id| id == "0002_open_balances");
    let bigint = if mysql { "SIGNED" } else { "bigint" };
    let progress = match table_exists(conn, "migrate_progress") {
        true => count(
            conn,
            &format!("SELECT CAST(coalesce(max(ops_done), 0) AS {bigint}) AS value FROM migrate_progress WHERE id = '0002_open_balances'"),
        ),
        false => 0,
    };
    if second {
        assert_eq!(ledger, 1, "{context}: the data step ran once");
        assert_eq!(
            progress, 0,
            "{context}: no progress is left for an applied migration"
        );
        assert_eq!(
            count(
                conn,
                "SELECT count(*) AS value FROM accounts WHERE balance IS NULL"
            ),
            0,
            "{context}"
        );
    } else {
        // Step 1 is the backfill, step 2 the data step: it ran once exactly when it is recorded.
        assert_eq!(
            ledger,
            i64::from(progress >= 2),
            "{context}: progress {progress}"
        );
    }
    let third = applied.iter().any(|id| id == "0003_add_account_note");
    let note = match conn.dialect() {
        Dialect::Postgres => count(
            conn,
            "SELECT count(*) AS value FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'note'",
        ),
        Dialect::Mysql => count(
            conn,
            "SELECT count(*) AS value FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'accounts' AND column_name = 'note'",
        ),
        Dialect::Sqlite => count(conn, "SELECT count(*) AS value FROM pragma_table_info('accounts') WHERE name = 'note'"),
    };
    if mysql && !third && note == 1 {
        assert!(
            started(conn, "0003_add_account_note"),
            "{context}: the column exists, so 0003 is recorded as under way"
        );
    } else {
        assert_eq!(
            third,
            note == 1,
            "{context}: 0003 recorded ⇔ its column exists"
        );
    }
}

#[test]
fn killed_at_random_points_the_rerun_finishes_with_every_effect_once() {
    for backend in ["postgres", "sqlite", "mysql"] {
        let fresh = || match backend {
            "postgres" => TestDb::postgres(),
            "mysql" => TestDb::mysql(),
            _ => TestDb::sqlite(),
        };
        // How long a whole run takes here, so the kills spread over all of it.
        let reference = fresh();
        let started = Instant::now();
        let status = Command::new(PROBE)
            .args(["crash", &reference.url])
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        let span = started.elapsed().as_millis() as u64;
        // Each round kills a run on a fresh database, kills the retry too, then lets a third
        // run finish. The kill points are spread over the run, one in each slice of it, so every
        // part of the chain is hit across the rounds.
        const ROUNDS: u64 = 5;
        for round in 0..ROUNDS {
            let db = fresh();
            for kill in 0..2 {
                let mut child = Command::new(PROBE)
                    .args(["crash", &db.url])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap();
                let slice = span / (ROUNDS * 2);
                let at = (round * 2 + kill) * slice + pseudo_random(slice);
                std::thread::sleep(Duration::from_millis(at));
                let _ = child.kill();
                let _ = child.wait();
                assert_consistent(
                    &mut db.any(),
                    &format!("{backend}, round {round}, after kill {kill}"),
                );
            }
            let output = Command::new(PROBE)
                .args(["crash", &db.url])
                .output()
                .unwrap();
            assert!(
                output.status.success(),
                "{backend}, round {round}: the rerun failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            let conn = &mut db.any();
            assert_consistent(conn, &format!("{backend}, round {round}, after the rerun"));
            assert_eq!(
                applied(conn),
                [
                    "0001_create_accounts",
                    "0002_open_balances",
                    "0003_add_account_note"
                ]
            );
        }
    }
}
