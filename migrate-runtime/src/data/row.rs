//! [`Row`]: one row of a data step's query, its columns read as [`Value`]s by name.
//!
//! Diesel reads rows into types whose columns and SQL types are declared up front
//! (`#[derive(QueryableByName)]`), per backend. A data step's query is a string, and one that
//! runs on three backends, so its row is read the way a dynamic driver reads one: each column by
//! the type the server reports for it, into one of the [`Value`] kinds. What has no such kind
//! (timestamps, `numeric`, …) is an error naming the column and the cast that reads it.

use diesel::deserialize::{self, QueryableByName};
use diesel::row::{Field, NamedRow};

use super::value::{FromValue, Value};
use super::DataError;

/// One row a data step's [`query`](super::DataConnection::query) returned.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    columns: Vec<(String, Value)>,
}

impl Row {
    /// The value of `column`, converted to `T`: `row.get::<i64>("id")?`,
    /// `row.get::<Option<String>>("bio")?`.
    ///
    /// ```
    /// # use migrate_runtime::data::DataError;
    /// # let mut sqlite = <diesel::SqliteConnection as diesel::Connection>::establish(":memory:").unwrap();
    /// # let mut conn = migrate_runtime::DataConnection::Sqlite(&mut sqlite);
    /// let rows = conn.query("SELECT 7 AS id, 'Ada' AS name, NULL AS bio", &[])?;
    /// assert_eq!(rows[0].get::<i64>("id")?, 7);
    /// assert_eq!(rows[0].get::<String>("name")?, "Ada");
    /// assert_eq!(rows[0].get::<Option<String>>("bio")?, None);
    /// assert_eq!(
    ///     rows[0].get::<String>("bio").unwrap_err().to_string(),
    ///     "column `bio` is NULL: read it as `Option<String>`"
    /// );
    /// # Ok::<(), DataError>(())
    /// ```
    pub fn get<T: FromValue>(&self, column: &str) -> Result<T, DataError> {
        let Some(value) = self.value(column) else {
            return Err(DataError::NoSuchColumn {
                column: column.to_owned(),
                columns: self.columns.iter().map(|(name, _)| name.clone()).collect(),
            });
        };
        T::from_value(value).ok_or_else(|| DataError::WrongType {
            column: column.to_owned(),
            found: value.clone(),
            expected: T::EXPECTED,
        })
    }

    /// The value of `column`, if the row has one by that name.
    pub fn value(&self, column: &str) -> Option<&Value> {
        self.columns
            .iter()
            .find(|(name, _)| name == column)
            .map(|(_, value)| value)
    }

    /// The columns in the order of the query, with their values.
    pub fn columns(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.columns
            .iter()
            .map(|(name, value)| (name.as_str(), value))
    }
}

/// A column whose type has no [`Value`] kind; `query` turns it into [`DataError::UnreadableType`].
#[derive(Debug)]
pub(super) struct UnreadableColumn {
    pub(super) column: String,
    pub(super) type_name: TypeName,
}

/// The type of an unreadable column as the row saw it: PostgreSQL reports only a type oid, whose
/// name `query` looks up.
#[derive(Debug)]
pub(super) enum TypeName {
    #[cfg(feature = "postgres")]
    PostgresOid(u32),
    #[cfg_attr(not(feature = "mysql"), allow(dead_code))]
    Known(&'static str),
}

impl std::fmt::Display for UnreadableColumn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "column `{}` has no Value kind", self.column)
    }
}

impl std::error::Error for UnreadableColumn {}

/// Reads every field of `row` with `decode`, which gets the column name and the raw value.
fn build<'a, DB, R>(
    row: &R,
    decode: impl Fn(&str, DB::RawValue<'_>) -> deserialize::Result<Value>,
) -> deserialize::Result<Row>
where
    DB: diesel::backend::Backend,
    R: NamedRow<'a, DB>,
{
    let mut columns = Vec::with_capacity(row.field_count());
    for index in 0..row.field_count() {
        let field = diesel::row::Row::get(row, index).ok_or("a column vanished from its row")?;
        let name = field.field_name().unwrap_or_default().to_owned();
        let value = match field.value() {
            None => Value::Null,
            Some(raw) => decode(&name, raw)?,
        };
        columns.push((name, value));
    }
    Ok(Row { columns })
}

#[cfg(any(feature = "postgres", feature = "mysql"))]
fn unreadable(column: &str, type_name: TypeName) -> Box<dyn std::error::Error + Send + Sync> {
    Box::new(UnreadableColumn {
        column: column.to_owned(),
        type_name,
    })
}

