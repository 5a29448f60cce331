//! Drift: the differences between the schema the migrations build and a live database's.
//!
//! Both sides are put in the same words, one entry per object: the key names the object (`column
//! users.email`), the definition says what the database can tell about it (`text not null`,
//! `on users (email) unique`). The fold's side is written here from a [`Schema`]; the runtime
//! writes the live side from the catalogs with the same functions ([`Objects`]'s methods), so
//! the two compare as maps. What a catalog cannot tell back is left out on both sides: check
//! expressions and index predicates are compared by name and presence (the server rewrites their
//! text), and on SQLite, constraints have no names but checks.
//!
//! MySQL and MariaDB are put in the words of `information_schema` (see [`Objects::mysql_column`]),
//! with what the server cannot tell back left out there too: the primary key is always called
//! `PRIMARY` (so it is unnamed, as on SQLite); a unique constraint is a unique index (the
//! catalogs cannot tell the two apart); there are no partial indexes (the renderer writes a
//! non-unique one in full) and no enum types (an enum's labels are its columns' type);
//! `RESTRICT` and `NO ACTION` are one action in InnoDB, and the server reads an unwritten
//! `ON UPDATE` back as `RESTRICT`, so both are `no action`.

use std::collections::BTreeMap;

use super::Schema;
use crate::model::{ColumnType, DefaultValue, Scalar};
use crate::render::Dialect;

/// The objects of one side, by key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Objects {
    entries: BTreeMap<String, Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    definition: String,
    default: Default,
}

/// A column default, as far as both sides can compare it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Default {
    None,
    /// Normalized text (casts, quotes around numbers and case removed).
    Text(String),
    /// An `sql("…")` default: the server rewrites its text, so any default matches it.
    Any,
}

/// A foreign key as a catalog describes it. `name` is `None` where the catalog keeps no name
/// (SQLite): the columns name it then. Actions are SQL (`NO ACTION`, `CASCADE`, …).
#[derive(Debug, Clone, Copy)]
pub struct ForeignKeyFacts<'a> {
    pub name: Option<&'a str>,
    pub table: &'a str,
    pub columns: &'a [&'a str],
    pub referenced_table: &'a str,
    pub referenced_columns: &'a [&'a str],
    pub on_delete: &'a str,
    pub on_update: &'a str,
}

/// One difference between the migrations and the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// The migrations build it; the database does not have it.
    Missing { object: String, definition: String },
    /// The database has it; no migration builds it.
    Unexpected { object: String, definition: String },
    /// Both have it, defined differently.
    Changed {
        object: String,
        expected: String,
        live: String,
    },
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Difference::Missing { object, definition } => {
                write!(f, "{object} ({definition}) is built by the migrations but missing from the database")
            }
            Difference::Unexpected { object, definition } => {
                write!(
                    f,
                    "{object} ({definition}) is in the database but no migration builds it"
                )
            }
            Difference::Changed {
                object,
                expected,
                live,
            } => write!(
                f,
                "{object} is `{live}` in the database but `{expected}` in the migrations"
            ),
        }
    }
}

impl Objects {
    pub fn table(&mut self, name: &str) {
        self.insert(format!("table {name}"), String::new(), Default::None);
    }

    /// A column: `ty` as the catalog spells it (see [`type_name`]), `default` as the catalog
    /// holds it.
    pub fn column(
        &mut self,
        table: &str,
        name: &str,
        ty: &str,
        not_null: bool,
        identity: bool,
        default: Option<&str>,
    ) {
        let default = default.map_or(Default::None, |text| Default::Text(normalize_default(text)));
        self.column_entry(table, name, ty, not_null, identity, default);
    }

