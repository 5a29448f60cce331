//! The runtime's errors: each names the migration involved and the way out.

use migrate_core::graph::GraphError;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("no migration is registered under `{module}`: is a `migration!` declared in a module below it, and is that module declared with `mod`?")]
    NothingRegistered { module: &'static str },
    #[error("the migration graph is invalid:\n{}", .0.iter().map(|e| format!("  - {e}")).collect::<Vec<_>>().join("\n"))]
    Graph(Vec<GraphError>),
}
