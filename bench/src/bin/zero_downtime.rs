//! `cargo run --release --manifest-path bench/Cargo.toml --bin zero_downtime [-- ROWS [CASE …]]`
//!
//! Zero-downtime, measured: for each op the DSL renders in a safe form on PostgreSQL, a table of
//! ROWS rows (default 1,000,000) takes a concurrent writer, and the op runs twice, each time on a
//! fresh database: once as `migrate` runs it (the migration below, applied by the runtime's
//! `Migrator`: `CONCURRENTLY`, `NOT VALID` + `VALIDATE`, batched backfill, its `lock_timeout`),
//! once as the one statement a user would write by hand, in one transaction.
//!
//! The writer has its own connection and runs short autocommit statements back to back (an
//! `UPDATE` of a random existing row by id, then an `INSERT` of one row), timing each. The figures
//! are those of the statements that overlap the op, from its start to 200 ms after its end: how
//! many, their p99 and their max. A third connection samples what the writer waits for every
//! 10 ms, and names the statement holding the lock when it waits on one. A first row measures the
//! writer alone, for the machine's own latencies.
//!
//! CASE filters the cases by a substring of their key (`backfill`, `add_check`, …).
//!
//! Prints the PostgreSQL version, the row count, a Markdown table, what the writer waited on and
//! the SQL the runtime renders for each safe form. An op that fails is reported in the table and
//! the run goes on.

use std::collections::{BTreeMap, BTreeSet};
use std::error::Error;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::sql_types::{Bool, Double, Integer, Text};
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};
use migrate_runtime::core::render::Dialect;
use migrate_runtime::{Migrator, SqlRange, Target};

type Result<T, E = Box<dyn Error + Send + Sync>> = std::result::Result<T, E>;

const POSTGRES: &str = "postgres://postgres@127.0.0.1:5432";
/// Rows of the referenced table (`owners`); every account references one.
const OWNERS: i64 = 1_000;
/// The writer runs this long before the op starts (not counted) and after it ends (counted).
const WARM_UP: Duration = Duration::from_millis(500);
const MARGIN: Duration = Duration::from_millis(200);
/// The goal: no write waits longer than this during a safe form.
const GOAL: Duration = Duration::from_millis(100);
/// The writer's waits listed under the table: those of statements that ran this long or more.
const SHOWN: Duration = Duration::from_millis(10);

/// The base schema and one migration per case, each on top of the base (branches: every case
/// runs on a fresh database, upgraded to its own revision).
mod migrations {
    migrate_runtime::migrations! {
        mod m0001 {
            migrate_runtime::migration! {
                /// The tables every case starts from; `note` is nullable but filled (set not null),
                /// `plan` is nullable and left empty (backfill).
                id: "0001_base",
                parent: none,
                change {
                    create_table(owners, { id: bigint identity, name: text }, primary_key: pk_owners(id));
                    create_table(accounts, {
                        id: bigint identity,
                        email: text,
                        amount: bigint,
                        owner_id: bigint,
                        note: text nullable,
                        plan: text nullable,
                    }, primary_key: pk_accounts(id));
                    create_index(ix_accounts_owner_id, accounts(owner_id));
                }
            }
        }
        mod m0002 {
            migrate_runtime::migration! {
                id: "0002_add_column_constant_default",
                parent: "0001_base",
                change {
                    add_column(accounts, active: boolean default(true));
                }
            }
        }
        mod m0003 {
            migrate_runtime::migration! {
                /// What `ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid()` does, online.
                id: "0003_add_column_volatile_default",
                parent: "0001_base",
                upgrade {
                    add_column(accounts, token: uuid nullable);
                    alter_column(accounts, token, set_default(gen_random_uuid(), from: none));
                    backfill(accounts, set: "token = gen_random_uuid()", where: "token IS NULL", batch: 10_000);
                    alter_column(accounts, token, set_not_null);
                }
                downgrade {
                    drop_column(accounts, token: uuid default(gen_random_uuid()));
                }
            }
        }
        mod m0004 {
            migrate_runtime::migration! {
                id: "0004_set_not_null",
                parent: "0001_base",
                change {
                    alter_column(accounts, note, set_not_null);
                }
            }
        }
        mod m0005 {
            migrate_runtime::migration! {
                id: "0005_add_foreign_key",
                parent: "0001_base",
                change {
                    add_foreign_key(fk_accounts_owner_id, accounts(owner_id), references: owners(id), on_delete: restrict);
                }
            }
        }
        mod m0006 {
            migrate_runtime::migration! {
                id: "0006_add_check",
                parent: "0001_base",
                change {
                    add_check(ck_accounts_amount_not_negative, accounts, "amount >= 0");
                }
            }
        }
        mod m0007 {
            migrate_runtime::migration! {
                id: "0007_add_unique",
                parent: "0001_base",
                change {
                    add_unique(uq_accounts_email, accounts(email));
                }
            }
        }
        mod m0008 {
            migrate_runtime::migration! {
                id: "0008_create_index",
                parent: "0001_base",
                change {
                    create_index(ix_accounts_email, accounts(email), concurrently);
                }
            }
        }
        mod m0009 {
            migrate_runtime::migration! {
                id: "0009_backfill",
                parent: "0001_base",
                change {
                    backfill(accounts, set: "plan = 'free'", where: "plan IS NULL", batch: 10_000);
                }
            }
        }
        mod m0010 {
            migrate_runtime::migration! {
                /// The same backfill in smaller batches: each batch holds its rows' locks for less.
                id: "0010_backfill_small_batches",
                parent: "0001_base",
                change {
                    backfill(accounts, set: "plan = 'free'", where: "plan IS NULL", batch: 1_000);
                }
            }
        }
    }
}