    /// A MySQL or MariaDB column, from `information_schema.columns`: `column_type` as the server
    /// spells it (display widths such as `int(11)` are dropped, `tinyint(1)` is the boolean and
    /// stays), `default` as MariaDB writes `COLUMN_DEFAULT` (string literals quoted, expressions
    /// bare: `'open'`, `current_timestamp(6)`; `None` when the column has none).
    ///
    /// ```
    /// use migrate_core::fold::{compare, Objects};
    ///
    /// let (mut a, mut b) = (Objects::default(), Objects::default());
    /// a.mysql_column("t", "n", "int(11)", true, false, Some("1.50"));
    /// b.mysql_column("t", "n", "int", true, false, Some("1.5"));
    /// assert!(compare(&a, &b, &[]).is_empty());
    /// ```
    pub fn mysql_column(
        &mut self,
        table: &str,
        name: &str,
        column_type: &str,
        not_null: bool,
        identity: bool,
        default: Option<&str>,
    ) {
        let default = default.map_or(Default::None, |text| {
            Default::Text(normalize_mysql_default(text))
        });
        let ty = without_display_width(column_type);
        self.column_entry(table, name, &ty, not_null, identity, default);
    }

    /// One column in the words both sides share.
    fn column_entry(
        &mut self,
        table: &str,
        name: &str,
        ty: &str,
        not_null: bool,
        identity: bool,
        default: Default,
    ) {
        // `VARCHAR (50)` and `VARCHAR(50)` declare the same type.
        let mut definition = ty.to_lowercase().replace(" (", "(").replace(", ", ",");
        if not_null {
            definition.push_str(" not null");
        }
        if identity {
            definition.push_str(" identity");
        }
        self.insert(format!("column {table}.{name}"), definition, default);
    }

    /// Marks column `table.name`, read with [`Objects::column`] or [`Objects::mysql_column`], as
    /// generated: what PostgreSQL's catalog holds where a default would be is then its
    /// expression, not a default.
    ///
    /// ```
    /// use migrate_core::fold::{compare, Objects};
    ///
    /// let (mut expected, mut live) = (Objects::default(), Objects::default());
    /// expected.column("t", "total", "integer", true, false, None);
    /// expected.generated("t", "total", true);
    /// live.column("t", "total", "integer", true, false, Some("(price * quantity)"));
    /// live.generated("t", "total", true);
    /// assert!(compare(&expected, &live, &[]).is_empty());
    ///
    /// let mut computed_when_read = Objects::default();
    /// computed_when_read.column("t", "total", "integer", true, false, None);
    /// computed_when_read.generated("t", "total", false);
    /// assert_eq!(
    ///     compare(&expected, &computed_when_read, &[])[0].to_string(),
    ///     "column t.total is `integer not null generated virtual` in the database but `integer not null generated stored` in the migrations"
    /// );
    /// ```
    pub fn generated(&mut self, table: &str, name: &str, stored: bool) {
        if let Some(entry) = self.entries.get_mut(&format!("column {table}.{name}")) {
            let storage = if stored { "stored" } else { "virtual" };
            entry.definition.push_str(&format!(" generated {storage}"));
            entry.default = Default::None;
        }
    }

    pub fn index(
        &mut self,
        name: &str,
        table: &str,
        columns: &[&str],
        unique: bool,
        partial: bool,
    ) {
        let mut definition = format!("on {table} ({})", columns.join(", "));
        if unique {
            definition.push_str(" unique");
        }
        if partial {
            definition.push_str(" where …");
        }
        self.insert(format!("index {name}"), definition, Default::None);
    }

    /// `name` is `None` where the catalog keeps no name (SQLite).
    pub fn primary_key(&mut self, table: &str, name: Option<&str>, columns: &[&str]) {
        let definition = match name {
            Some(name) => format!("{name} ({})", columns.join(", ")),
            None => format!("({})", columns.join(", ")),
        };
        self.insert(format!("primary key of {table}"), definition, Default::None);
    }

    pub fn unique(&mut self, name: &str, table: &str, columns: &[&str]) {
        self.insert(
            format!("unique constraint {name}"),
            format!("on {table} ({})", columns.join(", ")),
            Default::None,
        );
    }

    pub fn foreign_key(&mut self, fk: &ForeignKeyFacts<'_>) {
        let ForeignKeyFacts {
            name,
            table,
            columns,
            referenced_table,
            referenced_columns,
            on_delete,
            on_update,
        } = fk;
        let columns = columns.join(", ");
        let action = |action: &str| action.to_lowercase().replace('_', " ");
        let mut target = format!(
            "references {referenced_table} ({}) on delete {}",
            referenced_columns.join(", "),
            action(on_delete)
        );
        if action(on_update) != "no action" {
            target.push_str(&format!(" on update {}", action(on_update)));
        }
        match name {
            Some(name) => self.insert(
                format!("foreign key {name}"),
                format!("on {table} ({columns}) {target}"),
                Default::None,
            ),
            None => self.insert(
                format!("foreign key on {table} ({columns})"),
                target,
                Default::None,
            ),
        }
    }

