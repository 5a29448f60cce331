//! `cargo run --release --manifest-path bench/Cargo.toml -- [N] [RUNS] [--tools LIST]`
//!
//! Generates an app per tool in `target/bench/`, each with the same N migrations (create table,
//! add column, create index, add check, in turn):
//!
//! - `migrate`: `migrations!()` over `src/migrations/*.rs`, written in the DSL, with the
//!   runtime's `postgres` feature only (as diesel's app has diesel's: no SQLite, no CLI);
//! - `diesel`: diesel_migrations 2 (libpq), `embed_migrations!` over `up.sql`/`down.sql`;
//! - `sqlx`: sqlx 0.9 (tokio, current-thread runtime), `sqlx::migrate!()` over simple, up-only
//!   `migrations/<version>_m.sql` files;
//! - `refinery`: refinery 0.10 with the sync `postgres` crate, `embed_migrations!` over
//!   `migrations/V<version>__m.sql`;
//!
//! the three SQL-file tools with the same statements. Every app builds its proc macros optimized
//! in debug builds (`[profile.dev.build-override] opt-level = 3`), the setting this README and
//! sqlx's recommend for macros that read files at compile time, and builds the tool's packages as
//! cargo builds a crates.io dependency (not incrementally: see `REGISTRY_LIKE`, which the
//! `migrate` apps need because they take migrate by path). It measures, in one interleaved
//! run:
//!
//! - the debug and release rebuild after editing one migration (median, min–max of 5 × RUNS
//!   debug rebuilds and of RUNS release ones): the `migrate` app's doc comment, or a leading
//!   `-- edit <round>` comment in the SQL file, so each tool re-embeds the file and its checksum
//!   changes. Every app is one binary crate that embeds
//!   its migrations in `main.rs`; a second `migrate` app, rebuilt beside them, declares them in a
//!   library crate of their own, as the README lays it out;
//! - applying all N to a fresh PostgreSQL database, against `psql -1 -f` of the same statements
//!   (and checks the resulting schema by counting tables, columns, indexes and checks); every
//!   tool, and psql, connects without TLS (`sslmode=disable`);
//! - start-up with nothing pending, in-process (each tool's whole "apply what is pending" call,
//!   on an open connection, median of 200) and as a whole process (connect, check, exit);
//! - the peak memory (`VmHWM`) of applying all N, and of a start-up with nothing pending;
//! - the size of the release binary.
//!
//! Prints a Markdown table: a column per tool, then the ratios of the first tool (`migrate`) to
//! each other one. `--tools migrate,sqlx` (or `--tools=…`) runs only the tools named, kept in the
//! order above; the default is all four.
//!
//! `cargo run --release --manifest-path bench/Cargo.toml -- sqlite [N] [RUNS]` measures SQLite:
//! applying N migrations to a fresh database file with `migrate` and with diesel_migrations
//! (diesel's SQLite backend), against the `sqlite3` shell running the same statements in one
//! transaction, and the start-up with nothing pending. SQLite has no `ADD CONSTRAINT` (a check
//! on an existing table is a table rebuild), so every fourth migration adds a column there.
//!
//! `cargo run --release --manifest-path bench/Cargo.toml -- mysql [N] [RUNS]` measures MySQL
//! instead (the server at 127.0.0.1:3306, user root): applying the same N migrations (with
//! `targets = ["mysql"]`) to a fresh database, against the `mysql` client running the same
//! statements, and the start-up with nothing pending.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const POSTGRES: &str = "postgres://postgres@127.0.0.1:5432";
const MYSQL: &str = "mysql://root@127.0.0.1:3306";

/// The `migrate` apps' profile for migrate's own packages. Cargo builds a path dependency
/// incrementally, in 256 codegen units in debug, and a crates.io one, as a user's app gets it,
/// whole, in 16: these lines build them as users do, as the peers' apps build their tool. The
/// incremental build's units each carry their own debug info, and the linker reads them all.
const REGISTRY_LIKE: &str = "[profile.dev.package.migrate-core]\nincremental = false\n\n[profile.dev.package.migrate-runtime]\nincremental = false\n\n[profile.dev.package.migrate-macros]\nincremental = false\n";

/// Debug rebuilds measured per run (release rebuilds: one per run).
const DEBUG_ROUNDS_PER_RUN: usize = 5;