/// One op, in its two forms.
struct Case {
    /// Short name, for the database and the CASE filter.
    key: &'static str,
    /// The op as the table names it.
    op: &'static str,
    /// The migration that is its safe form.
    migration: &'static str,
    /// What a user would write by hand, run in one transaction; `None` for a variant of the safe
    /// form of the case before it.
    naive: Option<&'static str>,
    /// The forms measured.
    forms: &'static [Form],
    /// True once the op took effect (run after each form, to check both did the same).
    took_effect: &'static str,
}

const BOTH: &[Form] = &[Form::Safe, Form::Naive];

const CASES: &[Case] = &[
    Case {
        key: "baseline",
        op: "none: the writer alone for 5 s (baseline)",
        migration: "0001_base",
        naive: None,
        forms: &[Form::Alone],
        took_effect: "SELECT true AS value",
    },
    Case {
        key: "add_column_constant",
        op: "add column, constant default (`boolean NOT NULL DEFAULT true`)",
        migration: "0002_add_column_constant_default",
        naive: Some("ALTER TABLE accounts ADD COLUMN active boolean NOT NULL DEFAULT true"),
        forms: BOTH,
        took_effect: "SELECT attnotnull AS value FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attname = 'active'",
    },
    Case {
        key: "add_column_volatile",
        op: "add column, volatile default (`uuid NOT NULL DEFAULT gen_random_uuid()`)",
        migration: "0003_add_column_volatile_default",
        naive: Some("ALTER TABLE accounts ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid()"),
        forms: BOTH,
        took_effect: "SELECT attnotnull AND NOT EXISTS (SELECT 1 FROM accounts WHERE token IS NULL) AS value FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attname = 'token'",
    },
    Case {
        key: "set_not_null",
        op: "set not null",
        migration: "0004_set_not_null",
        naive: Some("ALTER TABLE accounts ALTER COLUMN note SET NOT NULL"),
        forms: BOTH,
        took_effect: "SELECT attnotnull AS value FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND attname = 'note'",
    },
    Case {
        key: "add_foreign_key",
        op: "add foreign key",
        migration: "0005_add_foreign_key",
        naive: Some("ALTER TABLE accounts ADD CONSTRAINT fk_accounts_owner_id FOREIGN KEY (owner_id) REFERENCES owners (id) ON DELETE RESTRICT"),
        forms: BOTH,
        took_effect: "SELECT convalidated AS value FROM pg_constraint WHERE conname = 'fk_accounts_owner_id'",
    },
    Case {
        key: "add_check",
        op: "add check",
        migration: "0006_add_check",
        naive: Some("ALTER TABLE accounts ADD CONSTRAINT ck_accounts_amount_not_negative CHECK (amount >= 0)"),
        forms: BOTH,
        took_effect: "SELECT convalidated AS value FROM pg_constraint WHERE conname = 'ck_accounts_amount_not_negative'",
    },
    Case {
        key: "add_unique",
        op: "add unique",
        migration: "0007_add_unique",
        naive: Some("ALTER TABLE accounts ADD CONSTRAINT uq_accounts_email UNIQUE (email)"),
        forms: BOTH,
        took_effect: "SELECT convalidated AND contype = 'u' AS value FROM pg_constraint WHERE conname = 'uq_accounts_email'",
    },
    Case {
        key: "create_index",
        op: "create index (safe: `CONCURRENTLY`)",
        migration: "0008_create_index",
        naive: Some("CREATE INDEX ix_accounts_email ON accounts (email)"),
        forms: BOTH,
        took_effect: "SELECT indisvalid AS value FROM pg_index WHERE indexrelid = 'ix_accounts_email'::regclass",
    },
    Case {
        key: "backfill",
        op: "backfill (safe: batches of 10,000)",
        migration: "0009_backfill",
        naive: Some("UPDATE accounts SET plan = 'free' WHERE plan IS NULL"),
        forms: BOTH,
        took_effect: "SELECT NOT EXISTS (SELECT 1 FROM accounts WHERE plan IS NULL) AS value",
    },
    Case {
        key: "backfill_small_batches",
        op: "backfill (safe: batches of 1,000)",
        migration: "0010_backfill_small_batches",
        naive: None,
        forms: &[Form::Safe],
        took_effect: "SELECT NOT EXISTS (SELECT 1 FROM accounts WHERE plan IS NULL) AS value",
    },
];

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Form {
    Safe,
    Naive,
    /// No op: the writer alone, for the machine's own latencies.
    Alone,
}

