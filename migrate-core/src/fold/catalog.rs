//! Column types and defaults as a database's catalog spells them, read back into the model, so
//! autogenerate can write a live column as `migration!` declares one.
//!
//! Each backend's spelling is the one the runtime's reader gets: `format_type` and `pg_get_expr`
//! on PostgreSQL, the declared type and `dflt_value` on SQLite (which keeps whatever was written,
//! so any spelling is read by SQLite's own affinity rules). A type no `migration!` keyword names
//! is `None`; a default that is not a literal or a known function is kept as `sql("…")`.

use crate::model::{ColumnType, DefaultValue, Scalar, SqlFunction};
use crate::render::Dialect;

/// The model type of a catalog's type spelling; `enums` are the enum types the database has.
///
/// ```
/// use migrate_core::fold::catalog::column_type;
/// use migrate_core::model::{ColumnType, Scalar};
/// use migrate_core::render::Dialect;
///
/// assert_eq!(column_type("character varying(200)", Dialect::Postgres, &[]), Some(ColumnType::Scalar(Scalar::Varchar(200))));
/// assert_eq!(column_type("todo_status[]", Dialect::Postgres, &["todo_status"]), Some(ColumnType::Array(Scalar::Enum("todo_status".into()))));
/// assert_eq!(column_type("point", Dialect::Postgres, &[]), None);
/// assert_eq!(column_type("DATETIME", Dialect::Sqlite, &[]), Some(ColumnType::Scalar(Scalar::Timestamp)));
/// assert_eq!(column_type("VARCHAR(50)", Dialect::Sqlite, &[]), Some(ColumnType::Scalar(Scalar::Varchar(50))));
/// assert_eq!(column_type("tinyint(1)", Dialect::Mysql, &[]), Some(ColumnType::Scalar(Scalar::Boolean)));
/// assert_eq!(column_type("int(11)", Dialect::Mysql, &[]), Some(ColumnType::Scalar(Scalar::Integer)));
/// ```
pub fn column_type(spelling: &str, dialect: Dialect, enums: &[&str]) -> Option<ColumnType> {
    let spelling = spelling.trim();
    if let Some(element) = spelling.strip_suffix("[]") {
        return match column_type(element, dialect, enums)? {
            ColumnType::Scalar(scalar) => Some(ColumnType::Array(scalar)),
            ColumnType::Array(_) => None,
        };
    }
    let unquoted = spelling.trim_matches('"');
    if enums.contains(&unquoted) {
        return Some(ColumnType::Scalar(Scalar::Enum(unquoted.to_owned().into())));
    }
    let lower = spelling.to_lowercase();
    let (name, arguments) = match lower.split_once('(') {
        Some((name, rest)) => (name.trim(), rest.trim_end_matches(')')),
        None => (lower.as_str(), ""),
    };
    let numbers: Vec<u32> = arguments
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    let scalar = match (name, numbers.as_slice()) {
        // MySQL's boolean; its other integer widths are display widths, which say nothing.
        ("tinyint", [1]) if dialect == Dialect::Mysql => Scalar::Boolean,
        ("tinyint", _) if dialect == Dialect::Mysql => Scalar::SmallInt,
        ("mediumint", _) if dialect == Dialect::Mysql => Scalar::Integer,
        ("float", _) if dialect == Dialect::Mysql => Scalar::Real,
        ("longtext" | "mediumtext" | "tinytext", _) if dialect == Dialect::Mysql => Scalar::Text,
        ("longblob" | "mediumblob" | "tinyblob" | "varbinary", _) if dialect == Dialect::Mysql => {
            Scalar::Bytea
        }
        // What the renderer writes for `timestamptz` (and `timestamp`): UTC, by convention.
        ("datetime" | "timestamp", _) if dialect == Dialect::Mysql => Scalar::Timestamptz,
        ("time", _) if dialect == Dialect::Mysql => Scalar::Time,
        ("smallint" | "int2", _) => Scalar::SmallInt,
        ("integer" | "int" | "int4", _) => Scalar::Integer,
        ("bigint" | "int8", _) => Scalar::BigInt,
        ("real" | "float4", _) => Scalar::Real,
        ("double precision" | "double" | "float8", _) => Scalar::DoublePrecision,
        ("numeric" | "decimal", []) => Scalar::Numeric(None),
        ("numeric" | "decimal", [precision, scale]) => Scalar::Numeric(Some((
            (*precision).try_into().ok()?,
            (*scale).try_into().ok()?,
        ))),
        ("numeric" | "decimal", [precision]) => {
            Scalar::Numeric(Some(((*precision).try_into().ok()?, 0)))
        }
        ("text", _) => Scalar::Text,
        ("character varying" | "varchar", [length]) => Scalar::Varchar(*length),
        ("character" | "char" | "bpchar", [length]) => Scalar::Char(*length),
        ("boolean" | "bool", _) => Scalar::Boolean,
        ("uuid", _) => Scalar::Uuid,
        ("date", _) => Scalar::Date,
        ("time" | "time without time zone", _) => Scalar::Time,
        ("timestamp" | "timestamp without time zone" | "datetime", _) => Scalar::Timestamp,
        ("timestamptz" | "timestamp with time zone", _) => Scalar::Timestamptz,
        ("interval", _) => Scalar::Interval,
        ("json", _) => Scalar::Json,
        ("jsonb", _) => Scalar::Jsonb,
        ("bytea" | "blob", _) => Scalar::Bytea,
        _ if dialect == Dialect::Sqlite => sqlite_affinity(name),
        _ => return None,
    };
    Some(ColumnType::Scalar(scalar))
}

