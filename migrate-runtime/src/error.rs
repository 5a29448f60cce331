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
    #[error("{url} is not a database URL this build supports (enable the `sqlite` or `postgres` feature)")]
    UnsupportedUrl { url: String },
    #[error("database error while {context}: {source}")]
    Database {
        context: String,
        source: diesel::result::Error,
    },
    #[error("migration {migration} failed at op {op_number} `{op}`: {message}\n  SQL: {sql}\n  nothing of this migration was kept unless it is non-transactional, whose completed ops are recorded and skipped on the next run")]
    Step {
        migration: String,
        op_number: usize,
        op: String,
        sql: String,
        message: String,
    },
    #[error("migration {id} was edited after it was applied (checksum {recorded} in the database, {current} in this build); restore it and write a new migration for the change")]
    Drift {
        id: String,
        recorded: String,
        current: String,
    },
    #[error("the database has migrations this build does not know: {}; is this an older build of the app?", ids.join(", "))]
    UnknownApplied { ids: Vec<String> },
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
        "gave up waiting for the migration lock after {waited:?}: another instance is migrating"
    )]
    LockTimeout { waited: Duration },
}