    pub fn check(&mut self, name: &str, table: &str) {
        self.insert(
            format!("check {name}"),
            format!("on {table}"),
            Default::None,
        );
    }

    /// A view or trigger: raw SQL makes them, so only the live side has them; the stairway
    /// compares them between two live states.
    pub fn raw_object(&mut self, kind: &str, name: &str) {
        self.insert(format!("{kind} {name}"), String::new(), Default::None);
    }

    pub fn enum_type(&mut self, name: &str, values: &[&str]) {
        self.insert(
            format!("enum {name}"),
            format!("({})", values.join(", ")),
            Default::None,
        );
    }

    fn insert(&mut self, key: String, definition: String, default: Default) {
        self.entries.insert(
            key,
            Entry {
                definition,
                default,
            },
        );
    }
}

fn describe(entry: &Entry) -> String {
    match &entry.default {
        Default::None => entry.definition.clone(),
        Default::Text(text) => format!("{} default {text}", entry.definition),
        Default::Any => format!("{} default (sql)", entry.definition),
    }
    .trim()
    .to_owned()
}

/// The objects the migrations build, in the words a database of `dialect` would use.
pub fn expected(schema: &Schema, dialect: Dialect) -> Objects {
    let mut objects = Objects::default();
    for table in &schema.tables {
        if schema.opaque.iter().any(|name| *name == *table.name) {
            continue;
        }
        objects.table(&table.name);
        let single_key = table
            .primary_key
            .as_ref()
            .filter(|key| key.columns.len() == 1)
            .map(|key| key.columns[0].as_ref());
        for column in table.columns.iter() {
            // SQLite only auto-increments the single `INTEGER PRIMARY KEY`.
            let identity = column.identity
                && (dialect != Dialect::Sqlite || single_key == Some(column.name.as_ref()));
            let ty = match dialect {
                Dialect::Sqlite if identity => "INTEGER".to_owned(),
                Dialect::Mysql => mysql_type(&column.ty, &schema.enums),
                _ => type_name(&column.ty, dialect),
            };
            let not_null = !column.nullable || (dialect == Dialect::Sqlite && identity);
            let default = match column.default.as_ref().map(|d| default_key(d, dialect)) {
                None | Some(DefaultKey::None) => Default::None,
                Some(DefaultKey::Any) => Default::Any,
                Some(DefaultKey::Text(text)) => Default::Text(text),
            };
            objects.column_entry(&table.name, &column.name, &ty, not_null, identity, default);
            if let Some(generated) = &column.generated {
                objects.generated(&table.name, &column.name, generated.stored);
            }
        }
        if let Some(key) = &table.primary_key {
            let columns: Vec<&str> = key.columns.iter().map(AsRef::as_ref).collect();
            let name = (dialect == Dialect::Postgres).then_some(key.name.as_ref());
            objects.primary_key(&table.name, name, &columns);
        }
    }
    let names = |list: &[crate::model::Text]| -> Vec<String> {
        list.iter().map(ToString::to_string).collect()
    };
    for index in &schema.indexes {
        let columns = names(&index.columns);
        let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
        // MySQL has no partial indexes: the renderer builds a non-unique one in full.
        objects.index(
            &index.name,
            &index.table,
            &columns,
            index.unique,
            index.predicate.is_some() && dialect != Dialect::Mysql,
        );
    }
    for unique in &schema.uniques {
        let columns = names(&unique.columns);
        let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
        match dialect {
            // A unique constraint is a unique index on SQLite and MySQL.
            Dialect::Sqlite | Dialect::Mysql => {
                objects.index(&unique.name, &unique.table, &columns, true, false)
            }
            Dialect::Postgres => objects.unique(&unique.name, &unique.table, &columns),
        }
    }
    for fk in &schema.foreign_keys {
        let columns = names(&fk.columns);
        let referenced = names(&fk.referenced_columns);
        let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
        let referenced: Vec<&str> = referenced.iter().map(String::as_str).collect();
        let action = |action: crate::model::ReferentialAction| match dialect {
            Dialect::Mysql => mysql_referential_action(action.sql()),
            _ => action.sql(),
        };
        objects.foreign_key(&ForeignKeyFacts {
            name: (dialect != Dialect::Sqlite).then_some(fk.name.as_ref()),
            table: &fk.table,
            columns: &columns,
            referenced_table: &fk.referenced_table,
            referenced_columns: &referenced,
            on_delete: action(fk.on_delete),
            on_update: action(fk.on_update),
        });
    }
    for check in &schema.checks {
        objects.check(&check.name, &check.table);
    }
    if dialect == Dialect::Postgres {
        for ty in &schema.enums {
            let values: Vec<&str> = ty.values.iter().map(AsRef::as_ref).collect();
            objects.enum_type(&ty.name, &values);
        }
    }
    objects
}

