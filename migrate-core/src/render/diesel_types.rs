//! diesel's names for the fold's column types, both ways: the name `diesel print-schema` writes
//! for a column the chain defines, and the column type a `table!` names.
//!
//! Both directions live in this one file so they stay each other's inverse; a test walks every
//! scalar on every dialect through both.
//!
//! diesel knows fewer types than SQL does. Its `Varchar`, `VarChar`, `Char` and `Bpchar` are
//! aliases of `Text`, `Int4` of `Integer`, `Bytea` and `Blob` of `Binary`: `print-schema` picks
//! the spelling closest to the database's type, but to diesel they are one type, and a length
//! lives in `#[max_length]`, not in the type. So a column type read back from a name may be less
//! precise than the chain's (`numeric(10, 2)` reads back as `numeric`), and
//! [`diesel_types_agree`] compares the two the way diesel would, not by spelling.

use std::collections::BTreeMap;

use super::Dialect;
use crate::model::{Column, ColumnType, Scalar};

/// The diesel SQL type of `column`, as `diesel print-schema` names it for `dialect`, without the
/// `Nullable<…>` a nullable column is wrapped in. PostgreSQL enums are named by their
/// `sql_types` struct.
///
/// ```
/// use migrate_core::model::{Column, ColumnType, Scalar};
/// use migrate_core::render::{diesel_type_name, Dialect};
///
/// let column = |ty| Column { name: "c".into(), ty, nullable: true, default: None, identity: false, generated: None };
/// assert_eq!(diesel_type_name(&column(ColumnType::Scalar(Scalar::BigInt)), Dialect::Postgres), "Int8");
/// assert_eq!(diesel_type_name(&column(ColumnType::Scalar(Scalar::BigInt)), Dialect::Sqlite), "BigInt");
/// assert_eq!(diesel_type_name(&column(ColumnType::Array(Scalar::Enum("todo_status".into()))), Dialect::Postgres), "Array<Nullable<TodoStatus>>");
/// ```
pub fn diesel_type_name(column: &Column, dialect: Dialect) -> String {
    match &column.ty {
        ColumnType::Scalar(scalar) => scalar_type(scalar, dialect),
        ColumnType::Array(scalar) => match dialect {
            Dialect::Postgres => format!("Array<Nullable<{}>>", scalar_type(scalar, dialect)),
            // Arrays are JSON text on SQLite.
            _ => "Text".to_owned(),
        },
    }
}

/// The `#[max_length = n]` `print-schema` writes above `column`: the length of a PostgreSQL
/// `varchar(n)` or `char(n)`. SQLite declares no lengths diesel reads, and the schema module is
/// not generated for MySQL.
///
/// ```
/// use migrate_core::model::{Column, ColumnType, Scalar};
/// use migrate_core::render::{diesel_max_length, Dialect};
///
/// let email = Column { name: "email".into(), ty: ColumnType::Scalar(Scalar::Varchar(320)), nullable: false, default: None, identity: false, generated: None };
/// assert_eq!(diesel_max_length(&email, Dialect::Postgres), Some(320));
/// assert_eq!(diesel_max_length(&email, Dialect::Sqlite), None);
/// ```
pub fn diesel_max_length(column: &Column, dialect: Dialect) -> Option<u32> {
    match (&column.ty, dialect) {
        (ColumnType::Scalar(Scalar::Varchar(length) | Scalar::Char(length)), Dialect::Postgres) => {
            Some(*length)
        }
        _ => None,
    }
}

