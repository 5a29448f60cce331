//! Drift: the differences between the schema the migrations build and a live database's.
//!
//! Both sides are put in the same words, one entry per object: the key names the object (`column
//! users.email`), the definition says what the database can tell about it (`text not null`,
//! `on users (email) unique`). The fold's side is written here from a [`Schema`]; the runtime
//! writes the live side from the catalogs with the same functions ([`Objects`]'s methods), so
//! the two compare as maps. What a catalog cannot tell back is left out on both sides: check
//! expressions and index predicates are compared by name and presence (the server rewrites their
//! text), and on SQLite, constraints have no names but checks.

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
                && (dialect == Dialect::Postgres || single_key == Some(column.name.as_ref()));
            let ty = match dialect {
                Dialect::Sqlite if identity => "INTEGER".to_owned(),
                _ => type_name(&column.ty, dialect),
            };
            let not_null = !column.nullable || (dialect == Dialect::Sqlite && identity);
            let default = match &column.default {
                None | Some(DefaultValue::Null) => Default::None,
                Some(DefaultValue::Sql(_)) => Default::Any,
                Some(default) => Default::Text(normalize_default(&default_sql(default, dialect))),
            };
            objects.column_entry(&table.name, &column.name, &ty, not_null, identity, default);
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
        objects.index(
            &index.name,
            &index.table,
            &columns,
            index.unique,
            index.predicate.is_some(),
        );
    }
    for unique in &schema.uniques {
        let columns = names(&unique.columns);
        let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
        match dialect {
            // A unique constraint is a unique index on SQLite.
            Dialect::Sqlite => objects.index(&unique.name, &unique.table, &columns, true, false),
            _ => objects.unique(&unique.name, &unique.table, &columns),
        }
    }
    for fk in &schema.foreign_keys {
        let columns = names(&fk.columns);
        let referenced = names(&fk.referenced_columns);
        let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
        let referenced: Vec<&str> = referenced.iter().map(String::as_str).collect();
        objects.foreign_key(&ForeignKeyFacts {
            name: (dialect == Dialect::Postgres).then_some(fk.name.as_ref()),
            table: &fk.table,
            columns: &columns,
            referenced_table: &fk.referenced_table,
            referenced_columns: &referenced,
            on_delete: fk.on_delete.sql(),
            on_update: fk.on_update.sql(),
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

/// A column type as the catalog spells it: `format_type` on PostgreSQL, the declared type on
/// SQLite (as the renderer declares it).
pub fn type_name(ty: &ColumnType, dialect: Dialect) -> String {
    if dialect == Dialect::Sqlite {
        return crate::render::sqlite_type(ty);
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

fn default_sql(default: &DefaultValue, dialect: Dialect) -> String {
    match dialect {
        Dialect::Sqlite => crate::render::sqlite_default(default),
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