/// Every difference between what the migrations build and what the database has. An object only
/// the database has is not reported when its name is one that raw SQL of the migrations wrote
/// (`raw_sql_names`, see [`Schema::raw_sql_names`]): that SQL may well have made it.
pub fn compare(expected: &Objects, live: &Objects, raw_sql_names: &[String]) -> Vec<Difference> {
    let mut differences = Vec::new();
    for (key, want) in &expected.entries {
        match live.entries.get(key) {
            None => differences.push(Difference::Missing {
                object: key.clone(),
                definition: describe(want),
            }),
            Some(have) => {
                let defaults_agree = match (&want.default, &have.default) {
                    (Default::Any, Default::Text(_)) => true,
                    (a, b) => a == b,
                };
                if want.definition != have.definition || !defaults_agree {
                    differences.push(Difference::Changed {
                        object: key.clone(),
                        expected: describe(want),
                        live: describe(have),
                    });
                }
            }
        }
    }
    let named_by_raw_sql = |key: &str| {
        key.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .skip(1)
            .any(|word| {
                raw_sql_names
                    .iter()
                    .any(|name| name.eq_ignore_ascii_case(word))
            })
    };
    for (key, have) in &live.entries {
        if !expected.entries.contains_key(key) && !named_by_raw_sql(key) {
            differences.push(Difference::Unexpected {
                object: key.clone(),
                definition: describe(have),
            });
        }
    }
    differences
}

/// A default as a database of `dialect` tells it back, to compare two defaults by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum DefaultKey {
    None,
    /// `sql("…")`: the server rewrites its text, so it is taken to match any default.
    Any,
    Text(String),
}

pub(super) fn default_key(default: &DefaultValue, dialect: Dialect) -> DefaultKey {
    match default {
        DefaultValue::Null => DefaultKey::None,
        DefaultValue::Sql(_) => DefaultKey::Any,
        default if dialect == Dialect::Mysql => {
            DefaultKey::Text(normalize_mysql_default(&mysql_default(default)))
        }
        default => DefaultKey::Text(normalize_default(&default_sql(default, dialect))),
    }
}

/// A column type as a database of `dialect` tells it back (`enums` gives MySQL the labels of an
/// enum type), to compare two types by.
pub(super) fn type_key(
    ty: &ColumnType,
    dialect: Dialect,
    enums: &[crate::model::EnumType],
) -> String {
    let name = match dialect {
        Dialect::Mysql => mysql_type(ty, enums),
        _ => type_name(ty, dialect),
    };
    name.to_lowercase().replace(" (", "(").replace(", ", ",")
}