/// The tools the PostgreSQL run can compare, in the order of the table's columns.
const TOOLS: [&str; 4] = ["migrate", "diesel", "sqlx", "refinery"];

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    if let Some(backend) = args.next_if(|arg| arg == "mysql" || arg == "sqlite") {
        let n: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1000);
        let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(3);
        return match backend.as_str() {
            "mysql" => mysql(n, runs),
            _ => sqlite(n, runs),
        };
    }
    let mut positional = Vec::new();
    let mut chosen: Vec<String> = TOOLS.iter().map(|tool| tool.to_string()).collect();
    while let Some(arg) = args.next() {
        let list = match arg.strip_prefix("--tools=") {
            Some(list) => list.to_owned(),
            None if arg == "--tools" => args
                .next()
                .expect("--tools takes a list, e.g. migrate,sqlx"),
            None => {
                positional.push(arg);
                continue;
            }
        };
        chosen = list.split(',').map(|tool| tool.trim().to_owned()).collect();
        for tool in &chosen {
            assert!(
                TOOLS.contains(&tool.as_str()),
                "unknown tool {tool:?}: choose among {}",
                TOOLS.join(",")
            );
        }
    }
    let mut positional = positional.into_iter();
    let n: usize = positional
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let runs: usize = positional.next().and_then(|n| n.parse().ok()).unwrap_or(3);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = root.join("target/bench");
    std::fs::create_dir_all(&out).unwrap();
    let apps: Vec<App> = TOOLS
        .iter()
        .filter(|tool| chosen.iter().any(|chosen| chosen == *tool))
        .map(|tool| match *tool {
            "migrate" => App::migrate(&out, &root, n),
            "diesel" => App::diesel(&out, n),
            "sqlx" => App::sqlx(&out, n),
            _ => App::refinery(&out, n),
        })
        .collect();
    assert!(!apps.is_empty(), "--tools chose no tool");
    let mut table = Table::new(&apps);
    // `migrate` with its migrations in a crate of their own, rebuilt beside the others.
    let own_crate = (apps[0].name == "migrate").then(|| App::migrate_crate(&out, &root, n));
    for app in apps.iter().chain(&own_crate) {
        eprintln!("building {} (debug and release, first time)", app.name);
        app.build(false);
        app.build(true);
    }
    // Interleaved: each round edits and rebuilds every app in turn. A debug rebuild is under a
    // second and varies by a tenth of one from round to round, so it gets DEBUG_ROUNDS_PER_RUN
    // rounds for each run; the last RUNS rounds also rebuild in release (refinery's takes a
    // minute), so every release binary holds the last edit.
    let mut debug = vec![Vec::new(); apps.len() + 1];
    let mut release = vec![Vec::new(); apps.len() + 1];
    let rounds = runs * DEBUG_ROUNDS_PER_RUN;
    for round in 0..rounds {
        for (index, app) in apps.iter().chain(&own_crate).enumerate() {
            eprintln!("round {}/{rounds}: rebuilding {}", round + 1, app.name);
            app.edit(round);
            debug[index].push(app.build(false));
            if round >= rounds - runs {
                release[index].push(app.build(true));
            }
        }
    }
    let own_crate_debug = debug.pop().filter(|samples| !samples.is_empty());
    let own_crate_release = release.pop().filter(|samples| !samples.is_empty());
    table.row("debug rebuild after editing one migration", &debug, "s");
    if let Some(samples) = own_crate_debug {
        table.first_only(
            "the same, migrations in a crate of their own (`migrate` only)",
            &samples,
            &debug,
        );
    }
    table.row("release rebuild after editing one migration", &release, "s");
    if let Some(samples) = own_crate_release {
        table.first_only(
            "the same, migrations in a crate of their own (`migrate` only)",
            &samples,
            &release,
        );
    }

    // Apply all to a fresh database, against psql -1 -f of the same SQL. Every database is new,
    // and every app runs its last-built binary, so each tool's checksums are those of the files
    // as last edited.
    let script = out.join("all.sql");
    std::fs::write(&script, psql_script(n)).unwrap();
    let mut apply = vec![Vec::new(); apps.len()];
    let mut psql = Vec::new();
    let mut startup = vec![Vec::new(); apps.len()];
    let mut process = vec![Vec::new(); apps.len()];
    let mut apply_peak = vec![Vec::new(); apps.len()];
    let mut startup_peak = vec![Vec::new(); apps.len()];
    for run in 0..runs {
        for (index, app) in apps.iter().enumerate() {
            eprintln!("run {}/{runs}: applying and starting {}", run + 1, app.name);
            let db = Database::new(&format!("bench_{}_{run}", app.name));
            let applied = app.run(&["apply", &db.url]);
            apply[index].push(applied.parse_seconds());
            apply_peak[index].push(peak_kib(&applied));
            db.assert_schema(n, app.name);
            startup_peak[index].push(peak_kib(&app.run(&["peak", &db.url])));
            startup[index].push(app.run(&["startup", &db.url, "200"]).parse_seconds());
            for _ in 0..20 {
                let started = Instant::now();
                app.run(&["once", &db.url]);
                process[index].push(started.elapsed());
            }
        }
        let db = Database::new(&format!("bench_psql_{run}"));
        let started = Instant::now();
        let status = Command::new("psql")
            .args(["-q", "-1", "-f"])
            .arg(&script)
            .arg(&db.url)
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        psql.push(started.elapsed());
        db.assert_schema(n, "psql");
    }
    table.row("apply all to a fresh database", &apply, "s");
    table.cells(
        "`psql -1 -f` of the same statements",
        vec![summary(&psql, "s")],
        Vec::new(),
    );
    let to_psql = apply
        .iter()
        .map(|tool| {
            format!(
                "{:.2}",
                median(tool).as_secs_f64() / median(&psql).as_secs_f64()
            )
        })
        .collect();
    table.cells("apply all, × `psql -1 -f`", to_psql, Vec::new());
    table.row(
        "start-up with nothing pending, in-process (median of 200)",
        &startup,
        "ms",
    );
    table.row(
        "start-up with nothing pending, whole process (connect, check, exit)",
        &process,
        "ms",
    );
    table.memory_row("peak memory (`VmHWM`), applying all", &apply_peak);
    table.memory_row(
        "peak memory, start-up with nothing pending (whole process)",
        &startup_peak,
    );
    let sizes: Vec<f64> = apps.iter().map(|app| app.binary_size() as f64).collect();
    table.cells(
        "release binary",
        sizes
            .iter()
            .map(|size| format!("{:.1} MiB", size / 1048576.0))
            .collect(),
        sizes[1..]
            .iter()
            .map(|size| format!("{:.2}", sizes[0] / size))
            .collect(),
    );
    println!(
        "N = {n} migrations, {runs} runs, PostgreSQL {}\n\n{}",
        server_version(),
        table.text
    );
}