/// The column type a diesel `table!` names: `diesel_type` without `Nullable<…>` (nullability is
/// the column's, not its type's), `max_length` from the column's `#[max_length]`, and
/// `sql_types` mapping each struct of the module's `sql_types` to the PostgreSQL type it
/// declares (`TodoStatus` → `todo_status`), read as an enum. `None` for a name diesel has no
/// fold type for (`Unsigned<Integer>`, `Tinyint`, `Inet`, a struct `sql_types` does not
/// declare).
///
/// Every spelling diesel accepts is read: `Integer`/`Int4`, `BigInt`/`Bigint`/`Int8`,
/// `SmallInt`/`Smallint`/`Int2`, `Float`/`Float4`, `Double`/`Float8`, `Numeric`/`Decimal`,
/// `Binary`/`Bytea`/`Blob`, a path (`diesel::sql_types::Int4`), and `Array<Nullable<T>>` or
/// `Array<T>` on PostgreSQL. MySQL's `Datetime`, `Longtext` and `Longblob` are what the fold's
/// `timestamp`, `text` and `bytea` are there.
///
/// A length makes `Varchar`/`VarChar` a `varchar(n)` and `Bpchar`/`Char` a `char(n)`. Without
/// one the type is `text`: a `varchar` needs its `n`, and to diesel these names are `Text`
/// anyway. `Numeric` has no precision in diesel, so it reads as `numeric`.
///
/// ```
/// use std::collections::BTreeMap;
/// use migrate_core::model::{ColumnType, Scalar};
/// use migrate_core::render::{column_type_from_diesel, Dialect};
///
/// let none = BTreeMap::new();
/// let read = |name, length| column_type_from_diesel(name, length, Dialect::Postgres, &none);
/// assert_eq!(read("Int4", None), Some(ColumnType::Scalar(Scalar::Integer)));
/// assert_eq!(read("diesel::sql_types::BigInt", None), Some(ColumnType::Scalar(Scalar::BigInt)));
/// assert_eq!(read("Varchar", Some(255)), Some(ColumnType::Scalar(Scalar::Varchar(255))));
/// assert_eq!(read("Varchar", None), Some(ColumnType::Scalar(Scalar::Text)));
/// assert_eq!(read("Array<Nullable<Text>>", None), Some(ColumnType::Array(Scalar::Text)));
/// assert_eq!(read("Unsigned<Integer>", None), None);
///
/// let sql_types = BTreeMap::from([("TodoStatus".to_owned(), "todo_status".to_owned())]);
/// assert_eq!(
///     column_type_from_diesel("TodoStatus", None, Dialect::Postgres, &sql_types),
///     Some(ColumnType::Scalar(Scalar::Enum("todo_status".into())))
/// );
/// ```
pub fn column_type_from_diesel(
    diesel_type: &str,
    max_length: Option<u32>,
    dialect: Dialect,
    sql_types: &BTreeMap<String, String>,
) -> Option<ColumnType> {
    let (name, argument) = split_generic(diesel_type)?;
    match argument {
        None => scalar_from_diesel(name, max_length, dialect, sql_types).map(ColumnType::Scalar),
        // `Array<Nullable<T>>` is what `print-schema` writes (PostgreSQL arrays may hold NULLs);
        // `Array<T>` is what a hand-written schema may say. Element lengths are not in
        // `information_schema`, so an array's `#[max_length]` is never there to read.
        Some(element) if name == "Array" && dialect == Dialect::Postgres => {
            let element = match split_generic(element)? {
                ("Nullable", Some(inner)) => inner,
                _ => element,
            };
            match split_generic(element)? {
                (name, None) => {
                    scalar_from_diesel(name, None, dialect, sql_types).map(ColumnType::Array)
                }
                _ => None,
            }
        }
        Some(_) => None,
    }
}

/// Whether diesel's `#[max_length]` gives a column of this type its length: `Varchar` and
/// `Bpchar` and their spellings. On any other type the attribute says nothing the fold keeps.
///
/// ```
/// use migrate_core::render::diesel_type_takes_max_length;
///
/// assert!(diesel_type_takes_max_length("Varchar"));
/// assert!(diesel_type_takes_max_length("diesel::sql_types::Bpchar"));
/// assert!(!diesel_type_takes_max_length("Text"));
/// ```
pub fn diesel_type_takes_max_length(diesel_type: &str) -> bool {
    matches!(
        split_generic(diesel_type),
        Some(("Varchar" | "VarChar" | "Bpchar" | "Char", None))
    )
}