/// A column type as the catalog spells it: `format_type` on PostgreSQL, the declared type on
/// SQLite (as the renderer declares it), `information_schema.columns.column_type` on MySQL
/// without display widths (where an enum's type holds its labels, which only the schema knows:
/// [`expected`] writes them; here an enum is its name).
///
/// ```
/// use migrate_core::fold::type_name;
/// use migrate_core::model::{ColumnType, Scalar};
/// use migrate_core::render::Dialect;
///
/// assert_eq!(type_name(&ColumnType::Scalar(Scalar::Boolean), Dialect::Mysql), "tinyint(1)");
/// assert_eq!(type_name(&ColumnType::Scalar(Scalar::Timestamptz), Dialect::Mysql), "datetime(6)");
/// ```
pub fn type_name(ty: &ColumnType, dialect: Dialect) -> String {
    match dialect {
        Dialect::Sqlite => return crate::render::sqlite_type(ty),
        Dialect::Mysql => return mysql_type(ty, &[]),
        Dialect::Postgres => {}
    }
    let scalar = |scalar: &Scalar| -> String {
        match scalar {
            Scalar::SmallInt => "smallint".into(),
            Scalar::Integer => "integer".into(),
            Scalar::BigInt => "bigint".into(),
            Scalar::Real => "real".into(),
            Scalar::DoublePrecision => "double precision".into(),
            Scalar::Numeric(None) => "numeric".into(),
            Scalar::Numeric(Some((precision, scale))) => format!("numeric({precision},{scale})"),
            Scalar::Text => "text".into(),
            Scalar::Varchar(length) => format!("character varying({length})"),
            Scalar::Char(length) => format!("character({length})"),
            Scalar::Boolean => "boolean".into(),
            Scalar::Uuid => "uuid".into(),
            Scalar::Date => "date".into(),
            Scalar::Time => "time without time zone".into(),
            Scalar::Timestamp => "timestamp without time zone".into(),
            Scalar::Timestamptz => "timestamp with time zone".into(),
            Scalar::Interval => "interval".into(),
            Scalar::Json => "json".into(),
            Scalar::Jsonb => "jsonb".into(),
            Scalar::Bytea => "bytea".into(),
            Scalar::Enum(name) => name.to_string(),
        }
    };
    match ty {
        ColumnType::Scalar(value) => scalar(value),
        ColumnType::Array(value) => format!("{}[]", scalar(value)),
    }
}

