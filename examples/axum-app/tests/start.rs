//! The async app migrates at start-up, then serves queries against the migrated schema: started
//! as a process on a fresh SQLite file and on a fresh PostgreSQL database, asked over HTTP.

// A failed `unwrap` in a test is the test failing, with the error in the message.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

use migrate_runtime::testing::TestDatabase;
use migrate_runtime::Database;

/// Starts the app on `db`, waits until it listens, and asks it for the user count.
fn start_and_ask(db: &TestDatabase) -> (Vec<String>, String) {
    let mut app = Command::new(env!("CARGO_BIN_EXE_axum-app"))
        .env("DATABASE_URL", db.url())
        .env("LISTEN", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(app.stdout.take().unwrap()).lines();
    let mut said = Vec::new();
    let address = loop {
        let line = lines
            .next()
            .expect("the app exited before listening")
            .unwrap();
        said.push(line.clone());
        if let Some(address) = line.strip_prefix("listening on ") {
            break address.to_owned();
        }
    };
    let mut stream = TcpStream::connect(&address).unwrap();
    write!(
        stream,
        "GET /users/count HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    app.kill().unwrap();
    app.wait().unwrap();
    let body = response
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    (said, body)
}

#[test]
fn migrates_at_start_up_then_serves_on_both_backends() {
    for db in [TestDatabase::sqlite(), TestDatabase::postgres().unwrap()] {
        let (said, body) = start_and_ask(&db);
        assert_eq!(said[0], "applied 8 migrations", "{}", db.url());
        assert_eq!(body, "0");
        db.connect()
            .unwrap()
            .batch_execute(
                "INSERT INTO users (email, display_name) VALUES ('ada@example.com', 'Ada')",
            )
            .unwrap();
        // The second start finds nothing to apply, and the app sees the row.
        let (said, body) = start_and_ask(&db);
        assert_eq!(said[0], "applied 0 migrations");
        assert_eq!(body, "1");
    }
}