/// Applying N migrations on MySQL, against the `mysql` client running the same statements.
fn mysql(n: usize, runs: usize) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = root.join("target/bench");
    std::fs::create_dir_all(&out).unwrap();
    let app = App::migrate_mysql(&out, &root, n);
    eprintln!("building {} (release)", app.name);
    app.build(true);
    let script = out.join("all_mysql.sql");
    std::fs::write(
        &script,
        (0..n)
            .map(|i| format!("{};\n", mysql_sql(i)))
            .collect::<String>(),
    )
    .unwrap();
    let (mut apply, mut client, mut startup) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..runs {
        let db = MysqlDatabase::new(&format!("bench_migrate_{run}"));
        apply.push(app.run(&["apply", &db.url]).parse_seconds());
        startup.push(app.run(&["startup", &db.url, "200"]).parse_seconds());
        let db = MysqlDatabase::new(&format!("bench_client_{run}"));
        let started = Instant::now();
        let status = Command::new("mysql")
            .args(["-h", "127.0.0.1", "-u", "root", &db.name])
            .stdin(std::fs::File::open(&script).unwrap())
            .status()
            .unwrap();
        assert!(status.success());
        client.push(started.elapsed());
    }
    let version = Command::new("mysql")
        .args([
            "-h",
            "127.0.0.1",
            "-u",
            "root",
            "-N",
            "-e",
            "SELECT VERSION()",
        ])
        .output()
        .unwrap();
    println!(
        "N = {n} migrations, {runs} runs, MySQL-compatible server {}\n\n| figure | median (min–max) |\n|---|---|",
        String::from_utf8_lossy(&version.stdout).trim()
    );
    println!(
        "| migrate: apply all to a fresh database | {} |",
        summary(&apply, "s")
    );
    println!(
        "| `mysql` client running the same statements | {} |",
        summary(&client, "s")
    );
    println!(
        "| apply all, × `mysql` client | {:.2} |",
        median(&apply).as_secs_f64() / median(&client).as_secs_f64()
    );
    println!(
        "| migrate: start-up with nothing pending, in-process (median of 200) | {} |",
        summary(&startup, "ms")
    );
}

fn sqlite(n: usize, runs: usize) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = root.join("target/bench");
    std::fs::create_dir_all(&out).unwrap();
    let apps = [
        App::migrate_sqlite(&out, &root, n),
        App::diesel_sqlite(&out, n),
    ];
    for app in &apps {
        eprintln!("building {} (release)", app.name);
        app.build(true);
    }
    let script = out.join("all_sqlite.sql");
    let statements: String = (0..n).map(|i| format!("{};\n", sqlite_sql(i))).collect();
    std::fs::write(&script, format!("BEGIN;\n{statements}COMMIT;\n")).unwrap();
    let files = out.join("sqlite_runs");
    let _ = std::fs::remove_dir_all(&files);
    std::fs::create_dir_all(&files).unwrap();
    let mut apply = vec![Vec::new(); apps.len()];
    let mut startup = vec![Vec::new(); apps.len()];
    let mut shell = Vec::new();
    for run in 0..runs {
        for (index, app) in apps.iter().enumerate() {
            let file = files.join(format!("{}_{run}.db", app.name));
            let path = file.to_str().unwrap();
            apply[index].push(app.run(&["apply", path]).parse_seconds());
            startup[index].push(app.run(&["startup", path, "200"]).parse_seconds());
        }
        let file = files.join(format!("sqlite3_{run}.db"));
        let started = Instant::now();
        let status = Command::new("sqlite3")
            .arg(&file)
            .stdin(std::fs::File::open(&script).unwrap())
            .status()
            .unwrap();
        assert!(status.success());
        shell.push(started.elapsed());
    }
    let _ = std::fs::remove_dir_all(&files);
    let version = Command::new("sqlite3").arg("--version").output().unwrap();
    let version = String::from_utf8_lossy(&version.stdout);
    println!(
        "N = {n} migrations, {runs} runs, SQLite (bundled in the apps; shell {})\n",
        version.split_whitespace().next().unwrap_or("?")
    );
    let mut table = Table::new(&apps);
    table.row("apply all to a fresh database file", &apply, "s");
    let ratios: Vec<String> = apply
        .iter()
        .map(|tool| {
            format!(
                "{:.2}",
                median(tool).as_secs_f64() / median(&shell).as_secs_f64()
            )
        })
        .collect();
    table.cells(
        "apply all, × `sqlite3` shell in one transaction",
        ratios,
        Vec::new(),
    );
    table.row(
        "start-up with nothing pending, in-process (median of 200)",
        &startup,
        "ms",
    );
    println!(
        "{}\n`sqlite3` shell, the same statements in one transaction: {}",
        table.text,
        summary(&shell, "s")
    );
}

/// Migration `i` as SQLite runs it (what the DSL renders there); a column where the others add a
/// check.
fn sqlite_sql(i: usize) -> String {
    let table = format!("t{}", i - i % 4);
    match i % 4 {
        0 => format!("CREATE TABLE \"{table}\" (\"id\" INTEGER NOT NULL CONSTRAINT \"pk_{table}\" PRIMARY KEY AUTOINCREMENT, \"name\" TEXT NOT NULL)"),
        1 => format!("ALTER TABLE \"{table}\" ADD COLUMN \"note\" TEXT"),
        2 => format!("CREATE INDEX \"ix_{table}_name\" ON \"{table}\" (\"name\")"),
        _ => format!("ALTER TABLE \"{table}\" ADD COLUMN \"extra\" INTEGER"),
    }
}