/// The type MySQL and MariaDB read back for the renderer's spelling of `ty` (see
/// `render::mysql::type_sql`): `INT` is `int`, `BOOLEAN` is `tinyint(1)`, `TEXT` is written
/// `LONGTEXT`, an enum is `enum('a','b')` with the labels `enums` gives it (its name when they
/// do not know it), an array is `json`. MariaDB's `JSON` is a `longtext` with a `json_valid`
/// check, which the runtime's reader reads back as `json`.
fn mysql_type(ty: &ColumnType, enums: &[crate::model::EnumType]) -> String {
    let scalar = match ty {
        ColumnType::Array(_) => return "json".into(),
        ColumnType::Scalar(scalar) => scalar,
    };
    match scalar {
        Scalar::SmallInt => "smallint".into(),
        Scalar::Integer => "int".into(),
        Scalar::BigInt => "bigint".into(),
        Scalar::Real => "float".into(),
        Scalar::DoublePrecision => "double".into(),
        Scalar::Numeric(None) => "decimal(65,30)".into(),
        Scalar::Numeric(Some((precision, scale))) => format!("decimal({precision},{scale})"),
        Scalar::Text => "longtext".into(),
        Scalar::Varchar(length) => format!("varchar({length})"),
        Scalar::Char(length) => format!("char({length})"),
        Scalar::Boolean => "tinyint(1)".into(),
        Scalar::Uuid => "char(36)".into(),
        Scalar::Date => "date".into(),
        Scalar::Time => "time(6)".into(),
        Scalar::Timestamp | Scalar::Timestamptz => "datetime(6)".into(),
        // Never built: the renderer refuses it.
        Scalar::Interval => "interval".into(),
        Scalar::Json | Scalar::Jsonb => "json".into(),
        Scalar::Bytea => "longblob".into(),
        Scalar::Enum(name) => match enums.iter().find(|ty| ty.name == *name) {
            Some(ty) => format!(
                "enum({})",
                ty.values
                    .iter()
                    .map(|label| Dialect::Mysql.quote_literal(label))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            None => name.to_string(),
        },
    }
}

/// `int(11)` → `int`: the display width MariaDB and MySQL 5 show for integer types says nothing
/// about the type (MySQL 8 no longer shows it), but `tinyint(1)` is how both spell a boolean.
fn without_display_width(column_type: &str) -> String {
    let lower = column_type.trim().to_lowercase();
    for integer in ["tinyint", "smallint", "mediumint", "int", "bigint"] {
        let Some(rest) = lower.strip_prefix(integer) else {
            continue;
        };
        let Some((width, after)) = rest.strip_prefix('(').and_then(|rest| rest.split_once(')'))
        else {
            continue;
        };
        if !width.is_empty() && width.chars().all(|c| c.is_ascii_digit()) {
            if integer == "tinyint" && width == "1" {
                return lower;
            }
            return format!("{integer}{after}");
        }
    }
    lower
}

/// What MariaDB's `information_schema.columns.COLUMN_DEFAULT` holds for the renderer's default
/// (see `render::mysql::default_sql`): literals quoted, `TRUE` as `1`, and the functions as the
/// server rewrites them (`CURRENT_DATE` is `curdate()`). An expression default written in
/// parentheses (`('[]')` on a JSON column) reads back without them.
fn mysql_default(default: &DefaultValue) -> String {
    use crate::model::SqlFunction;
    match default {
        DefaultValue::Null => "NULL".into(),
        DefaultValue::Bool(value) => if *value { "1" } else { "0" }.into(),
        DefaultValue::Int(text) | DefaultValue::Float(text) => text.to_string(),
        DefaultValue::Str(text) => Dialect::Mysql.quote_literal(text),
        DefaultValue::Function(function) => match function {
            SqlFunction::Now | SqlFunction::ClockTimestamp => "current_timestamp(6)".into(),
            SqlFunction::CurrentDate => "curdate()".into(),
            SqlFunction::GenRandomUuid => "uuid()".into(),
            SqlFunction::Random => "rand()".into(),
        },
        DefaultValue::Sql(sql) => sql.to_string(),
    }
}

/// A MySQL default in the words both sides share: [`normalize_default`]'s, then a number in
/// its shortest form (a `DECIMAL(10, 2)` column reads `1.5` back as `1.50`, a `DOUBLE` reads
/// `1e3` back as `1000`), and a `DATETIME(6)` or `TIME(6)` literal without the zeros the server
/// pads its fraction with (`'2020-01-01 00:00:00.500000'` is `'2020-01-01 00:00:00.5'`, and
/// `'2020-01-01 00:00:00'` is `'2020-01-01'`).
fn normalize_mysql_default(text: &str) -> String {
    // MariaDB writes a string one way in a literal default (`'it''s'`) and another in an
    // expression default (`'it\'s'`): the value, quoted again, is the same for both.
    let string = mysql_string_value(text.trim());
    let text = match &string {
        Some(value) => normalize_default(&Dialect::Mysql.quote_literal(value)),
        None => normalize_default(text),
    };
    // A string that holds a number stays as written: `'1.50'` is not `'1.5'`.
    let numeric = string.is_none()
        && text.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '.'))
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e'));
    if numeric {
        if let Ok(number) = text.parse::<f64>() {
            if number == 0.0 {
                return "0".into();
            }
            if number.is_finite() {
                return format!("{number}");
            }
        }
    }
    let Some(inner) = text
        .strip_prefix('\'')
        .and_then(|inner| inner.strip_suffix('\''))
    else {
        return text;
    };
    let temporal = |text: &str| {
        let bytes = text.as_bytes();
        bytes.len() >= 8
            && bytes[bytes.len() - 8..].iter().enumerate().all(|(at, c)| {
                if at % 3 == 2 {
                    *c == b':'
                } else {
                    c.is_ascii_digit()
                }
            })
    };
    let mut inner = inner.to_owned();
    if let Some((time, fraction)) = inner.rsplit_once('.') {
        if temporal(time) && !fraction.is_empty() && fraction.chars().all(|c| c.is_ascii_digit()) {
            let fraction = fraction.trim_end_matches('0');
            inner = if fraction.is_empty() {
                time.to_owned()
            } else {
                format!("{time}.{fraction}")
            };
        }
    }
    if let Some(date) = inner.strip_suffix(" 00:00:00") {
        let date_like = date.len() == 10
            && date.chars().enumerate().all(|(at, c)| {
                if at == 4 || at == 7 {
                    c == '-'
                } else {
                    c.is_ascii_digit()
                }
            });
        if date_like {
            inner = date.to_owned();
        }
    }
    format!("'{inner}'")
}

