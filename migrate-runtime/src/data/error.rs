//! What a data step's call can fail with. Each message names the statement or the column, so the
//! error the runtime reports (with the migration and the op around it) says what to fix.

use super::Value;

/// A failed [`DataConnection`](super::DataConnection) call or [`Row::get`](super::Row::get).
///
/// A data step returns it with `?`: it converts into the step's [`BoxError`](crate::BoxError).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// The placeholders of the SQL and the parameters given do not match.
    #[error("the parameters of `{sql}` do not match: {message}")]
    Parameters { sql: String, message: String },
    /// The database refused the statement.
    #[error("`{sql}` failed: {source}")]
    Database {
        sql: String,
        source: diesel::result::Error,
    },
    /// A column of the result has a type that no [`Value`] holds.
    #[error("column `{column}` of `{sql}` is of type {type_name}, which a Row does not read (it reads NULL, booleans, integers, floats, text and bytes): cast it in the query, e.g. `{cast}`")]
    UnreadableType {
        sql: String,
        column: String,
        type_name: String,
        cast: String,
    },
    /// [`Row::get`](super::Row::get) of a column the row does not have.
    #[error("the row has no column `{column}`; its columns: {}", columns.join(", "))]
    NoSuchColumn {
        column: String,
        columns: Vec<String>,
    },
    /// [`Row::get`](super::Row::get) into a type the value does not convert to.
    #[error("{}", wrong_type(column, found, expected))]
    WrongType {
        column: String,
        found: Value,
        expected: &'static str,
    },
}

fn wrong_type(column: &str, found: &Value, expected: &str) -> String {
    match found {
        Value::Null => format!("column `{column}` is NULL: read it as `Option<{expected}>`"),
        Value::Int(value) => {
            format!("column `{column}` holds the integer {value}, which is not a `{expected}`")
        }
        found => format!(
            "column `{column}` holds {}, which is not a `{expected}`",
            found.kind()
        ),
    }
}
