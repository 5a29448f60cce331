//! The command line, as clap derives it. The doc comments here are the `--help` text: the first
//! line of each is the short help, the rest shows under `--help`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use migrate_core::fold::autogenerate::Rename;
use migrate_core::render::Dialect;

use crate::{SqlRange, Target};

/// Apply, undo, inspect and scaffold the database migrations.
#[derive(Debug, Parser)]
#[command(name = "migrate", after_help = TARGETS)]
pub struct MigrateArgs {
    #[command(subcommand)]
    pub command: Command,

    /// Database URL: postgres://user@host/db, mysql://user@host/db, or an SQLite file path
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,

    /// Give up after waiting this many seconds for another instance's migration lock (default:
    /// wait as long as it takes)
    #[arg(long, value_name = "SECS", value_parser = seconds, global = true)]
    pub lock_wait: Option<Duration>,

    /// Print nothing on success; errors still go to stderr
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// Go on when the database has migrations this build does not have (a newer build applied
    /// them, and its deploy was rolled back); a downgrade still refuses
    #[arg(long, global = true, env = "MIGRATE_ALLOW_UNKNOWN", hide_env_values = true, value_parser = clap::builder::BoolishValueParser::new())]
    pub allow_unknown: bool,
}

/// Shown under every `--help`: an app that mounts the CLI replaces the description above, not this.
const TARGETS: &str =
    "Targets: an id or a unique prefix of one (0003), head (the single head), heads (every \
branch), base (nothing applied), +N or -N (relative to what is applied).";