/// The same migration in the DSL, for SQLite.
fn migrate_sqlite_source(i: usize, edit: usize) -> String {
    let source = migrate_source(i, edit);
    match i % 4 {
        3 => {
            let table = format!("t{}", i - i % 4);
            let start = source.find("        add_check(").unwrap_or(0);
            let end = source[start..]
                .find('\n')
                .map_or(source.len(), |at| start + at);
            format!(
                "{}        add_column({table}, extra: integer nullable);{}",
                &source[..start],
                &source[end..]
            )
        }
        _ => source,
    }
}

/// Migration `i` as SQL for the `mysql` client: what the DSL's ops are on MySQL.
fn mysql_sql(i: usize) -> String {
    let table = format!("t{}", i - i % 4);
    match i % 4 {
        0 => format!("CREATE TABLE {table} (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(100) NOT NULL)"),
        1 => format!("ALTER TABLE {table} ADD COLUMN note LONGTEXT NULL"),
        2 => format!("CREATE INDEX ix_{table}_name ON {table} (name)"),
        _ => format!("ALTER TABLE {table} ADD CONSTRAINT ck_{table}_name_not_blank CHECK (name <> '')"),
    }
}

/// The same migration in the DSL, for a crate that targets MySQL: a bounded `name`, and the check
/// on a table just created waived as such.
fn migrate_mysql_source(i: usize, edit: usize) -> String {
    let source = migrate_source(i, edit).replace("name: text", "name: varchar(100)");
    match i % 4 {
        3 => source.replace(
            "        add_check(",
            "        #[allow(mysql_check_constraint, reason = \"bench: the table is empty\")]\n        add_check(",
        ),
        _ => source,
    }
}

/// A MySQL database made for one run, dropped after it.
struct MysqlDatabase {
    name: String,
    url: String,
}

impl MysqlDatabase {
    fn new(name: &str) -> MysqlDatabase {
        let sql = format!("DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name}");
        assert!(Command::new("mysql")
            .args(["-h", "127.0.0.1", "-u", "root", "-e", &sql])
            .status()
            .unwrap()
            .success());
        MysqlDatabase {
            name: name.to_owned(),
            url: format!("{MYSQL}/{name}"),
        }
    }
}

impl Drop for MysqlDatabase {
    fn drop(&mut self) {
        let _ = Command::new("mysql")
            .args(["-h", "127.0.0.1", "-u", "root", "-e"])
            .arg(format!("DROP DATABASE IF EXISTS {}", self.name))
            .status();
    }
}

/// The Markdown table: a column per tool, then the ratio of the first tool to each other one.
struct Table {
    text: String,
    tools: usize,
}

impl Table {
    fn new(apps: &[App]) -> Table {
        let labels: Vec<&str> = apps.iter().map(|app| app.label).collect();
        let ratios: Vec<String> = apps[1..]
            .iter()
            .map(|app| format!("{} / {}", apps[0].name, app.name))
            .collect();
        let columns = 1 + labels.len() + ratios.len();
        let mut text = format!("| figure | {} |", labels.join(" | "));
        for ratio in &ratios {
            let _ = write!(text, " {ratio} |");
        }
        let _ = write!(text, "\n|{}\n", "---|".repeat(columns));
        Table {
            text,
            tools: apps.len(),
        }
    }

    /// A row of samples per tool: each tool's median (min–max), then the ratios of the medians.
    fn row(&mut self, what: &str, samples: &[Vec<Duration>], unit: &str) {
        let first = median(&samples[0]).as_secs_f64();
        self.cells(
            what,
            samples.iter().map(|tool| summary(tool, unit)).collect(),
            samples[1..]
                .iter()
                .map(|tool| format!("{:.2}", first / median(tool).as_secs_f64()))
                .collect(),
        );
    }

    /// A row of peak memory samples (KiB) per tool: each tool's median (min–max) in MiB, then the
    /// ratios of the medians.
    fn memory_row(&mut self, what: &str, samples: &[Vec<u64>]) {
        let median = |samples: &[u64]| {
            let mut sorted = samples.to_vec();
            sorted.sort();
            sorted[sorted.len() / 2] as f64
        };
        let mib = |kib: f64| kib / 1024.0;
        let first = median(&samples[0]);
        self.cells(
            what,
            samples
                .iter()
                .map(|tool| {
                    let (min, max) = (tool.iter().min(), tool.iter().max());
                    format!(
                        "{:.1} MiB ({:.1}–{:.1})",
                        mib(median(tool)),
                        mib(min.copied().unwrap_or_default() as f64),
                        mib(max.copied().unwrap_or_default() as f64)
                    )
                })
                .collect(),
            samples[1..]
                .iter()
                .map(|tool| format!("{:.2}", first / median(tool)))
                .collect(),
        );
    }

    /// A row with the first tool's cell only, `samples`, and its ratios to the other tools'
    /// medians in `others` (a row of [`Table::row`]).
    fn first_only(&mut self, what: &str, samples: &[Duration], others: &[Vec<Duration>]) {
        let first = median(samples).as_secs_f64();
        self.cells(
            what,
            vec![summary(samples, "s")],
            others[1..]
                .iter()
                .map(|tool| format!("{:.2}", first / median(tool).as_secs_f64()))
                .collect(),
        );
    }