/// SQLite's rules for a declared type it does not know by name (its "type affinity").
fn sqlite_affinity(name: &str) -> Scalar {
    if name.contains("int") {
        Scalar::BigInt
    } else if ["char", "clob", "text"]
        .iter()
        .any(|word| name.contains(word))
    {
        Scalar::Text
    } else if name.contains("blob") || name.is_empty() {
        Scalar::Bytea
    } else if ["real", "floa", "doub"]
        .iter()
        .any(|word| name.contains(word))
    {
        Scalar::DoublePrecision
    } else {
        Scalar::Numeric(None)
    }
}

/// The model default of a catalog's default text, for a column of type `ty`.
///
/// ```
/// use migrate_core::fold::catalog::default_value;
/// use migrate_core::model::{ColumnType, DefaultValue, Scalar, SqlFunction};
/// use migrate_core::render::Dialect;
///
/// let text = ColumnType::Scalar(Scalar::Text);
/// let int = ColumnType::Scalar(Scalar::Integer);
/// assert_eq!(default_value("'open'::todo_status", &text, Dialect::Postgres), DefaultValue::Str("open".into()));
/// assert_eq!(default_value("'-1'::integer", &int, Dialect::Postgres), DefaultValue::Int("-1".into()));
/// assert_eq!(default_value("now()", &text, Dialect::Postgres), DefaultValue::Function(SqlFunction::Now));
/// assert_eq!(default_value("CURRENT_TIMESTAMP", &text, Dialect::Sqlite), DefaultValue::Function(SqlFunction::Now));
/// assert_eq!(default_value("1", &ColumnType::Scalar(Scalar::Boolean), Dialect::Sqlite), DefaultValue::Bool(true));
/// assert_eq!(default_value("(length(title) + 1)", &int, Dialect::Sqlite), DefaultValue::Sql("length(title) + 1".into()));
/// ```
pub fn default_value(text: &str, ty: &ColumnType, dialect: Dialect) -> DefaultValue {
    let text = text.trim();
    let bare = without_parentheses(without_cast(text));
    let lower = bare.to_lowercase();
    let function = match lower.as_str() {
        "now()" | "current_timestamp" | "current_timestamp()" | "current_timestamp(6)" => {
            Some(SqlFunction::Now)
        }
        "current_date" => Some(SqlFunction::CurrentDate),
        "gen_random_uuid()" | "lower(hex(randomblob(16)))" => Some(SqlFunction::GenRandomUuid),
        "random()" => Some(SqlFunction::Random),
        "clock_timestamp()" => Some(SqlFunction::ClockTimestamp),
        _ => None,
    };
    if let Some(function) = function {
        return DefaultValue::Function(function);
    }
    if lower == "null" {
        return DefaultValue::Null;
    }
    let literal = string_literal(bare);
    let value = literal.as_deref().unwrap_or(bare);
    let is_boolean = matches!(ty, ColumnType::Scalar(Scalar::Boolean));
    match (value.to_lowercase().as_str(), is_boolean) {
        ("true" | "t", true) => return DefaultValue::Bool(true),
        ("false" | "f", true) => return DefaultValue::Bool(false),
        ("1", true) if dialect != Dialect::Postgres => return DefaultValue::Bool(true),
        ("0", true) if dialect != Dialect::Postgres => return DefaultValue::Bool(false),
        _ => {}
    }
    let numeric = matches!(
        ty,
        ColumnType::Scalar(
            Scalar::SmallInt
                | Scalar::Integer
                | Scalar::BigInt
                | Scalar::Real
                | Scalar::DoublePrecision
                | Scalar::Numeric(_)
        )
    );
    if literal.is_none() || numeric {
        if is_integer(value) {
            return DefaultValue::Int(value.to_owned().into());
        }
        if is_decimal(value) {
            return DefaultValue::Float(value.to_owned().into());
        }
    }
    match literal {
        Some(literal) => DefaultValue::Str(literal.into()),
        None => DefaultValue::Sql(bare.to_owned().into()),
    }
}

/// `'open'::todo_status` → `'open'`; `'x'::character varying` → `'x'`.
fn without_cast(text: &str) -> &str {
    let mut quoted = false;
    for (at, c) in text.char_indices() {
        match c {
            '\'' => quoted = !quoted,
            ':' if !quoted && text[at..].starts_with("::") => return text[..at].trim(),
            _ => {}
        }
    }
    text
}

/// `(random())` → `random()`, when the outer parentheses enclose the whole text.
fn without_parentheses(text: &str) -> &str {
    let mut text = text.trim();
    while let Some(inner) = text.strip_prefix('(').and_then(|t| t.strip_suffix(')')) {
        let mut depth = 0i32;
        let balanced = inner.chars().all(|c| {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            depth >= 0
        });
        if !balanced || depth != 0 {
            break;
        }
        text = inner.trim();
    }
    text
}

/// The value of a whole single-quoted SQL string (`'it''s'` → `it's`; `E'…'` too).
fn string_literal(text: &str) -> Option<String> {
    let text = text.strip_prefix(['E', 'e']).unwrap_or(text);
    let inner = text.strip_prefix('\'')?.strip_suffix('\'')?;
    let mut out = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            // Inside, a quote is only ever the first of a doubled pair.
            if chars.next() != Some('\'') {
                return None;
            }
        }
        out.push(c);
    }
    Some(out)
}

fn is_integer(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
}

fn is_decimal(text: &str) -> bool {
    match text.split_once('.') {
        Some((whole, fraction)) => {
            (whole.is_empty() || whole == "-" || is_integer(whole))
                && !fraction.is_empty()
                && fraction.chars().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}
