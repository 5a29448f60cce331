//! `sql`: the script of a range, without a database, from the function a real run uses
//! ([`Migrator::sql`](crate::Migrator::sql)).

use migrate_core::render::Dialect;

use super::{CliError, Context, DialectArg};
use crate::SqlRange;

pub(super) fn sql(
    context: &Context<'_>,
    range: &SqlRange,
    dialect: Option<DialectArg>,
) -> Result<String, CliError> {
    // Without `--dialect`, the database URL says which, without connecting to it.
    let dialect = match (dialect, context.database_url.as_deref()) {
        (Some(dialect), _) => Dialect::from(dialect),
        (None, Some(url)) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Dialect::Postgres
        }
        (None, Some(_)) => Dialect::Sqlite,
        (None, None) => return Err(CliError::NoDialect),
    };
    let script = context.migrator()?.sql(range, dialect)?;
    if script.is_empty() {
        return Ok(format!("-- nothing to run from {range}\n"));
    }
    Ok(script)
}