impl Form {
    fn name(self) -> &'static str {
        match self {
            Form::Safe => "safe",
            Form::Naive => "naive",
            Form::Alone => "—",
        }
    }
}

/// How long into one writer statement a cause of waiting was first and last seen; for a lock, what
/// its holder was seen doing meanwhile.
#[derive(Default)]
struct Seen {
    from: Duration,
    to: Duration,
    blockers: BTreeSet<String>,
}

/// What one form of one case measured.
struct Measured {
    op: Duration,
    /// The latency of each writer statement that overlapped the op.
    latencies: Vec<Duration>,
    /// What the sampler saw the writer wait on, and when (see [`sample_waits`]).
    waits: BTreeMap<String, Seen>,
    /// The op's error, when it failed: the run goes on, and the table says so.
    failure: Option<String>,
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let rows: i64 = match args.next() {
        Some(rows) => rows
            .parse()
            .map_err(|_| format!("not a row count: {rows}"))?,
        None => 1_000_000,
    };
    let filters: Vec<String> = args.collect();
    let cases: Vec<&Case> = CASES
        .iter()
        .filter(|case| filters.is_empty() || filters.iter().any(|f| case.key.contains(f.as_str())))
        .collect();
    let migrator = Migrator::new(&migrations::MIGRATIONS)?;
    let load_before = load_average();
    let started = Instant::now();
    let mut results = Vec::new();
    for case in &cases {
        for &form in case.forms {
            eprintln!("{} ({}), {rows} rows", case.key, form.name());
            let measured = measure(&migrator, case, form, rows)?;
            results.push((case, form, measured));
        }
    }

    let mut out = String::new();
    writeln!(
        out,
        "PostgreSQL {}, {rows} rows in `accounts`, {} measurements, run in {:.0} s; load average (1, 5, 15 min) {load_before} before, {} after\n",
        server_version()?,
        results.len(),
        started.elapsed().as_secs_f64(),
        load_average()
    )?;
    writeln!(
        out,
        "| op | form | op duration | writer statements | writer p99 | writer max | max ≤ 100 ms? |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|")?;
    for (case, form, measured) in &results {
        let mut sorted = measured.latencies.clone();
        sorted.sort();
        let p99 = percentile(&sorted, 0.99);
        let max = sorted.last().copied().unwrap_or_default();
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            case.op,
            form.name(),
            match measured.failure {
                Some(_) => format!("**failed** after {}", duration(measured.op)),
                None => duration(measured.op),
            },
            sorted.len(),
            duration(p99),
            duration(max),
            if max <= GOAL { "yes" } else { "**no**" }
        )?;
    }
    for (case, form, measured) in &results {
        if let Some(failure) = &measured.failure {
            writeln!(
                out,
                "\n{} ({}) failed:\n\n```text\n{failure}\n```",
                case.key,
                form.name()
            )?;
        }
    }
    writeln!(
        out,
        "\nWhat the writer waited on, sampled every 10 ms: for each cause, from how long to how long into a writer statement it was seen (the statement seen waiting on it the longest; causes seen {} or more into a statement):\n",
        duration(SHOWN)
    )?;
    for (case, form, measured) in &results {
        for (what, seen) in measured.waits.iter().filter(|(_, seen)| seen.to >= SHOWN) {
            let holder = match seen.blockers.is_empty() {
                true => String::new(),
                false => format!(
                    " (its session seen: {})",
                    seen.blockers.iter().cloned().collect::<Vec<_>>().join("; ")
                ),
            };
            writeln!(
                out,
                "- {} ({}): {what}{holder}, {}–{}",
                case.key,
                form.name(),
                duration(seen.from),
                duration(seen.to)
            )?;
        }
    }
    writeln!(out, "\nThe SQL the runtime runs for each safe form:\n")?;
    for case in cases.iter().filter(|case| case.forms.contains(&Form::Safe)) {
        let range: SqlRange = format!("0001_base:{}", case.migration).parse()?;
        writeln!(
            out,
            "```sql\n{}```",
            migrator.sql(&range, Dialect::Postgres)?.sql
        )?;
    }
    print!("{out}");
    Ok(())
}