/// The value of `literal` when it is one MySQL string literal (`'…'`, with `''` or the
/// backslash escapes inside).
fn mysql_string_value(literal: &str) -> Option<String> {
    let mut chars = literal.strip_prefix('\'')?.chars();
    let mut value = String::new();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let escaped = chars.next()?;
                // `\%` and `\_` keep their backslash (they are for LIKE patterns).
                if matches!(escaped, '%' | '_') {
                    value.push('\\');
                }
                value.push(match escaped {
                    '0' => '\0',
                    'b' => '\u{8}',
                    'n' => '\n',
                    'r' => '\r',
                    't' => '\t',
                    'Z' => '\u{1a}',
                    other => other,
                });
            }
            '\'' => {
                let mut rest = chars.clone();
                match rest.next() {
                    Some('\'') => {
                        value.push('\'');
                        chars = rest;
                    }
                    // The closing quote: the literal must end there.
                    None => return Some(value),
                    Some(_) => return None,
                }
            }
            other => value.push(other),
        }
    }
    None
}

/// InnoDB checks `RESTRICT` and `NO ACTION` alike, at once, and reads an `ON UPDATE` that was
/// not written back as `RESTRICT`: both sides say `NO ACTION` for either.
pub fn mysql_referential_action(action: &str) -> &str {
    if action.eq_ignore_ascii_case("RESTRICT") {
        "NO ACTION"
    } else {
        action
    }
}

fn default_sql(default: &DefaultValue, dialect: Dialect) -> String {
    match (dialect, default) {
        (Dialect::Sqlite, _) => crate::render::sqlite_default(default),
        // `pg_get_expr` writes a string in the standard form (`'C:\dir'`), whichever form the
        // renderer sent it in (`E'C:\\dir'`).
        (_, DefaultValue::Str(text)) => crate::render::quote_literal(text),
        _ => crate::render::postgres_default(default),
    }
}

/// A default's text without what the server adds: `'open'::todo_status` → `'open'`,
/// `'-1'::integer` → `-1`, `(random())` → `random()`, case folded.
///
/// ```
/// use migrate_core::fold::normalize_default;
/// assert_eq!(normalize_default("'open'::todo_status"), "'open'");
/// assert_eq!(normalize_default("'-1'::integer"), "-1");
/// assert_eq!(normalize_default("'x'::character varying"), "'x'");
/// assert_eq!(normalize_default("CURRENT_TIMESTAMP"), "current_timestamp");
/// assert_eq!(normalize_default("(random())"), "random()");
/// ```
pub fn normalize_default(text: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = text.trim().chars().collect();
    let mut at = 0;
    let mut quoted = false;
    while at < chars.len() {
        let c = chars[at];
        if c == '\'' {
            quoted = !quoted;
        }
        if !quoted && c == ':' && chars.get(at + 1) == Some(&':') {
            at += 2;
            // The type name: words (`character varying`), quotes, `[]`, `(n)`.
            while at < chars.len() {
                let c = chars[at];
                let word = c.is_alphanumeric() || matches!(c, '_' | '"' | '.' | '[' | ']');
                let spaced_word =
                    c == ' ' && chars.get(at + 1).is_some_and(|next| next.is_alphabetic());
                let modifier = c == '(' && chars.get(at + 1).is_some_and(char::is_ascii_digit);
                if modifier {
                    while at < chars.len() && chars[at] != ')' {
                        at += 1;
                    }
                    at += 1;
                } else if word || spaced_word {
                    at += 1;
                } else {
                    break;
                }
            }
            continue;
        }
        out.push(c);
        at += 1;
    }
    let mut out = out.trim().to_lowercase();
    while out.starts_with('(') && out.ends_with(')') && balanced(&out[1..out.len() - 1]) {
        out = out[1..out.len() - 1].trim().to_owned();
    }
    let unquoted = out.trim_matches('\'');
    if out.starts_with('\'') && out.ends_with('\'') && unquoted.parse::<f64>().is_ok() {
        return unquoted.to_owned();
    }
    out
}

fn balanced(text: &str) -> bool {
    let mut depth = 0i32;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}