/// One `migrate` command.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply the migrations a target needs (default: head)
    ///
    /// Prints one line per migration applied, with the time it took. With several heads, `head`
    /// is an error: apply every branch with `heads`, or create a merge migration (`merge`).
    Upgrade {
        /// head, heads, an id or unique prefix, or +N
        #[arg(default_value = "head", allow_hyphen_values = true)]
        target: Target,
    },
    /// Undo migrations, newest first, down to a target
    ///
    /// `-N` undoes the last N, an id undoes everything built on it (keeping it), `base` undoes
    /// everything.
    Downgrade {
        /// -N, an id or unique prefix to go back to, or base
        #[arg(allow_hyphen_values = true)]
        target: Target,
    },
    /// Show the applied migrations nothing applied builds on
    Current(Output),
    /// List every migration, parents first, marking the applied ones
    History {
        /// Also show parents, mode, checksum and the doc comment
        #[arg(long, short)]
        verbose: bool,
        #[command(flatten)]
        output: Output,
    },
    /// Show the migrations no other migration builds on
    Heads(Output),
    /// Show what is applied and what an upgrade to every head would run
    Status(Output),
    /// Print the SQL of a range of migrations, without a database
    ///
    /// `base:head` (or `head`) upgrades an empty database, `0002:0004` upgrades a database at 0002
    /// to 0004, `0004:0002` is the downgrade from 0004 back to 0002. The statements are the ones
    /// an upgrade or downgrade runs, without the runtime's bookkeeping (transactions, timeouts,
    /// the version table).
    ///
    /// A range with steps that have no fixed SQL (a Rust data step, an SQLite table rebuild) is
    /// refused, naming them, unless --allow-partial is given.
    Sql {
        /// from:to, or to alone for base:to
        #[arg(allow_hyphen_values = true)]
        range: SqlRange,
        /// The SQL dialect (default: the one of --database-url)
        #[arg(long, value_enum)]
        dialect: Option<DialectArg>,
        /// Print the script even when steps without SQL are missing from it (as comments where
        /// they run); they are still listed on stderr
        #[arg(long)]
        allow_partial: bool,
    },
    /// Print the schema the migrations build, without a database
    ///
    /// The chain folded up to a revision (default: every head): the DDL that builds it on an
    /// empty database, or with --diesel the `schema.rs` that `diesel print-schema` would print for
    /// a database migrated there. Tables that raw SQL defines are listed, not guessed.
    Schema {
        /// An id or unique prefix (default: every head)
        revision: Option<String>,
        /// The SQL dialect (default: the one of --database-url, else postgres)
        #[arg(long, value_enum)]
        dialect: Option<DialectArg>,
        /// Print the diesel `table!` module instead of DDL
        #[arg(long)]
        diesel: bool,
        #[command(flatten)]
        output: Output,
    },
    /// Record the database as being at a target without running anything
    ///
    /// Records the target and everything it depends on as applied, and removes the records of
    /// migrations built on it: to adopt a database whose schema is already there, or to repair
    /// the version table.
    Stamp {
        /// An id or unique prefix, head, heads, or base
        #[arg(allow_hyphen_values = true)]
        target: Target,
    },
    /// Record an applied migration edited on purpose as this build has it, showing the edit
    ///
    /// An applied migration edited since is drift, which `upgrade` and `check` refuse. When the
    /// database already has what the edit says (the fix was also made by hand, or the edit only
    /// restates what the schema is), `repair` records this build's checksum and definition in its
    /// place. It runs nothing. It prints the migration's definition as applied against this
    /// build's, in the canonical text the checksums hash (a row recorded by an earlier version of
    /// migrate kept its checksum only: then this build's definition alone).
    Repair {
        /// The applied migration: an id or unique prefix
        revision: String,
        /// Show the edit and record nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Create, drop, or drop and re-create the database the URL names
    ///
    /// PostgreSQL databases are created and dropped from the `postgres` database of the same
    /// server, MySQL and MariaDB ones from a connection to the server without a database; an
    /// SQLite database is its file. Creating a database that exists, and dropping one that does
    /// not, do nothing and say so.
    #[command(subcommand)]
    Database(DatabaseCommand),
    /// Check the graph, and with a database: drift and pending migrations
    ///
    /// Fails when the graph has several heads, when an applied migration was edited since (drift),
    /// when the database holds migrations this build does not know (unless --allow-unknown), or
    /// when migrations are pending. The compile-time checks already passed: this binary was built.
    ///
    /// With --autogenerate, fails when the migrations do not build the target's schema (the
    /// database, or --from-diesel's schema.rs), listing the ops `new --autogenerate` would write:
    /// the "models changed but no migration written" check for CI.
    Check {
        #[command(flatten)]
        autogenerate: Autogenerate,
    },
    /// Write a new migration file on the current head, and register it
    ///
    /// The id is the next sequence number after the highest one, then a slug of the message. In a
    /// `migrations/` folder the file is all; with `mod` lines, the line goes into the file that
    /// declares `migrations!()`.
    ///
    /// With --autogenerate, the migration holds the ops that take the schema the migrations build
    /// to a target's: a database changed by hand (--from-database, default --database-url), or a
    /// diesel schema.rs (--from-diesel). Ops are written in their safe forms (a NOT NULL column
    /// is added nullable, backfilled with a `todo("…")` value for you to decide, then constrained;
    /// an index on a table with rows is built concurrently, in a migration of its own); a rename
    /// is never guessed (--rename). With no migrations yet, it writes the baseline of an
    /// existing database, keeping its names, to be recorded with `migrate stamp`.
    New {
        /// What the migration does; becomes its doc comment and its id's slug
        #[arg(long, short)]
        message: String,
        #[command(flatten)]
        dir: Dir,
        #[command(flatten)]
        autogenerate: Autogenerate,
    },
    /// Write a migration joining two or more branches, and register it
    Merge {
        /// What the merge brings together; becomes its doc comment and its id's slug
        #[arg(long, short)]
        message: String,
        /// The heads to join (ids or unique prefixes)
        #[arg(required = true, num_args = 2..)]
        revisions: Vec<String>,
        #[command(flatten)]
        dir: Dir,
    },
    /// Replace a run of migrations by one equal to their fold, and delete their files
    ///
    /// Writes the next migration, `replaces: [...]` the range: it builds the schema the range
    /// builds (typed ops from the fold, then the range's `insert_rows` and `execute` carried, the
    /// latter for review) and lists each step it leaves out (`run`, `backfill`, `delete_rows`).
    /// A new database runs it alone; one that applied the whole range counts it as applied; one
    /// part-way through the range is refused, so upgrade those to the end of the range with the
    /// build that still has it before deploying this one. The range must be one line of the
    /// graph (no merge, no branch leaving it) and start at the first migration (only a new
    /// database, which has no rows, runs a squash from there).
    Squash {
        /// from:to, ids or unique prefixes (`to` may be `head`)
        range: String,
        /// What the squash is; becomes its doc comment and its id's slug (default: `squash`)
        #[arg(long, short)]
        message: Option<String>,
        #[command(flatten)]
        dir: Dir,
    },
}