    /// A row of the given tool cells and ratio cells, the missing ones left empty.
    fn cells(&mut self, what: &str, tools: Vec<String>, ratios: Vec<String>) {
        let _ = write!(self.text, "| {what} |");
        for index in 0..self.tools {
            let _ = write!(
                self.text,
                " {} |",
                tools.get(index).map_or("", String::as_str)
            );
        }
        for index in 1..self.tools {
            let _ = write!(
                self.text,
                " {} |",
                ratios.get(index - 1).map_or("", String::as_str)
            );
        }
        self.text.push('\n');
    }
}

fn median(samples: &[Duration]) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}

fn summary(samples: &[Duration], unit: &str) -> String {
    let scale = |d: Duration| match unit {
        "ms" => d.as_secs_f64() * 1000.0,
        _ => d.as_secs_f64(),
    };
    let min = samples.iter().copied().min().unwrap_or_default();
    let max = samples.iter().copied().max().unwrap_or_default();
    let digits = if unit == "ms" { 3 } else { 2 };
    format!(
        "{:.digits$} {unit} ({:.digits$}–{:.digits$})",
        scale(median(samples)),
        scale(min),
        scale(max)
    )
}

trait ParseSeconds {
    fn parse_seconds(&self) -> Duration;
}

impl ParseSeconds for String {
    /// The first number printed: `apply` prints its seconds, then its peak memory.
    fn parse_seconds(&self) -> Duration {
        Duration::from_secs_f64(
            self.split_whitespace()
                .next()
                .and_then(|seconds| seconds.parse().ok())
                .unwrap_or_else(|| panic!("not seconds: {self:?}")),
        )
    }
}

/// The last number an app printed, its peak memory in KiB.
fn peak_kib(output: &str) -> u64 {
    output
        .split_whitespace()
        .last()
        .and_then(|kib| kib.parse().ok())
        .unwrap_or_else(|| panic!("no peak memory in {output:?}"))
}