/// Whether the chain's column and a target's column (one read from a diesel `table!`) have the
/// same type as diesel sees it: the same diesel SQL type, once spellings are resolved (`Varchar`
/// and `Bpchar` are `Text` to diesel), and, where the target states a length, the same name and
/// length. Nullability is not compared here.
///
/// So a `varchar(255)` agrees with `Varchar` and `#[max_length = 255]`, and with `Text` (to
/// diesel the same type, and `print-schema` writes no length for a `varchar(n)[]`'s elements);
/// not with `Varchar` and `#[max_length = 100]`, nor a `text` with `#[max_length = 255] Varchar`.
///
/// ```
/// use migrate_core::model::{Column, ColumnType, Scalar};
/// use migrate_core::render::{diesel_types_agree, Dialect};
///
/// let column = |scalar| Column { name: "c".into(), ty: ColumnType::Scalar(scalar), nullable: false, default: None, identity: false, generated: None };
/// let agree = |chain, target| diesel_types_agree(&column(chain), &column(target), Dialect::Postgres);
/// assert!(agree(Scalar::Varchar(255), Scalar::Varchar(255)));
/// assert!(agree(Scalar::Varchar(255), Scalar::Text));
/// assert!(agree(Scalar::Numeric(Some((10, 2))), Scalar::Numeric(None)));
/// assert!(!agree(Scalar::Varchar(255), Scalar::Varchar(100)));
/// assert!(!agree(Scalar::Text, Scalar::Varchar(255)));
/// assert!(!agree(Scalar::Integer, Scalar::BigInt));
/// ```
pub fn diesel_types_agree(chain: &Column, target: &Column, dialect: Dialect) -> bool {
    match diesel_max_length(target, dialect) {
        Some(length) => {
            diesel_type_name(chain, dialect) == diesel_type_name(target, dialect)
                && diesel_max_length(chain, dialect) == Some(length)
        }
        None => diesel_identity(chain, dialect) == diesel_identity(target, dialect),
    }
}

/// A column's type as diesel's own type: the text types `print-schema` spells apart (`Varchar`,
/// `Bpchar`) are all `Text` to diesel. The other aliases never meet here: [`diesel_type_name`]
/// writes one spelling per type and dialect.
fn diesel_identity(column: &Column, dialect: Dialect) -> String {
    let as_text = |scalar: &Scalar| match scalar {
        Scalar::Varchar(_) | Scalar::Char(_) => Scalar::Text,
        other => other.clone(),
    };
    let ty = match &column.ty {
        ColumnType::Scalar(scalar) => ColumnType::Scalar(as_text(scalar)),
        ColumnType::Array(scalar) => ColumnType::Array(as_text(scalar)),
    };
    diesel_type_name(
        &Column {
            ty,
            ..column.clone()
        },
        dialect,
    )
}

fn scalar_from_diesel(
    name: &str,
    max_length: Option<u32>,
    dialect: Dialect,
    sql_types: &BTreeMap<String, String>,
) -> Option<Scalar> {
    // The module's own structs first: `use super::sql_types::X` shadows the glob import of
    // `diesel::sql_types::*` in a `table!`.
    if let Some(sql_name) = sql_types.get(name) {
        return Some(Scalar::Enum(sql_name.clone().into()));
    }
    Some(match name {
        "SmallInt" | "Smallint" | "Int2" => Scalar::SmallInt,
        "Integer" | "Int4" => Scalar::Integer,
        "BigInt" | "Bigint" | "Int8" => Scalar::BigInt,
        "Float" | "Float4" => Scalar::Real,
        "Double" | "Float8" => Scalar::DoublePrecision,
        "Numeric" | "Decimal" => Scalar::Numeric(None),
        "Text" => Scalar::Text,
        "Varchar" | "VarChar" => max_length.map_or(Scalar::Text, Scalar::Varchar),
        "Bpchar" | "Char" => max_length.map_or(Scalar::Text, Scalar::Char),
        "Bool" => Scalar::Boolean,
        "Uuid" => Scalar::Uuid,
        "Date" => Scalar::Date,
        "Time" => Scalar::Time,
        "Timestamp" => Scalar::Timestamp,
        "Timestamptz" => Scalar::Timestamptz,
        "Interval" => Scalar::Interval,
        "Json" => Scalar::Json,
        "Jsonb" => Scalar::Jsonb,
        "Binary" | "Bytea" | "Blob" => Scalar::Bytea,
        // The MySQL types the fold's renderer declares (`DATETIME(6)`, `LONGTEXT`, `LONGBLOB`),
        // as `print-schema` names them there; diesel has them for MySQL only.
        "Datetime" if dialect == Dialect::Mysql => Scalar::Timestamp,
        "Longtext" if dialect == Dialect::Mysql => Scalar::Text,
        "Longblob" if dialect == Dialect::Mysql => Scalar::Bytea,
        _ => return None,
    })
}