/// One form of one case on a fresh database: the base schema through the migrator, ROWS rows,
/// then the op with the writer running.
fn measure(migrator: &Migrator, case: &Case, form: Form, rows: i64) -> Result<Measured> {
    let db = Database::new(&format!("zdt_{}_{}", case.key, form.name()))?;
    let mut conn = PgConnection::establish(&db.url)?;
    migrator.upgrade(&mut conn, Target::Revision("0001_base".into()))?;
    let load = Instant::now();
    conn.batch_execute(&format!(
        "INSERT INTO owners (name) SELECT 'owner ' || g FROM generate_series(1, {OWNERS}) g;
         INSERT INTO accounts (email, amount, owner_id, note)
             SELECT 'user' || g || '@example.com', g % 10000, 1 + g % {OWNERS}, 'note ' || g
             FROM generate_series(1, {rows}) g"
    ))?;
    conn.batch_execute("VACUUM ANALYZE")?;
    conn.batch_execute("CHECKPOINT")?;
    eprintln!("  loaded in {:.1} s", load.elapsed().as_secs_f64());

    let epoch = Instant::now();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (url, stop) = (db.url.clone(), stop.clone());
        thread::spawn(move || write_loop(&url, rows, epoch, &stop))
    };
    // The writer's backend, for the sampler: the writer's first statement says it.
    let writer_pid = loop {
        let pids: Vec<Pid> = diesel::sql_query(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = 'zdt_writer'",
        )
        .load(&mut conn)?;
        if let Some(pid) = pids.first() {
            break pid.pid;
        }
        if writer.is_finished() {
            return Err(writer
                .join()
                .map_err(|_| "the writer panicked")?
                .err()
                .unwrap_or_else(|| "the writer stopped".into()));
        }
        thread::sleep(Duration::from_millis(5));
    };
    // The sampler connects now and samples from the op's start on.
    let sampling = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (url, sampling, stop) = (db.url.clone(), sampling.clone(), stop.clone());
        thread::spawn(move || sample_waits(&url, writer_pid, &sampling, &stop))
    };
    thread::sleep(WARM_UP);

    sampling.store(true, Ordering::Relaxed);
    let op_start = epoch.elapsed();
    let outcome: Result<()> = match form {
        Form::Safe => migrator
            .upgrade(&mut conn, Target::Revision(case.migration.into()))
            .map(|_| ())
            .map_err(Into::into),
        Form::Naive => conn
            .batch_execute(&format!(
                "BEGIN; {}; COMMIT",
                case.naive.unwrap_or_default()
            ))
            .map_err(Into::into),
        Form::Alone => {
            thread::sleep(Duration::from_secs(5));
            Ok(())
        }
    };
    let op_end = epoch.elapsed();
    thread::sleep(MARGIN);
    stop.store(true, Ordering::Relaxed);
    let statements = writer.join().map_err(|_| "the writer panicked")??;
    let waits = sampler.join().map_err(|_| "the sampler panicked")??;
    let failure = outcome.err().map(|error| error.to_string());
    if let Some(failure) = &failure {
        eprintln!("  the op failed: {failure}");
    } else {
        let flag: Flag = diesel::sql_query(case.took_effect).get_result(&mut conn)?;
        if !flag.value {
            return Err(format!("{} ({}) did not take effect", case.key, form.name()).into());
        }
    }
    drop(conn);
    let window_end = op_end + MARGIN;
    let latencies = statements
        .iter()
        .filter(|(start, latency)| *start + *latency >= op_start && *start <= window_end)
        .map(|(_, latency)| *latency)
        .collect();
    Ok(Measured {
        op: op_end - op_start,
        latencies,
        waits,
        failure,
    })
}

