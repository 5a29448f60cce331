//! A data step's statement as diesel sends it: the SQL with its placeholders translated, and each
//! [`Value`] bound with the one SQL type its kind has on the backend.

use diesel::backend::Backend;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::sql_types::{BigInt, Binary, Bool, Double, Text};
use migrate_core::render::Dialect;

use super::placeholders::translate;
use super::value::{ToValue, Value};
use super::DataError;

/// The statement to send and the values it binds, in the order its placeholders take them.
pub(super) struct Statement {
    sql: String,
    values: Vec<Value>,
}

impl Statement {
    pub(super) fn new(
        sql: &str,
        params: &[&dyn ToValue],
        dialect: Dialect,
    ) -> Result<Statement, DataError> {
        let translated =
            translate(sql, params.len(), dialect).map_err(|message| DataError::Parameters {
                sql: sql.to_owned(),
                message,
            })?;
        Ok(Statement {
            sql: translated.sql.into_owned(),
            values: translated
                .order
                .iter()
                .map(|&index| params[index].to_value())
                .collect(),
        })
    }

    /// The diesel query for backend `DB`.
    pub(super) fn query<DB: Binds>(self) -> BoxedSqlQuery<'static, DB, SqlQuery> {
        self.values
            .into_iter()
            .fold(diesel::sql_query(self.sql).into_boxed(), DB::bind)
    }
}

/// A backend that binds every [`Value`] kind, each with one SQL type.
pub(super) trait Binds: Backend + Sized {
    fn bind(
        query: BoxedSqlQuery<'static, Self, SqlQuery>,
        value: Value,
    ) -> BoxedSqlQuery<'static, Self, SqlQuery>;
}

/// The kinds bind alike on every backend but `NULL`, which is bound with `$null`.
macro_rules! binds {
    ($backend:ty, null: $null_type:ty = $null:expr) => {
        impl Binds for $backend {
            fn bind(
                query: BoxedSqlQuery<'static, $backend, SqlQuery>,
                value: Value,
            ) -> BoxedSqlQuery<'static, $backend, SqlQuery> {
                match value {
                    Value::Null => query.bind::<$null_type, _>($null),
                    Value::Bool(value) => query.bind::<Bool, _>(value),
                    Value::Int(value) => query.bind::<BigInt, _>(value),
                    Value::Float(value) => query.bind::<Double, _>(value),
                    Value::Text(value) => query.bind::<Text, _>(value),
                    Value::Bytes(value) => query.bind::<Binary, _>(value),
                }
            }
        }
    };
}

/// PostgreSQL: a `NULL` typed `text` would be refused by a column of any other type
/// (`column "n" is of type bigint but expression is of type text`), so it is sent with no type
/// (oid 0) and the server types it from where it is used, as it types a literal `NULL`.
#[cfg(feature = "postgres")]
mod postgres {
    use diesel::pg::Pg;
    use diesel::serialize::{IsNull, Output, ToSql};

    #[derive(diesel::sql_types::SqlType)]
    #[diesel(postgres_type(oid = 0, array_oid = 0))]
    pub(super) struct Untyped;

    #[derive(Debug)]
    pub(super) struct Null;

    impl ToSql<Untyped, Pg> for Null {
        fn to_sql<'b>(&'b self, _: &mut Output<'b, '_, Pg>) -> diesel::serialize::Result {
            Ok(IsNull::Yes)
        }
    }
}

#[cfg(feature = "postgres")]
binds!(diesel::pg::Pg, null: postgres::Untyped = postgres::Null);
// SQLite and MySQL take a `NULL` of any type anywhere.
#[cfg(feature = "sqlite")]
binds!(diesel::sqlite::Sqlite, null: diesel::sql_types::Nullable<Text> = None::<String>);
#[cfg(feature = "mysql")]
binds!(diesel::mysql::Mysql, null: diesel::sql_types::Nullable<Text> = None::<String>);
