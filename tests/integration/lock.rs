//! One migrator at a time, across processes.

use std::process::{Command, Stdio};

use migrate_runtime::Database;

use crate::support::TestDb;

/// Two processes started together on one PostgreSQL database: both succeed, each migration is
/// applied once, and one of them waited for the other's lock.
#[test]
fn two_processes_migrate_one_postgres_database_once() {
    two_processes_migrate_one_database_once(TestDb::postgres());
}

/// The same on MySQL, whose lock is a named lock of the session.
#[test]
fn two_processes_migrate_one_mysql_database_once() {
    two_processes_migrate_one_database_once(TestDb::mysql());
}

fn two_processes_migrate_one_database_once(db: TestDb) {
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_lock-probe"))
            .arg(&db.url)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start lock-probe")
    };
    let (first, second) = (spawn(), spawn());
    let outputs = [
        first.wait_with_output().unwrap(),
        second.wait_with_output().unwrap(),
    ];
    for output in &outputs {
        assert!(
            output.status.success(),
            "lock-probe failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let mut applied: Vec<String> = outputs
        .iter()
        .flat_map(|output| {
            String::from_utf8_lossy(&output.stdout)
                .lines()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    applied.sort();
    assert_eq!(
        applied,
        ["0001_slow_first", "0002_slow_second"],
        "each migration applied exactly once"
    );
    let waited = outputs
        .iter()
        .filter(|output| String::from_utf8_lossy(&output.stderr).contains("waiting"))
        .count();
    assert_eq!(waited, 1, "one process waited for the other's lock");
    let mut conn = db.any();
    assert_eq!(
        conn.query_i64("SELECT count(*) AS value FROM migrate_versions")
            .unwrap(),
        Some(2)
    );
}