/// The writer: short autocommit statements back to back until `stop`, alternately an `UPDATE` of
/// a random existing row and an `INSERT` of one row; returns when each started (since `epoch`) and
/// how long it took.
fn write_loop(
    url: &str,
    rows: i64,
    epoch: Instant,
    stop: &AtomicBool,
) -> Result<Vec<(Duration, Duration)>> {
    let mut conn = PgConnection::establish(url)?;
    conn.batch_execute("SET application_name = 'zdt_writer'")?;
    let mut random = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut statements = Vec::with_capacity(1 << 16);
    let mut n: u64 = 0;
    while !stop.load(Ordering::Relaxed) {
        let sql = if n.is_multiple_of(2) {
            let id = 1 + (random.next() % rows as u64);
            format!("UPDATE accounts SET amount = amount + 1 WHERE id = {id}")
        } else {
            format!(
                "INSERT INTO accounts (email, amount, owner_id, note, plan) VALUES ('writer{n}@example.com', 1, {}, 'written', 'free')",
                1 + n % OWNERS as u64
            )
        };
        let start = epoch.elapsed();
        conn.batch_execute(&sql)
            .map_err(|error| format!("writer: {sql}: {error}"))?;
        statements.push((start, epoch.elapsed() - start));
        n += 1;
    }
    Ok(statements)
}

/// Every 10 ms from `start` until `stop`: what the writer's statement waits for, if it is running. On a lock:
/// the statement of each session that blocks it; a blocker at its `COMMIT` (a batch of the
/// backfill ends in one, which the writer waits for too) is named by the statement seen earlier in
/// the same transaction, if any. On anything else: the wait event (`IO:WALSync`, …), or none when
/// the statement is on a CPU or waiting for one. Returns, for each cause, when it was seen in the
/// writer's statement that was seen waiting on it the longest: from how long into the statement to
/// how long into it.
fn sample_waits(
    url: &str,
    writer: i32,
    start: &AtomicBool,
    stop: &AtomicBool,
) -> Result<BTreeMap<String, Seen>> {
    let mut conn = PgConnection::establish(url)?;
    while !start.load(Ordering::Relaxed) && !stop.load(Ordering::Relaxed) {
        thread::sleep(Duration::from_millis(1));
    }
    let state = format!(
        "SELECT query_start::text AS statement, coalesce(wait_event_type, '') AS wait_type,
                coalesce(wait_event, '') AS wait_event,
                1000 * extract(epoch FROM clock_timestamp() - query_start)::float8 AS waited_ms
         FROM pg_stat_activity WHERE pid = {writer} AND state = 'active'"
    );
    let blockers = format!(
        "SELECT blocking.pid, coalesce(b.xact_start::text, '') AS xact, coalesce(b.query, '?') AS query,
                coalesce(b.state, '?') || coalesce(', ' || b.wait_event_type || ':' || b.wait_event, '') AS doing
         FROM unnest(pg_blocking_pids({writer})) AS blocking(pid)
         LEFT JOIN pg_stat_activity b ON b.pid = blocking.pid"
    );
    // The statements of the other sessions' transactions, to name a blocker at its `COMMIT`.
    let others = format!(
        "SELECT pid, coalesce(xact_start::text, '') AS xact, query, '' AS doing FROM pg_stat_activity
         WHERE datname = current_database() AND pid NOT IN ({writer}, pg_backend_pid()) AND state = 'active'"
    );
    let mut transactions: BTreeMap<(i32, String), String> = BTreeMap::new();
    // Each statement of the writer (by its start) seen waiting: on what, and when.
    let mut waits: BTreeMap<String, BTreeMap<String, (Duration, Duration)>> = BTreeMap::new();
    // What the blocking sessions were doing (their state, and their own wait).
    let mut blocker_states: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    while !stop.load(Ordering::Relaxed) {
        let sessions: Vec<Session> = diesel::sql_query(&others).load(&mut conn)?;
        for session in sessions {
            let statement = first_statement(&session.query);
            if statement != "COMMIT" {
                transactions.insert((session.pid, session.xact), statement);
            }
        }
        let writer_state: Vec<WriterState> = diesel::sql_query(&state).load(&mut conn)?;
        for row in writer_state {
            let waited = Duration::from_secs_f64(row.waited_ms.max(0.0) / 1000.0);
            let mut seen = Vec::new();
            if row.wait_type == "Lock" {
                let sessions: Vec<Session> = diesel::sql_query(&blockers).load(&mut conn)?;
                for session in sessions {
                    let statement = first_statement(&session.query);
                    let cause = match transactions.get(&(session.pid, session.xact)) {
                        Some(earlier) if statement == "COMMIT" => {
                            format!("a lock held by `{earlier}` (at its `COMMIT`)")
                        }
                        _ => format!("a lock held by `{statement}`"),
                    };
                    blocker_states
                        .entry(cause.clone())
                        .or_default()
                        .insert(session.doing);
                    seen.push(cause);
                }
            } else if row.wait_type.is_empty() {
                seen.push("no wait event (on a CPU, or waiting for one)".to_owned());
            } else {
                seen.push(format!("`{}:{}`", row.wait_type, row.wait_event));
            }
            let statement = waits.entry(row.statement).or_default();
            for what in seen {
                let seen = statement.entry(what).or_insert((waited, waited));
                seen.1 = seen.1.max(waited);
            }
        }
        thread::sleep(Duration::from_millis(10));
    }
    // Per cause, the statement seen waiting on it over the longest span (then the latest).
    let mut longest: BTreeMap<String, Seen> = BTreeMap::new();
    for (_, seen) in waits {
        for (what, (from, to)) in seen {
            let entry = longest.entry(what.clone()).or_insert_with(|| Seen {
                from,
                to,
                blockers: blocker_states.remove(&what).unwrap_or_default(),
            });
            if (to - from, to) > (entry.to - entry.from, entry.to) {
                (entry.from, entry.to) = (from, to);
            }
        }
    }
    Ok(longest)
}

