//! [`Value`]: what a data step binds as a parameter and reads back from a row, the same on every
//! backend.
//!
//! Diesel binds each parameter with a static SQL type per backend (`.bind::<BigInt, _>(…)`), which
//! a data step meant for three backends cannot name once. A handful of value kinds covers what
//! data steps move around, and each maps to one SQL type everywhere: the conversions live here,
//! the binding in `bind.rs`, the reading of rows in `row.rs`.

/// A value a data step binds or reads: one of the kinds every backend stores.
///
/// Parameters are anything that is [`ToValue`] (`&42`, `&"text"`, `&None::<i64>`, …); rows are
/// read back with [`Row::get`](super::Row::get) into anything that is [`FromValue`].
///
/// | kind | bound as | read from |
/// |---|---|---|
/// | `Null` | an untyped `NULL`, which the server types from where it is used | any `NULL` |
/// | `Bool` | `boolean` (SQLite and MySQL store it as an integer 0 or 1) | `boolean` |
/// | `Int` | `bigint` | `smallint`, `integer`, `bigint` (any integer on MySQL) |
/// | `Float` | `double precision` | `real`, `double precision` |
/// | `Text` | `text` | `text`, `varchar`, `char`, `json` (MySQL: `ENUM`, `SET` too) |
/// | `Bytes` | `bytea` / `BLOB` | `bytea` / `BLOB`, `BINARY` |
///
/// Other column types (timestamps, `numeric`, `uuid`, enums on PostgreSQL, …) are cast in the
/// query to one of these, text usually: `CAST(created_at AS text)`. On PostgreSQL a text
/// parameter is `text`, so it is cast where a column of another type receives it
/// (`SET status = $1::todo_status`), as with any driver that binds typed parameters.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    Bytes(Vec<u8>),
}

impl Value {
    /// What the value is, as error messages say it.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "NULL",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Text(_) => "text",
            Value::Bytes(_) => "bytes",
        }
    }
}

/// A Rust value a data step can bind as a parameter: `conn.execute("…", &[&id, &"text"])`.
///
/// Implemented for [`Value`], `bool`, the integers up to `i64` and `u32`, `f32`, `f64`, `str`,
/// `String`, `[u8]`, `Vec<u8>`, references to those, and `Option` of any of them (`None` is
/// `NULL`). Implement it for a type of your own to bind it directly.
pub trait ToValue {
    fn to_value(&self) -> Value;
}

/// A Rust type a column can be read into: `row.get::<i64>("id")`.
///
/// Implemented for [`Value`] (anything), `bool` (also from an integer 0 or 1, which is how SQLite
/// and MySQL store booleans), `i16`, `i32`, `i64`, `u32` (from an integer in range), `f64` (also
/// from an integer), `String`, `Vec<u8>`, and `Option` of those, which reads `NULL` as `None`.
pub trait FromValue: Sized {
    /// The type as error messages name it.
    const EXPECTED: &'static str;

    /// `None` when `value` is not of this type (or out of its range).
    fn from_value(value: &Value) -> Option<Self>;
}

impl ToValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}

impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}

impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToValue::to_value)
    }
}

impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
}

macro_rules! integers_to_value {
    ($($ty:ty),*) => {$(
        impl ToValue for $ty {
            fn to_value(&self) -> Value {
                Value::Int(i64::from(*self))
            }
        }
    )*};
}

integers_to_value!(i8, i16, i32, i64, u8, u16, u32);

impl ToValue for f32 {
    fn to_value(&self) -> Value {
        Value::Float(f64::from(*self))
    }
}

impl ToValue for f64 {
    fn to_value(&self) -> Value {
        Value::Float(*self)
    }
}

impl ToValue for str {
    fn to_value(&self) -> Value {
        Value::Text(self.to_owned())
    }
}

impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
}

impl ToValue for [u8] {
    fn to_value(&self) -> Value {
        Value::Bytes(self.to_vec())
    }
}

impl ToValue for Vec<u8> {
    fn to_value(&self) -> Value {
        Value::Bytes(self.clone())
    }
}

impl FromValue for Value {
    const EXPECTED: &'static str = "Value";

    fn from_value(value: &Value) -> Option<Value> {
        Some(value.clone())
    }
}

impl<T: FromValue> FromValue for Option<T> {
    const EXPECTED: &'static str = T::EXPECTED;

    fn from_value(value: &Value) -> Option<Option<T>> {
        match value {
            Value::Null => Some(None),
            value => T::from_value(value).map(Some),
        }
    }
}

impl FromValue for bool {
    const EXPECTED: &'static str = "bool";

    fn from_value(value: &Value) -> Option<bool> {
        match value {
            Value::Bool(value) => Some(*value),
            Value::Int(0) => Some(false),
            Value::Int(1) => Some(true),
            _ => None,
        }
    }
}

macro_rules! integers_from_value {
    ($($ty:ty),*) => {$(
        impl FromValue for $ty {
            const EXPECTED: &'static str = stringify!($ty);

            fn from_value(value: &Value) -> Option<$ty> {
                match value {
                    Value::Int(value) => <$ty>::try_from(*value).ok(),
                    _ => None,
                }
            }
        }
    )*};
}

integers_from_value!(i16, i32, i64, u32);

impl FromValue for f64 {
    const EXPECTED: &'static str = "f64";

    /// Also from an integer: SQLite stores a whole number in a `numeric` column as one (beyond
    /// 2^53 the float is the nearest one, as in the database's own conversion).
    fn from_value(value: &Value) -> Option<f64> {
        match value {
            Value::Float(value) => Some(*value),
            Value::Int(value) => Some(*value as f64),
            _ => None,
        }
    }
}

impl FromValue for String {
    const EXPECTED: &'static str = "String";

    fn from_value(value: &Value) -> Option<String> {
        match value {
            Value::Text(text) => Some(text.clone()),
            _ => None,
        }
    }
}

impl FromValue for Vec<u8> {
    const EXPECTED: &'static str = "Vec<u8>";

    fn from_value(value: &Value) -> Option<Vec<u8>> {
        match value {
            Value::Bytes(bytes) => Some(bytes.clone()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_become_values() {
        let params: [&dyn ToValue; 6] = [
            &7_i32,
            &"a",
            &None::<i64>,
            &Some(2.5),
            &true,
            &b"x".as_slice(),
        ];
        let values: Vec<Value> = params.iter().map(|param| param.to_value()).collect();
        assert_eq!(
            values,
            [
                Value::Int(7),
                Value::Text("a".into()),
                Value::Null,
                Value::Float(2.5),
                Value::Bool(true),
                Value::Bytes(b"x".to_vec())
            ]
        );
    }

    #[test]
    fn values_convert_where_nothing_is_lost() {
        assert_eq!(bool::from_value(&Value::Int(1)), Some(true));
        assert_eq!(bool::from_value(&Value::Int(2)), None);
        assert_eq!(i32::from_value(&Value::Int(i64::from(i32::MAX) + 1)), None);
        assert_eq!(f64::from_value(&Value::Int(3)), Some(3.0));
        assert_eq!(i64::from_value(&Value::Float(3.0)), None);
        assert_eq!(String::from_value(&Value::Int(3)), None);
        assert_eq!(Option::<i64>::from_value(&Value::Null), Some(None));
        assert_eq!(i64::from_value(&Value::Null), None);
    }
}