/// `migrate database <command>`: the database as a whole.
#[derive(Debug, Subcommand)]
pub enum DatabaseCommand {
    /// Create the database, empty (nothing to do when it exists)
    Create,
    /// Drop the database and everything in it (nothing to do when it does not exist)
    Drop(Confirm),
    /// Drop the database, create it again, and upgrade it to head
    Reset(Confirm),
}

/// `--yes`, for the commands that destroy data.
#[derive(Debug, Args)]
pub struct Confirm {
    /// Drop it: the data cannot be recovered, so without this flag nothing is dropped
    #[arg(long, short)]
    pub yes: bool,
}

/// `--json`, for the commands that report.
#[derive(Debug, Args)]
pub struct Output {
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

/// `--dir`, for the commands that write migrations.
#[derive(Debug, Args)]
pub struct Dir {
    /// The folder of the migration files (`src/migrations/`), or the directory whose lib.rs or
    /// mod.rs declares `migrations!()` and `mod` lines (default: the one the app configured)
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

/// `--autogenerate` and where its target comes from.
#[derive(Debug, Args)]
pub struct Autogenerate {
    /// Write (or, with `check`, compare) the difference between the migrations and a target
    #[arg(long)]
    pub autogenerate: bool,
    /// The database whose schema is the target (default: --database-url)
    #[arg(
        long,
        value_name = "URL",
        requires = "autogenerate",
        hide_env_values = true
    )]
    pub from_database: Option<String>,
    /// A diesel schema.rs whose tables are the target (it shows no indexes, constraints or
    /// defaults, so none are changed)
    #[arg(
        long,
        value_name = "PATH",
        requires = "autogenerate",
        conflicts_with = "from_database"
    )]
    pub from_diesel: Option<PathBuf>,
    /// The backend the schema.rs was printed for (default: the one of --database-url, else
    /// postgres)
    #[arg(long, value_enum, requires = "from_diesel")]
    pub dialect: Option<DialectArg>,
    /// A rename, which a difference cannot tell from a drop and an add: `old=new` for a table,
    /// `table.old=new` for a column (of the table as the target names it); repeatable
    #[arg(long, value_name = "OLD=NEW", requires = "autogenerate")]
    pub rename: Vec<Rename>,
}

/// `--dialect`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DialectArg {
    Postgres,
    Sqlite,
    /// MySQL and MariaDB
    #[value(alias = "mariadb")]
    Mysql,
}

impl From<DialectArg> for Dialect {
    fn from(dialect: DialectArg) -> Dialect {
        match dialect {
            DialectArg::Postgres => Dialect::Postgres,
            DialectArg::Sqlite => Dialect::Sqlite,
            DialectArg::Mysql => Dialect::Mysql,
        }
    }
}

/// `--lock-wait 2.5`: seconds, not negative.
fn seconds(text: &str) -> Result<Duration, String> {
    text.parse::<f64>()
        .ok()
        .and_then(|secs| Duration::try_from_secs_f64(secs).ok())
        .ok_or_else(|| format!("`{text}` is not a number of seconds, e.g. 2 or 0.5"))
}