/// `Array<Nullable<Int4>>` → (`Array`, `Nullable<Int4>`); `diesel::sql_types::Int4` → (`Int4`,
/// none). `None` when the text is not one name with at most one generic argument.
fn split_generic(text: &str) -> Option<(&str, Option<&str>)> {
    let text = text.trim();
    let (path, argument) = match text.find('<') {
        Some(open) => {
            let inner = text[open + 1..].strip_suffix('>')?.trim();
            if inner.is_empty() || has_top_level_comma(inner) {
                return None;
            }
            (text[..open].trim_end(), Some(inner))
        }
        None => (text, None),
    };
    let name = path.rsplit("::").next()?.trim();
    let is_identifier = name
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    is_identifier.then_some((name, argument))
}

fn has_top_level_comma(text: &str) -> bool {
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => return true,
            _ => {}
        }
    }
    false
}

fn scalar_type(scalar: &Scalar, dialect: Dialect) -> String {
    if dialect == Dialect::Sqlite {
        // `print-schema` reads SQLite's declared type names; the renderer's choices land here.
        // One departure: a `bigint identity` is declared `INTEGER PRIMARY KEY` (the only form
        // SQLite auto-increments), which `print-schema` would call `Integer`; it holds 64-bit
        // values, and the `bigint` columns that reference it could not join an `Integer`.
        return match scalar {
            Scalar::SmallInt => "SmallInt",
            Scalar::Integer => "Integer",
            Scalar::BigInt => "BigInt",
            Scalar::Real => "Float",
            Scalar::DoublePrecision => "Double",
            Scalar::Numeric(_) => "Double",
            Scalar::Boolean => "Bool",
            Scalar::Bytea => "Binary",
            _ => "Text",
        }
        .to_owned();
    }
    match scalar {
        Scalar::SmallInt => "Int2",
        Scalar::Integer => "Int4",
        Scalar::BigInt => "Int8",
        Scalar::Real => "Float4",
        Scalar::DoublePrecision => "Float8",
        Scalar::Numeric(_) => "Numeric",
        Scalar::Text => "Text",
        Scalar::Varchar(_) => "Varchar",
        Scalar::Char(_) => "Bpchar",
        Scalar::Boolean => "Bool",
        Scalar::Uuid => "Uuid",
        Scalar::Date => "Date",
        Scalar::Time => "Time",
        Scalar::Timestamp => "Timestamp",
        Scalar::Timestamptz => "Timestamptz",
        Scalar::Interval => "Interval",
        Scalar::Json => "Json",
        Scalar::Jsonb => "Jsonb",
        Scalar::Bytea => "Bytea",
        Scalar::Enum(name) => return camel_case(name),
    }
    .to_owned()
}