#[cfg(feature = "postgres")]
impl QueryableByName<diesel::pg::Pg> for Row {
    fn build<'a>(row: &impl NamedRow<'a, diesel::pg::Pg>) -> deserialize::Result<Row> {
        use diesel::deserialize::FromSql;
        use diesel::pg::Pg;
        use diesel::sql_types::{BigInt, Binary, Bool, Double, Float, Integer, SmallInt, Text};
        build::<Pg, _>(row, |column, raw| {
            // The oids of the built-in types (`pg_type.h`); every other type, enums included, is
            // read by casting it in the query.
            Ok(match raw.get_oid().get() {
                16 => Value::Bool(<bool as FromSql<Bool, Pg>>::from_sql(raw)?),
                20 => Value::Int(<i64 as FromSql<BigInt, Pg>>::from_sql(raw)?),
                21 => Value::Int(<i16 as FromSql<SmallInt, Pg>>::from_sql(raw)?.into()),
                23 => Value::Int(<i32 as FromSql<Integer, Pg>>::from_sql(raw)?.into()),
                700 => Value::Float(<f32 as FromSql<Float, Pg>>::from_sql(raw)?.into()),
                701 => Value::Float(<f64 as FromSql<Double, Pg>>::from_sql(raw)?),
                // text, varchar, bpchar, name, unknown, json: text on the wire.
                25 | 1043 | 1042 | 19 | 705 | 114 => {
                    Value::Text(<String as FromSql<Text, Pg>>::from_sql(raw)?)
                }
                17 => Value::Bytes(<Vec<u8> as FromSql<Binary, Pg>>::from_sql(raw)?),
                oid => return Err(unreadable(column, TypeName::PostgresOid(oid))),
            })
        })
    }
}

#[cfg(feature = "sqlite")]
impl QueryableByName<diesel::sqlite::Sqlite> for Row {
    fn build<'a>(row: &impl NamedRow<'a, diesel::sqlite::Sqlite>) -> deserialize::Result<Row> {
        use diesel::sqlite::{Sqlite, SqliteType};
        // SQLite types values, not columns: each is read by its storage class.
        build::<Sqlite, _>(row, |_, mut raw| {
            Ok(match raw.value_type() {
                None => Value::Null,
                Some(SqliteType::Text) => Value::Text(raw.read_text().to_owned()),
                Some(SqliteType::Binary) => Value::Bytes(raw.read_blob().to_vec()),
                Some(SqliteType::Float | SqliteType::Double) => Value::Float(raw.read_double()),
                Some(SqliteType::SmallInt | SqliteType::Integer | SqliteType::Long) => {
                    Value::Int(raw.read_long())
                }
            })
        })
    }
}

#[cfg(feature = "mysql")]
impl QueryableByName<diesel::mysql::Mysql> for Row {
    fn build<'a>(row: &impl NamedRow<'a, diesel::mysql::Mysql>) -> deserialize::Result<Row> {
        use diesel::deserialize::FromSql;
        use diesel::mysql::{Mysql, MysqlType};
        use diesel::sql_types::{BigInt, Binary, Double, Text};
        build::<Mysql, _>(row, |column, raw| {
            Ok(match raw.value_type() {
                MysqlType::Tiny
                | MysqlType::UnsignedTiny
                | MysqlType::Short
                | MysqlType::UnsignedShort
                | MysqlType::Long
                | MysqlType::UnsignedLong
                | MysqlType::LongLong
                | MysqlType::UnsignedLongLong => {
                    Value::Int(<i64 as FromSql<BigInt, Mysql>>::from_sql(raw)?)
                }
                MysqlType::Float | MysqlType::Double => {
                    Value::Float(<f64 as FromSql<Double, Mysql>>::from_sql(raw)?)
                }
                MysqlType::String | MysqlType::Enum | MysqlType::Set => {
                    Value::Text(<String as FromSql<Text, Mysql>>::from_sql(raw)?)
                }
                MysqlType::Blob | MysqlType::Bit => {
                    Value::Bytes(<Vec<u8> as FromSql<Binary, Mysql>>::from_sql(raw)?)
                }
                MysqlType::Numeric => return Err(unreadable(column, TypeName::Known("DECIMAL"))),
                MysqlType::Date => return Err(unreadable(column, TypeName::Known("DATE"))),
                MysqlType::Time => return Err(unreadable(column, TypeName::Known("TIME"))),
                MysqlType::DateTime => return Err(unreadable(column, TypeName::Known("DATETIME"))),
                MysqlType::Timestamp => {
                    return Err(unreadable(column, TypeName::Known("TIMESTAMP")))
                }
                _ => {
                    return Err(unreadable(
                        column,
                        TypeName::Known("a type a Row cannot read"),
                    ))
                }
            })
        })
    }
}