fn server_version() -> String {
    let output = Command::new("psql")
        .args([
            "-tA",
            "-c",
            "SHOW server_version",
            &format!("{POSTGRES}/postgres"),
        ])
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// A database created for one measurement and dropped after it.
struct Database {
    name: String,
    url: String,
}

impl Database {
    fn new(name: &str) -> Database {
        let admin = format!("{POSTGRES}/postgres");
        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        Command::new("psql")
            .args(["-q", "-c", &sql, &admin])
            .status()
            .unwrap();
        let sql = format!("CREATE DATABASE {name}");
        assert!(Command::new("psql")
            .args(["-q", "-c", &sql, &admin])
            .status()
            .unwrap()
            .success());
        // Without TLS, for every tool alike: the sqlx and refinery apps have no TLS backend, and
        // libpq (under `migrate`, diesel and psql) would otherwise negotiate TLS with a server
        // that has `ssl = on`, a handshake that would count in their whole-process figures only.
        Database {
            name: name.to_owned(),
            url: format!("{POSTGRES}/{name}?sslmode=disable"),
        }
    }

    /// Checks that the database holds the N migrations' schema: the tables, the `note` columns,
    /// the indexes and the checks, counted by name (each tool's own bookkeeping tables aside).
    fn assert_schema(&self, n: usize, who: &str) {
        let count = |k: usize| (0..n).filter(|i| i % 4 == k).count();
        let expected = format!("{}|{}|{}|{}", count(0), count(1), count(2), count(3));
        let sql = "SELECT (SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename ~ '^t[0-9]+$'), \
            (SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' AND table_name ~ '^t[0-9]+$' AND column_name = 'note'), \
            (SELECT count(*) FROM pg_indexes WHERE schemaname = 'public' AND indexname ~ '^ix_t[0-9]+_name$'), \
            (SELECT count(*) FROM pg_constraint WHERE conname ~ '^ck_t[0-9]+_name_not_blank$' AND convalidated)";
        let output = Command::new("psql")
            .args(["-tA", "-c", sql, &self.url])
            .output()
            .unwrap();
        let found = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        assert_eq!(
            found, expected,
            "{who}: tables|notes|indexes|checks after applying"
        );
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        let _ = Command::new("psql")
            .args(["-q", "-c", &sql, &format!("{POSTGRES}/postgres")])
            .status();
    }
}

/// The SQL of migration `i`, as a user of the SQL-file tools writes it: (up, down).
fn sql(i: usize) -> (String, String) {
    let table = format!("t{}", i - i % 4);
    match i % 4 {
        0 => (
            format!("CREATE TABLE {table} (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name text NOT NULL)"),
            format!("DROP TABLE {table}"),
        ),
        1 => (
            format!("ALTER TABLE {table} ADD COLUMN note text"),
            format!("ALTER TABLE {table} DROP COLUMN note"),
        ),
        2 => (
            format!("CREATE INDEX ix_{table}_name ON {table} (name)"),
            format!("DROP INDEX ix_{table}_name"),
        ),
        _ => (
            format!("ALTER TABLE {table} ADD CONSTRAINT ck_{table}_name_not_blank CHECK (name <> '')"),
            format!("ALTER TABLE {table} DROP CONSTRAINT ck_{table}_name_not_blank"),
        ),
    }
}

/// The SQL file of migration `i` as run `run` leaves it: a comment that changes what the tool
/// embeds (and so its checksum), then the same statement.
fn edited_sql(i: usize, round: usize) -> String {
    format!("-- edit {}\n{};\n", round + 1, sql(i).0)
}

fn psql_script(n: usize) -> String {
    (0..n).map(|i| format!("{};\n", sql(i).0)).collect()
}

/// The same migration in `migrate`'s DSL. The table is new in its first migration only, so the
/// index and the check take their online forms, as the safety rules ask on a live table.
fn migrate_source(i: usize, edit: usize) -> String {
    let table = format!("t{}", i - i % 4);
    let parent = match i {
        0 => "none".to_owned(),
        _ => format!("\"{:04}_m\"", i - 1),
    };
    let op = match i % 4 {
        0 => format!("create_table({table}, {{ id: bigint identity, name: text }}, primary_key: pk_{table}(id));"),
        1 => format!("add_column({table}, note: text nullable);"),
        2 => format!("create_index(ix_{table}_name, {table}(name), concurrently);"),
        _ => format!("add_check(ck_{table}_name_not_blank, {table}, \"name <> ''\");"),
    };
    format!(
        "migrate_runtime::migration! {{\n    /// Migration {i}, edit {edit}.\n    id: \"{i:04}_m\",\n    parent: {parent},\n    change {{\n        {op}\n    }}\n}}\n"
    )
}

struct App {
    /// The tool's short name: the app is `{name}_app`, its databases `bench_{name}_*`.
    name: &'static str,
    /// The tool's column in the table.
    label: &'static str,
    dir: PathBuf,
    /// The file one run edits, and how to write it for run `r`.
    edited: (PathBuf, Box<dyn Fn(usize) -> String>),
    target: PathBuf,
}

impl App {
    fn migrate(out: &Path, root: &Path, n: usize) -> App {
        App::migrate_on(out, root, n, "migrate", "postgres", migrate_source)
    }

    /// The same app with its migrations in a library crate of their own (the README's layout), the
    /// binary naming its token: measured for the rebuilds only.
    fn migrate_crate(out: &Path, root: &Path, n: usize) -> App {
        App::migrate_on(out, root, n, "migrate_crate", "postgres", migrate_source)
    }

    fn migrate_mysql(out: &Path, root: &Path, n: usize) -> App {
        App::migrate_on(out, root, n, "migrate_mysql", "mysql", migrate_mysql_source)
    }

    fn migrate_sqlite(out: &Path, root: &Path, n: usize) -> App {
        App::migrate_on(
            out,
            root,
            n,
            "migrate_sqlite",
            "sqlite",
            migrate_sqlite_source,
        )
    }

    /// The `migrate` app for one backend: the runtime with that backend's feature only, and the
    /// crate's `targets` naming it (PostgreSQL's app keeps the default targets, as apps do). Like
    /// the peers' apps, one binary crate whose `main.rs` embeds the migrations; `migrate_crate`
    /// declares them in `lib.rs` instead.
    fn migrate_on(
        out: &Path,
        root: &Path,
        n: usize,
        name: &'static str,
        backend: &'static str,
        source: fn(usize, usize) -> String,
    ) -> App {
        let dir = out.join(format!("{name}_app"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("src/migrations")).unwrap();
        let runtime = root.join("migrate-runtime").canonicalize().unwrap();
        let targets = match backend {
            "postgres" => String::new(),
            _ => format!("[package.metadata.migrate]\ntargets = [\"{backend}\"]\n\n"),
        };
        write(
            &dir.join("Cargo.toml"),
            &format!("[package]\nname = \"{name}_app\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n{targets}[dependencies]\nmigrate-runtime = {{ path = {:?}, default-features = false, features = [\"{backend}\"] }}\n\n[workspace]\n\n[profile.dev.build-override]\nopt-level = 3\n\n{REGISTRY_LIKE}", runtime.display().to_string()),
        );
        std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
        write(
            &dir.join("build.rs"),
            "fn main() {\n    println!(\"cargo:rerun-if-changed=src/migrations\");\n}\n",
        );
        let main = if name == "migrate_crate" {
            write(&dir.join("src/lib.rs"), "migrate_runtime::migrations!();\n");
            MIGRATE_MAIN.replace("migrate_app::", &format!("{name}_app::"))
        } else {
            format!(
                "migrate_runtime::migrations!();\n{}",
                MIGRATE_MAIN.replace("migrate_app::", "")
            )
        };
        write(&dir.join("src/main.rs"), &main);
        for i in 0..n {
            write(
                &dir.join(format!("src/migrations/m{i:04}.rs")),
                &source(i, 0),
            );
        }
        let edited_index = n / 2;
        App {
            name,
            label: "migrate",
            edited: (
                dir.join(format!("src/migrations/m{edited_index:04}.rs")),
                Box::new(move |round| source(edited_index, round + 1)),
            ),
            target: out.join("target"),
            dir,
        }
    }

    /// diesel_migrations on diesel's SQLite backend, over the same statements.
    fn diesel_sqlite(out: &Path, n: usize) -> App {
        let dir = out.join("diesel_sqlite_app");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("src")).unwrap();
        write(
            &dir.join("Cargo.toml"),
            "[package]\nname = \"diesel_sqlite_app\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\ndiesel = { version = \"2.2\", default-features = false, features = [\"sqlite\"] }\ndiesel_migrations = { version = \"2.2\", features = [\"sqlite\"] }\nlibsqlite3-sys = { version = \"*\", features = [\"bundled\"] }\n\n[workspace]\n\n[profile.dev.build-override]\nopt-level = 3\n",
        );
        write(
            &dir.join("src/main.rs"),
            &DIESEL_MAIN.replace("PgConnection", "SqliteConnection"),
        );
        for i in 0..n {
            let migration = dir.join(format!("migrations/2024-01-01-{i:06}_m"));
            std::fs::create_dir_all(&migration).unwrap();
            write(&migration.join("up.sql"), &format!("{};\n", sqlite_sql(i)));
            write(&migration.join("down.sql"), "SELECT 1;\n");
        }
        App {
            name: "diesel_sqlite",
            label: "diesel_migrations",
            edited: (
                dir.join("migrations/2024-01-01-000000_m/up.sql"),
                Box::new(|_| format!("{};\n", sqlite_sql(0))),
            ),
            target: out.join("target"),
            dir,
        }
    }

    fn diesel(out: &Path, n: usize) -> App {
        let dir = out.join("diesel_app");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("src")).unwrap();
        write(
            &dir.join("Cargo.toml"),
            "[package]\nname = \"diesel_app\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\ndiesel = { version = \"2.2\", default-features = false, features = [\"postgres\"] }\ndiesel_migrations = { version = \"2.2\", features = [\"postgres\"] }\n\n[workspace]\n\n[profile.dev.build-override]\nopt-level = 3\n",
        );
        write(&dir.join("src/main.rs"), DIESEL_MAIN);
        for i in 0..n {
            let migration = dir.join(format!("migrations/2024-01-01-{i:06}_m"));
            std::fs::create_dir_all(&migration).unwrap();
            let (up, down) = sql(i);
            write(&migration.join("up.sql"), &format!("{up};\n"));
            write(&migration.join("down.sql"), &format!("{down};\n"));
        }
        let edited_index = n / 2;
        App {
            name: "diesel",
            label: "diesel_migrations",
            edited: (
                dir.join(format!("migrations/2024-01-01-{edited_index:06}_m/up.sql")),
                Box::new(move |round| edited_sql(edited_index, round)),
            ),
            target: out.join("target"),
            dir,
        }
    }

    /// sqlx: `sqlx::migrate!()` over `migrations/<version>_m.sql`, the simple (up-only) form,
    /// each file holding the statement of diesel's `up.sql`.
    fn sqlx(out: &Path, n: usize) -> App {
        let dir = out.join("sqlx_app");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::create_dir_all(dir.join("migrations")).unwrap();
        write(
            &dir.join("Cargo.toml"),
            "[package]\nname = \"sqlx_app\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nsqlx = { version = \"0.9\", default-features = false, features = [\"runtime-tokio\", \"postgres\", \"migrate\", \"macros\"] }\ntokio = { version = \"1\", features = [\"rt\", \"macros\"] }\n\n[workspace]\n\n[profile.dev.build-override]\nopt-level = 3\n",
        );
        write(&dir.join("src/main.rs"), SQLX_MAIN);
        let file = |i: usize| dir.join(format!("migrations/{:04}_m.sql", i + 1));
        for i in 0..n {
            write(&file(i), &format!("{};\n", sql(i).0));
        }
        let edited_index = n / 2;
        App {
            name: "sqlx",
            label: "sqlx",
            edited: (
                file(edited_index),
                Box::new(move |round| edited_sql(edited_index, round)),
            ),
            target: out.join("target"),
            dir,
        }
    }

    /// refinery: `embed_migrations!("migrations")` over `migrations/V<version>__m.sql`, each file
    /// holding the statement of diesel's `up.sql`.
    fn refinery(out: &Path, n: usize) -> App {
        let dir = out.join("refinery_app");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::create_dir_all(dir.join("migrations")).unwrap();
        write(
            &dir.join("Cargo.toml"),
            "[package]\nname = \"refinery_app\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nrefinery = { version = \"0.10\", features = [\"postgres\"] }\npostgres = \"0.19\"\n\n[workspace]\n\n[profile.dev.build-override]\nopt-level = 3\n",
        );
        write(&dir.join("src/main.rs"), REFINERY_MAIN);
        let file = |i: usize| dir.join(format!("migrations/V{}__m.sql", i + 1));
        for i in 0..n {
            write(&file(i), &format!("{};\n", sql(i).0));
        }
        let edited_index = n / 2;
        App {
            name: "refinery",
            label: "refinery",
            edited: (
                file(edited_index),
                Box::new(move |round| edited_sql(edited_index, round)),
            ),
            target: out.join("target"),
            dir,
        }
    }

    fn edit(&self, round: usize) {
        write(&self.edited.0, &(self.edited.1)(round));
    }

    /// Builds the app; returns how long cargo took.
    fn build(&self, release: bool) -> Duration {
        let mut command = Command::new("cargo");
        command.args(["build", "--quiet"]);
        if release {
            command.arg("--release");
        }
        let started = Instant::now();
        let status = command
            .current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", &self.target)
            .status()
            .unwrap();
        assert!(status.success(), "building {}", self.name);
        started.elapsed()
    }

    fn binary(&self) -> PathBuf {
        self.target
            .join("release")
            .join(format!("{}_app", self.name))
    }

    fn run(&self, args: &[&str]) -> String {
        let output = Command::new(self.binary()).args(args).output().unwrap();
        assert!(
            output.status.success(),
            "{} {args:?}: {}",
            self.name,
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    fn binary_size(&self) -> u64 {
        std::fs::metadata(self.binary())
            .map(|m| m.len())
            .unwrap_or(0)
    }
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

const MIGRATE_MAIN: &str = r#"use std::time::Instant;
use migrate_runtime::{AnyConnection, Migrator, Target};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mut conn = AnyConnection::establish(&args[2]).unwrap();
    match args[1].as_str() {
        "apply" => {
            let started = Instant::now();
            let migrator = Migrator::new(&migrate_app::MIGRATIONS).unwrap();
            migrator.upgrade(&mut conn, Target::Head).unwrap();
            println!("{} {}", started.elapsed().as_secs_f64(), peak_kib());
        }
        "startup" => {
            let mut times = Vec::new();
            for _ in 0..args[3].parse::<usize>().unwrap() {
                let started = Instant::now();
                let migrator = Migrator::new(&migrate_app::MIGRATIONS).unwrap();
                assert!(migrator.upgrade(&mut conn, Target::Head).unwrap().is_empty());
                times.push(started.elapsed());
            }
            times.sort();
            println!("{}", times[times.len() / 2].as_secs_f64());
        }
        "peak" => {
            let migrator = Migrator::new(&migrate_app::MIGRATIONS).unwrap();
            assert!(migrator.upgrade(&mut conn, Target::Head).unwrap().is_empty());
            println!("{}", peak_kib());
        }
        _ => {
            let migrator = Migrator::new(&migrate_app::MIGRATIONS).unwrap();
            assert!(migrator.upgrade(&mut conn, Target::Head).unwrap().is_empty());
        }
    }
}

/// The process's peak resident memory, in KiB (Linux's `VmHWM`).
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find_map(|line| line.strip_prefix("VmHWM:")).unwrap();
    line.trim().trim_end_matches("kB").trim().parse().unwrap()
}
"#;

const DIESEL_MAIN: &str = r#"use std::time::Instant;
use diesel::{Connection, PgConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mut conn = PgConnection::establish(&args[2]).unwrap();
    match args[1].as_str() {
        "apply" => {
            let started = Instant::now();
            conn.run_pending_migrations(MIGRATIONS).unwrap();
            println!("{} {}", started.elapsed().as_secs_f64(), peak_kib());
        }
        "startup" => {
            let mut times = Vec::new();
            for _ in 0..args[3].parse::<usize>().unwrap() {
                let started = Instant::now();
                assert!(conn.run_pending_migrations(MIGRATIONS).unwrap().is_empty());
                times.push(started.elapsed());
            }
            times.sort();
            println!("{}", times[times.len() / 2].as_secs_f64());
        }
        "peak" => {
            assert!(conn.run_pending_migrations(MIGRATIONS).unwrap().is_empty());
            println!("{}", peak_kib());
        }
        _ => {
            assert!(conn.run_pending_migrations(MIGRATIONS).unwrap().is_empty());
        }
    }
}

/// The process's peak resident memory, in KiB (Linux's `VmHWM`).
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find_map(|line| line.strip_prefix("VmHWM:")).unwrap();
    line.trim().trim_end_matches("kB").trim().parse().unwrap()
}
"#;

