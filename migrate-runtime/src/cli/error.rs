//! What a command can fail with: the runtime's errors, the CLI's own, and for each a hint saying
//! what to run next where the message alone does not.

use std::path::PathBuf;

use crate::Error;

/// A failed command. Printed as `error: <message>`, then `  hint: …` lines.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    #[error(transparent)]
    Runtime(#[from] Error),
    #[error("`{command}` needs a database: pass --database-url <url> or set DATABASE_URL")]
    NoDatabase { command: &'static str },
    #[error("`sql` needs a dialect: pass --dialect postgres, --dialect mysql or --dialect sqlite")]
    NoDialect,
    #[error("the script of {range} would not do what the migrations do: it leaves out {}:\n  {}", super::sql::steps(missing.len()), missing.join("\n  "))]
    PartialScript {
        range: crate::SqlRange,
        /// Each step as `<migration> op <n> `<op>`: <why>`.
        missing: Vec<String>,
    },
    #[error("the diesel schema module is generated for PostgreSQL and SQLite only, so far; on MySQL, run `diesel print-schema` against a migrated database")]
    NoDieselSchemaForMysql,
    #[error("the database is not up to date: {} pending ({})", ids.len(), ids.join(", "))]
    Pending { ids: Vec<String> },
    #[error("a migration run stopped part-way:\n{report}")]
    Interrupted { report: String },
    #[error("the database's schema is not the one the migrations build:\n  {}", differences.join("\n  "))]
    SchemaDrift { differences: Vec<String> },
    #[error("`{command}` needs the directory of the migrations: pass --dir <path>, the `migrations/` folder that `migrations!()` discovers (or the directory whose lib.rs or mod.rs declares `migrations!()` and lists `mod` lines)")]
    NoDir { command: &'static str },
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is neither a `migrations/` folder nor a directory with a file that declares `migrations!()`: pass --dir <path>, the folder of the migration files", dir.display())]
    NoModuleList { dir: PathBuf },
    #[error("several files in {} declare `migrations!()`: {}; keep one token per migrations module", dir.display(), files.join(", "))]
    SeveralModuleLists { dir: PathBuf, files: Vec<String> },
    #[error("{} declares migration {id:?}, which this build does not have: rebuild the app (`cargo run` does) before writing the next migration", file.display())]
    Stale { file: PathBuf, id: String },
    #[error("{} already exists", path.display())]
    Exists { path: PathBuf },
    #[error("the message {message:?} has no letter or digit to name the migration after")]
    EmptySlug { message: String },
    #[error("nothing to merge: {ancestor} is an ancestor of {descendant}")]
    NotDivergent {
        ancestor: String,
        descendant: String,
    },
    #[error("`merge` needs two different revisions; {revision} is given twice")]
    SameRevision { revision: String },
    #[error("`database {command}` drops the database {database} and everything in it, for good; pass --yes (-y) to do it")]
    NotConfirmed {
        command: &'static str,
        database: String,
    },
    #[error("{}:{line}:{column}: {message}", path.display())]
    DieselSchema {
        /// The diesel `schema.rs` that was read.
        path: PathBuf,
        /// 1-based, as editors count.
        line: usize,
        column: usize,
        message: String,
    },
    #[error("the migrations do not build {target}'s schema; `migrate new --autogenerate` would write:\n{}", ops.iter().map(|op| format!("  {op}")).collect::<Vec<_>>().join("\n"))]
    Ungenerated {
        target: String,
        ops: Vec<String>,
        /// `--rename …` for each drop beside an add that may be a rename.
        renames: Vec<String>,
    },
    #[error("{}", reasons.join("; "))]
    Rename { reasons: Vec<String> },
    #[error("cannot write to stdout: {0}")]
    Stdout(std::io::Error),
    #[error("`{text}` is not a range to squash: write <from>:<to>, as in 0001:0008")]
    NotARange { text: String },
    #[error("cannot squash {range}: {error}")]
    Squash {
        range: String,
        error: migrate_core::squash::SquashError,
    },
    #[error("no file of {} declares migration {id}, so `squash` cannot delete it: pass --dir <path>, the folder of the migration files", dir.display())]
    NoFileOf { id: String, dir: PathBuf },
    #[error("{} declares migration {id} and other code: `squash` deletes the file of each migration it replaces, so each must be alone in its file; move the rest out first", file.display())]
    NotAloneInFile { id: String, file: PathBuf },
}

impl CliError {
    /// What to do next, when the message does not say it already.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            CliError::Runtime(Error::MultipleHeads { heads }) => format!(
                "join them with `migrate merge -m \"<message>\" {}`, or apply every branch with `migrate upgrade heads`",
                heads.join(" ")
            ),
            CliError::Runtime(Error::UnknownRevision { .. })
            | CliError::Runtime(Error::AmbiguousRevision { .. }) => {
                "`migrate history` lists every revision".to_owned()
            }
            CliError::Runtime(Error::Connect { .. }) => {
                "is the server running, and is the URL (--database-url or DATABASE_URL) right?"
                    .to_owned()
            }
            CliError::Runtime(Error::UnknownApplied { .. }) => {
                "if this build is older on purpose (a deploy rolled back), pass --allow-unknown (or set MIGRATE_ALLOW_UNKNOWN=true) to go on without them; `migrate history` lists them".to_owned()
            }
            CliError::Runtime(Error::PartlySquashed { id, .. }) => format!(
                "if the database already has everything {id} builds (the rest was applied by hand), record it with `migrate stamp {id}`"
            ),
            CliError::Runtime(Error::LockTimeout { .. }) => {
                "wait for the other instance to finish, or pass a longer --lock-wait".to_owned()
            }
            CliError::Pending { .. } => "apply them with `migrate upgrade`".to_owned(),
            CliError::PartialScript { .. } => {
                "let `migrate upgrade` (or `downgrade`) run the range; or pass --allow-partial to print the script with these steps as comments, and do them yourself before `migrate stamp`".to_owned()
            }
            CliError::SchemaDrift { .. } => {
                "write a migration for a change that should stay (`migrate schema` prints what the migrations build), or undo it by hand".to_owned()
            }
            CliError::DieselSchema { .. } => {
                "the file is read as `diesel print-schema` writes it: `table!`s, `joinable!`s, `allow_tables_to_appear_in_same_query!` and a `sql_types` module".to_owned()
            }
            CliError::Ungenerated { renames, .. } => {
                let mut hint = "write the migration with `migrate new --autogenerate -m \"<message>\"` (with the same source), review it and commit it".to_owned();
                if !renames.is_empty() {
                    hint.push_str(&format!("; a drop beside an add may be a rename, which is never guessed: if so, add {}", renames.join(" ")));
                }
                hint
            }
            CliError::Runtime(Error::NotAtHead { .. }) => {
                "autogenerate compares the migrations at head with the database: upgrade it first".to_owned()
            }
            CliError::Rename { .. } => {
                "`--rename old=new` renames a table, `--rename table.old=new` a column of the table as the target names it; `migrate new --autogenerate` without it lists the drops and adds it saw".to_owned()
            }
            CliError::Interrupted { .. } => {
                "`migrate status` shows it; finish it with the command named above".to_owned()
            }
            _ => return None,
        })
    }
}
