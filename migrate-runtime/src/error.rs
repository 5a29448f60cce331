//! The runtime's errors: each names the migration involved and the way out.

use std::time::Duration;

use migrate_core::graph::GraphError;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("no migration is registered under `{module}`: is a `migration!` declared in a module below it, and is that module declared with `mod`?")]
    NothingRegistered { module: &'static str },
    #[error("the migration graph is invalid:\n{}", .0.iter().map(|e| format!("  - {e}")).collect::<Vec<_>>().join("\n"))]
    Graph(Vec<GraphError>),
    #[error("cannot connect to {url}: {source}")]
    Connect {
        url: String,
        source: diesel::ConnectionError,
    },
    #[error(
        "{url} needs the `{feature}` feature of migrate-runtime, which this build does not enable"
    )]
    UnsupportedUrl { url: String, feature: &'static str },
    #[error("the migrations of `{module}` were not checked for {backend}: add `targets = [\"{target}\"]` (with your other backends) to `[package.metadata.migrate]` in the Cargo.toml of the crate that declares `migrations!()`, and rebuild, so the compiler checks them with {backend}'s rules before they run there")]
    NotCheckedFor {
        backend: &'static str,
        target: &'static str,
        module: &'static str,
    },
    #[error("{url:?} is not a database URL: {expected}")]
    InvalidUrl { url: String, expected: String },
    #[error("cannot {action} {path}: {source}")]
    File {
        action: &'static str,
        path: String,
        source: std::io::Error,
    },
    #[error("database error while {context}: {source}")]
    Database {
        context: String,
        source: diesel::result::Error,
    },
    #[error(transparent)]
    Step(Box<StepError>),
    #[error("migration {id} was edited after it was applied (checksum {recorded} in the database, {current} in this build); restore it and write a new migration for the change, or, if the database already has what the edit says, record the edit with `migrate repair {id}`")]
    Drift {
        id: String,
        recorded: String,
        current: String,
    },
    #[error("the database has migrations these migrations do not have: {}; {}", ids.join(", "), if *newer_build { "a newer build of the app applied them: deploy that build, or downgrade with it before deploying this one" } else { "a newer build of the app applied them, or another set of migrations shares this database" })]
    UnknownApplied {
        ids: Vec<String>,
        /// The rows were recorded by these migrations (`false`: by a version that kept no owner).
        newer_build: bool,
    },
    #[error("cannot downgrade {id} while the database has migrations this build does not have ({}): they are newer migrations, which may build on {id}, and only the build that has them can undo them; downgrade with that build first, below them", unknown.join(", "))]
    DowngradeBelowUnknown {
        /// The first migration the downgrade would undo.
        id: String,
        unknown: Vec<String>,
    },
    #[error("the database's version table also records migrations of `{owner}` ({}), which `{ours}` does not have: two sets of migrations share this database; give each app its own database (or schema)", ids.join(", "))]
    ForeignApplied {
        owner: String,
        ours: String,
        ids: Vec<String>,
    },
    #[error("migration {id} in the database was applied by the migrations of `{owner}`, not by `{ours}`, which has a different migration of the same id: two sets of migrations share this database; give each app its own database (or schema), or rename one of the ids")]
    SharedId {
        id: String,
        owner: String,
        ours: String,
    },
    #[error("migration {id} is recorded as applied but its parent {parent} is not: the version table was edited by hand; if the schema has {parent}'s changes, record them with `migrate stamp {stamp}`, otherwise restore the deleted version row")]
    MissingParent {
        id: String,
        parent: String,
        /// The applied head above `id`: stamping it records the parent and keeps every row.
        stamp: String,
    },
    #[error("the database applied {} of the {} migrations that {id} replaces ({}; not {}): this build has only {id}, which runs the whole range or nothing; upgrade with a build that still has the migrations {id} replaces first (to {} at least), then deploy this one", applied.len(), applied.len() + missing.len(), applied.join(", "), missing.join(", "), missing.last().map(String::as_str).unwrap_or_default())]
    PartlySquashed {
        /// The squash.
        id: String,
        /// The migrations it replaces that the version table records, and the others.
        applied: Vec<String>,
        missing: Vec<String>,
    },
    #[error("migration {id} was interrupted after {steps_done} of its steps ({direction}) and has been edited since (checksum {recorded} then, {current} now): resuming would record steps that never ran; restore the migration as it was and rerun to finish it, or undo its completed steps by hand and run `migrate stamp` to clear its progress")]
    InterruptedEdited {
        id: String,
        direction: &'static str,
        steps_done: usize,
        recorded: String,
        current: String,
    },
    #[error("migration {id} was interrupted while going {direction} after {steps_done} of its steps; finish it before anything else: {finish}")]
    InterruptedElsewhere {
        id: String,
        direction: &'static str,
        steps_done: usize,
        finish: String,
    },
    #[error("migration {id} is not applied, so there is no record of it to repair; `migrate upgrade` applies it")]
    NotApplied { id: String },
    #[error("migration {id} is recorded as the migrations it replaces ({}), applied before it existed: their definitions are not in this build, so there is no edit of {id} to repair", replaced.join(", "))]
    RecordedAsReplaced { id: String, replaced: Vec<String> },
    #[error("unknown revision {revision:?}{}", suggestion.as_ref().map(|s| format!("; did you mean {s:?}?")).unwrap_or_default())]
    UnknownRevision {
        revision: String,
        suggestion: Option<String>,
    },
    #[error("revision {revision:?} is ambiguous: it starts {}", candidates.join(", "))]
    AmbiguousRevision {
        revision: String,
        candidates: Vec<String>,
    },
    #[error("multiple heads: {} — create a merge migration (`parents: [...]`), or upgrade to `heads`", heads.join(", "))]
    MultipleHeads { heads: Vec<String> },
    #[error("`{target}` is not a target for {direction}")]
    WrongDirection {
        target: String,
        direction: &'static str,
    },
    #[error("migration {id} cannot be downgraded: {reason}")]
    Irreversible { id: String, reason: String },
    #[error(
        "gave up waiting for the migration lock after {waited:?}: another instance is migrating{}",
        holder.as_ref().map(|holder| format!(" ({holder})")).unwrap_or_default()
    )]
    LockTimeout {
        waited: Duration,
        /// Who holds the lock, where the database says (PostgreSQL).
        holder: Option<String>,
    },
    #[error("the database is not at head: {} pending ({}); `migrate upgrade` first, so the migration written is the difference from the migrations, not from the database's past", pending.len(), pending.join(", "))]
    NotAtHead { pending: Vec<String> },
}

/// A migration's step failed: where, with what SQL, the server's message, and what it left.
#[derive(Debug, thiserror::Error)]
#[error(
    "migration {migration} failed at op {op_number} `{op}`: {message}\n  SQL: {sql}\n  {outcome}{}",
    completed_before(completed)
)]
#[non_exhaustive]
pub struct StepError {
    pub migration: String,
    /// 1-based, in the op list that ran (the upgrade, or the downgrade).
    pub op_number: usize,
    pub op: String,
    pub sql: String,
    pub message: String,
    /// What the failure left: rolled back whole, or how far a step-by-step run got.
    pub outcome: String,
    /// The migrations of the same run that completed before this one, in order; they stay.
    pub completed: Vec<String>,
}

fn completed_before(completed: &[String]) -> String {
    match completed {
        [] => String::new(),
        ids => format!(
            "\n  completed before it in this run, and kept: {}",
            ids.join(", ")
        ),
    }
}