const SQLX_MAIN: &str = r#"use std::time::Instant;
use sqlx::migrate::Migrator;
use sqlx::{Connection, PgConnection};

static MIGRATOR: Migrator = sqlx::migrate!();

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mut conn = PgConnection::connect(&args[2]).await.unwrap();
    match args[1].as_str() {
        "apply" => {
            let started = Instant::now();
            MIGRATOR.run(&mut conn).await.unwrap();
            println!("{} {}", started.elapsed().as_secs_f64(), peak_kib());
        }
        "startup" => {
            let mut times = Vec::new();
            for _ in 0..args[3].parse::<usize>().unwrap() {
                let started = Instant::now();
                MIGRATOR.run(&mut conn).await.unwrap();
                times.push(started.elapsed());
            }
            times.sort();
            println!("{}", times[times.len() / 2].as_secs_f64());
        }
        "peak" => {
            MIGRATOR.run(&mut conn).await.unwrap();
            println!("{}", peak_kib());
        }
        _ => {
            MIGRATOR.run(&mut conn).await.unwrap();
        }
    }
}

/// The process's peak resident memory, in KiB (Linux's `VmHWM`).
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find_map(|line| line.strip_prefix("VmHWM:")).unwrap();
    line.trim().trim_end_matches("kB").trim().parse().unwrap()
}
"#;

