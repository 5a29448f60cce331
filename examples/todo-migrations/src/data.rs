//! Rust data steps, registered by `run(up: …, down: …)` in a migration.

use migrate_runtime::DataConnection;

type StepResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// Upgrade data step of `0008_retire_sessions`.
///
/// A no-op placeholder: it does nothing observable and only demonstrates how a Rust data step is
/// registered and found by the runtime.
pub(crate) fn sessions_retired(_connection: &mut DataConnection<'_>) -> StepResult {
    Ok(())
}

/// Downgrade data step of `0008_retire_sessions`.
///
/// A no-op placeholder, the inverse of [`sessions_retired`]: it does nothing observable.
pub(crate) fn sessions_restored(_connection: &mut DataConnection<'_>) -> StepResult {
    Ok(())
}
