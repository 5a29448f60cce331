//! Integration tests against real PostgreSQL, SQLite and MariaDB databases; one binary, one fresh database
//! per test, so they run in parallel.

// A failed `unwrap` in a test is the test failing, with the error in the message.
#![allow(clippy::unwrap_used)]

#[path = "../support/mod.rs"]
mod support;

mod autogenerate;
mod data_steps;
mod drift;
mod faults;
mod fixtures;
mod generated_columns;
mod history;
mod literals;
mod lock;
mod mysql;
mod per_dialect;
mod primary_keys;
mod round_trips;
mod runtime;
mod safety;
mod sqlite_rebuild;
mod squash;