const REFINERY_MAIN: &str = r#"use std::time::Instant;
use postgres::{Client, NoTls};

mod embedded {
    refinery::embed_migrations!("migrations");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mut client = Client::connect(&args[2], NoTls).unwrap();
    match args[1].as_str() {
        "apply" => {
            let started = Instant::now();
            embedded::migrations::runner().run(&mut client).unwrap();
            println!("{} {}", started.elapsed().as_secs_f64(), peak_kib());
        }
        "startup" => {
            let mut times = Vec::new();
            for _ in 0..args[3].parse::<usize>().unwrap() {
                let started = Instant::now();
                let report = embedded::migrations::runner().run(&mut client).unwrap();
                assert!(report.applied_migrations().is_empty());
                times.push(started.elapsed());
            }
            times.sort();
            println!("{}", times[times.len() / 2].as_secs_f64());
        }
        "peak" => {
            let report = embedded::migrations::runner().run(&mut client).unwrap();
            assert!(report.applied_migrations().is_empty());
            println!("{}", peak_kib());
        }
        _ => {
            let report = embedded::migrations::runner().run(&mut client).unwrap();
            assert!(report.applied_migrations().is_empty());
        }
    }
}

/// The process's peak resident memory, in KiB (Linux's `VmHWM`).
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find_map(|line| line.strip_prefix("VmHWM:")).unwrap();
    line.trim().trim_end_matches("kB").trim().parse().unwrap()
}
"#;