/// `todo_status` → `TodoStatus`.
pub(super) fn camel_case(name: &str) -> String {
    name.split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or(String::new(), |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn every_scalar() -> Vec<Scalar> {
        vec![
            Scalar::SmallInt,
            Scalar::Integer,
            Scalar::BigInt,
            Scalar::Real,
            Scalar::DoublePrecision,
            Scalar::Numeric(None),
            Scalar::Numeric(Some((10, 2))),
            Scalar::Text,
            Scalar::Varchar(255),
            Scalar::Char(2),
            Scalar::Boolean,
            Scalar::Uuid,
            Scalar::Date,
            Scalar::Time,
            Scalar::Timestamp,
            Scalar::Timestamptz,
            Scalar::Interval,
            Scalar::Json,
            Scalar::Jsonb,
            Scalar::Bytea,
            Scalar::Enum("todo_status".into()),
        ]
    }

    fn column(ty: ColumnType) -> Column {
        Column {
            name: "c".into(),
            ty,
            nullable: false,
            default: None,
            identity: false,
            generated: None,
        }
    }

    fn sql_types() -> BTreeMap<String, String> {
        BTreeMap::from([("TodoStatus".to_owned(), "todo_status".to_owned())])
    }

    /// Every scalar and every array of one, on every dialect: the name `print-schema` writes,
    /// read back, is a type diesel names the same way, with the same `#[max_length]`. Arrays of
    /// `varchar(n)`/`char(n)` are the one exception in spelling: their elements' lengths are not
    /// written, so they read back as `Text`, which to diesel is the same type.
    #[test]
    fn names_read_back_as_types_diesel_names_the_same() {
        for &dialect in Dialect::ALL {
            for scalar in every_scalar() {
                for ty in [
                    ColumnType::Scalar(scalar.clone()),
                    ColumnType::Array(scalar.clone()),
                ] {
                    let chain = column(ty.clone());
                    let name = diesel_type_name(&chain, dialect);
                    let length = diesel_max_length(&chain, dialect);
                    let back = column_type_from_diesel(&name, length, dialect, &sql_types())
                        .unwrap_or_else(|| panic!("{name} ({dialect:?}) does not read back"));
                    let back = column(back);
                    assert!(
                        diesel_types_agree(&chain, &back, dialect),
                        "{ty:?} on {dialect:?}: {name} read back as {:?}",
                        back.ty
                    );
                    assert_eq!(diesel_max_length(&back, dialect), length);
                    let lengthless_element = matches!(
                        (&ty, dialect),
                        (
                            ColumnType::Array(Scalar::Varchar(_) | Scalar::Char(_)),
                            Dialect::Postgres
                        )
                    );
                    // MySQL's schema module is not generated, so no length is written there
                    // and a `varchar(n)` comes back as diesel's `Text`.
                    let lengthless_mysql = dialect == Dialect::Mysql
                        && matches!(ty, ColumnType::Scalar(Scalar::Varchar(_) | Scalar::Char(_)));
                    if !lengthless_element && !lengthless_mysql {
                        assert_eq!(
                            diesel_type_name(&back, dialect),
                            name,
                            "{ty:?} on {dialect:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn every_spelling_diesel_accepts_is_read() {
        let read = |name: &str, length| {
            column_type_from_diesel(name, length, Dialect::Postgres, &BTreeMap::new())
        };
        let scalar = |scalar| Some(ColumnType::Scalar(scalar));
        for (names, expected) in [
            (&["SmallInt", "Smallint", "Int2"][..], Scalar::SmallInt),
            (&["Integer", "Int4"], Scalar::Integer),
            (&["BigInt", "Bigint", "Int8"], Scalar::BigInt),
            (&["Float", "Float4"], Scalar::Real),
            (&["Double", "Float8"], Scalar::DoublePrecision),
            (&["Numeric", "Decimal"], Scalar::Numeric(None)),
            (
                &["Text", "Varchar", "VarChar", "Bpchar", "Char"],
                Scalar::Text,
            ),
            (&["Bool"], Scalar::Boolean),
            (&["Binary", "Bytea", "Blob"], Scalar::Bytea),
            (&["Timestamp"], Scalar::Timestamp),
            (&["Timestamptz"], Scalar::Timestamptz),
        ] {
            for name in names {
                assert_eq!(read(name, None), scalar(expected.clone()), "{name}");
                assert_eq!(
                    read(&format!("diesel::sql_types::{name}"), None),
                    scalar(expected.clone())
                );
            }
        }
        assert_eq!(read("VarChar", Some(8)), scalar(Scalar::Varchar(8)));
        assert_eq!(read("Char", Some(2)), scalar(Scalar::Char(2)));
        assert_eq!(read("Int4", Some(8)), scalar(Scalar::Integer));
        assert_eq!(
            read("Array<Int4>", None),
            Some(ColumnType::Array(Scalar::Integer))
        );
        assert_eq!(
            read(" Array < Nullable < diesel::sql_types::Int4 > > ", None),
            Some(ColumnType::Array(Scalar::Integer))
        );
        for refused in [
            "Unsigned<Integer>",
            "Tinyint",
            "Inet",
            "Nullable<Int4>",
            "Array<Array<Int4>>",
            "Array<Int4, Int8>",
            "Array<>",
            "Range<Int4>",
            "Int4>",
            "",
            "Datetime",
        ] {
            assert_eq!(read(refused, None), None, "{refused}");
        }
        let mysql = |name| column_type_from_diesel(name, None, Dialect::Mysql, &BTreeMap::new());
        assert_eq!(mysql("Datetime"), scalar(Scalar::Timestamp));
        assert_eq!(mysql("Longtext"), scalar(Scalar::Text));
        assert_eq!(mysql("Array<Int4>"), None);
    }
}