/// The first statement of what a session sent, other than `BEGIN`, on one line: the naive forms
/// send `BEGIN; <statement>; COMMIT`, the runtime a step and its progress record.
fn first_statement(sql: &str) -> String {
    let statement = sql
        .split(';')
        .map(str::trim)
        .find(|statement| !statement.is_empty() && !statement.eq_ignore_ascii_case("BEGIN"))
        .unwrap_or("?");
    statement.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(QueryableByName)]
struct Pid {
    #[diesel(sql_type = Integer)]
    pid: i32,
}

#[derive(QueryableByName)]
struct Flag {
    #[diesel(sql_type = Bool)]
    value: bool,
}

#[derive(QueryableByName)]
struct Session {
    #[diesel(sql_type = Integer)]
    pid: i32,
    #[diesel(sql_type = Text)]
    xact: String,
    #[diesel(sql_type = Text)]
    query: String,
    /// For a blocker: its state and what it waits on, if anything.
    #[diesel(sql_type = Text)]
    doing: String,
}

#[derive(QueryableByName)]
struct WriterState {
    #[diesel(sql_type = Text)]
    statement: String,
    #[diesel(sql_type = Text)]
    wait_type: String,
    #[diesel(sql_type = Text)]
    wait_event: String,
    #[diesel(sql_type = Double)]
    waited_ms: f64,
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = Text)]
    server_version: String,
}

fn server_version() -> Result<String> {
    let mut conn = PgConnection::establish(&format!("{POSTGRES}/postgres"))?;
    let version: Version = diesel::sql_query("SHOW server_version").get_result(&mut conn)?;
    Ok(version.server_version)
}

/// The machine's load average (other builds share its 2 cores), as `/proc/loadavg` says it.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".to_owned())
}

/// The nearest-rank percentile of sorted samples.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn duration(d: Duration) -> String {
    match d.as_secs_f64() {
        s if s >= 1.0 => format!("{s:.2} s"),
        s => format!("{:.1} ms", s * 1000.0),
    }
}

/// A small deterministic generator for the writer's row ids.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// A database created for one measurement and dropped after it.
struct Database {
    name: String,
    url: String,
}

impl Database {
    fn new(name: &str) -> Result<Database> {
        let mut admin = PgConnection::establish(&format!("{POSTGRES}/postgres"))?;
        admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))?;
        admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
        Ok(Database {
            name: name.to_owned(),
            url: format!("{POSTGRES}/{name}"),
        })
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&format!("{POSTGRES}/postgres")) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}
