//! The diesel `schema` module of a folded schema, as `diesel print-schema` writes it for a
//! database migrated to the same revision: tables sorted by name, columns in their order, the
//! backend's SQL type names, `#[max_length]` on bounded text, `Nullable<…>` for nullable columns,
//! PostgreSQL enums as `sql_types`, a `joinable!` per unambiguous single-column foreign key, and
//! `allow_tables_to_appear_in_same_query!`. Tables diesel cannot use (no primary key) or whose
//! definition raw SQL owns are left out, each with a comment saying why.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::diesel_types::{camel_case, diesel_max_length, diesel_type_name};
use super::Dialect;
use crate::fold::Schema;
use crate::model::{Column, ColumnType, Scalar, Table};

/// The module's text, to be parsed as Rust.
///
/// ```
/// use migrate_core::fold::Schema;
/// use migrate_core::model::{Column, ColumnType, PrimaryKey, Scalar, Table};
/// use migrate_core::render::{diesel_schema, Dialect};
///
/// let column = |name: &'static str, scalar, nullable| Column { name: name.into(), ty: ColumnType::Scalar(scalar), nullable, default: None, identity: false, generated: None };
/// let schema = Schema {
///     tables: vec![Table {
///         name: "users".into(),
///         columns: vec![column("id", Scalar::BigInt, false), column("email", Scalar::Varchar(255), true)].into(),
///         primary_key: Some(PrimaryKey { name: "pk_users".into(), columns: vec!["id".into()].into() }),
///     }],
///     ..Schema::default()
/// };
/// assert_eq!(
///     diesel_schema(&schema, Dialect::Postgres),
///     "// @generated from the migrations by migrate.\n\ndiesel::table! {\n    users (id) {\n        id -> Int8,\n        #[max_length = 255]\n        email -> Nullable<Varchar>,\n    }\n}\n"
/// );
/// ```
pub fn diesel_schema(schema: &Schema, dialect: Dialect) -> String {
    let mut out = String::from("// @generated from the migrations by migrate.\n");
    let mut enums: Vec<&str> = match dialect {
        Dialect::Postgres => schema.enums.iter().map(|e| e.name.as_ref()).collect(),
        _ => Vec::new(),
    };
    enums.sort_unstable();
    if !enums.is_empty() {
        out.push_str("\npub mod sql_types {\n");
        for (index, name) in enums.iter().enumerate() {
            if index > 0 {
                out.push('\n');
            }
            let _ = writeln!(
                out,
                "    #[derive(diesel::sql_types::SqlType)]\n    #[diesel(postgres_type(name = \"{name}\"))]\n    pub struct {};",
                camel_case(name)
            );
        }
        out.push_str("}\n");
    }
    let mut tables: Vec<&Table> = Vec::new();
    let mut sorted: Vec<&Table> = schema.tables.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    for table in sorted {
        if schema.opaque.iter().any(|name| name == table.name.as_ref()) {
            let _ = writeln!(
                out,
                "\n// `{}` is left out: raw SQL defines it, so its columns are not known here.",
                table.name
            );
        } else if table.primary_key.is_none() {
            let _ = writeln!(
                out,
                "\n// `{}` is left out: diesel needs a primary key to name its rows.",
                table.name
            );
        } else {
            tables.push(table);
        }
    }
    for table in &tables {
        out.push('\n');
        out.push_str(&table_macro(table, dialect));
    }
    let names: Vec<&str> = tables.iter().map(|table| table.name.as_ref()).collect();
    let joins = joinables(schema, &names);
    if !joins.is_empty() {
        out.push('\n');
        for (child, parent, column) in joins {
            let _ = writeln!(out, "diesel::joinable!({child} -> {parent} ({column}));");
        }
    }
    if names.len() > 1 {
        let _ = writeln!(
            out,
            "\ndiesel::allow_tables_to_appear_in_same_query!({},);",
            names.join(", ")
        );
    }
    out
}

fn table_macro(table: &Table, dialect: Dialect) -> String {
    let mut out = String::from("diesel::table! {\n");
    let mut custom: Vec<String> = table
        .columns
        .iter()
        .filter_map(|column| match (&column.ty, dialect) {
            (
                ColumnType::Scalar(Scalar::Enum(name)) | ColumnType::Array(Scalar::Enum(name)),
                Dialect::Postgres,
            ) => Some(camel_case(name)),
            _ => None,
        })
        .collect();
    custom.sort_unstable();
    custom.dedup();
    if !custom.is_empty() {
        out.push_str("    use diesel::sql_types::*;\n");
        for name in &custom {
            let _ = writeln!(out, "    use super::sql_types::{name};");
        }
        out.push('\n');
    }
    let key: Vec<String> = table
        .primary_key
        .iter()
        .flat_map(|key| key.columns.iter().map(|column| rust_name(column).1))
        .collect();
    let _ = writeln!(out, "    {} ({}) {{", table.name, key.join(", "));
    for column in table.columns.iter() {
        let (sql_name, name) = rust_name(&column.name);
        if let Some(length) = diesel_max_length(column, dialect) {
            let _ = writeln!(out, "        #[max_length = {length}]");
        }
        if let Some(sql_name) = sql_name {
            let _ = writeln!(out, "        #[sql_name = \"{sql_name}\"]");
        }
        let _ = writeln!(out, "        {name} -> {},", sql_type(column, dialect));
    }
    out.push_str("    }\n}\n");
    out
}

/// The column's diesel type, as `print-schema` names it for the backend.
fn sql_type(column: &Column, dialect: Dialect) -> String {
    let ty = diesel_type_name(column, dialect);
    match column.nullable {
        true => format!("Nullable<{ty}>"),
        false => ty,
    }
}

/// Single-column foreign keys onto the referenced table's primary key, one per (child, parent)
/// pair: diesel cannot tell two joins between the same tables apart, and `print-schema` omits
/// those, as it omits a table joined to itself.
fn joinables<'a>(schema: &'a Schema, tables: &[&str]) -> Vec<(&'a str, &'a str, String)> {
    let mut pairs: BTreeMap<(&str, &str), Vec<String>> = BTreeMap::new();
    for fk in &schema.foreign_keys {
        let (child, parent) = (fk.table.as_ref(), fk.referenced_table.as_ref());
        if child == parent || !tables.contains(&child) || !tables.contains(&parent) {
            continue;
        }
        let onto_key = schema
            .table(parent)
            .and_then(|table| table.primary_key.as_ref())
            .is_some_and(|key| key.columns.as_ref() == fk.referenced_columns.as_ref());
        if fk.columns.len() == 1 && onto_key {
            pairs
                .entry((child, parent))
                .or_default()
                .push(rust_name(&fk.columns[0]).1);
        }
    }
    pairs
        .into_iter()
        .filter(|(_, columns)| columns.len() == 1)
        .map(|((child, parent), mut columns)| (child, parent, columns.remove(0)))
        .collect()
}

/// The Rust name of a column, and its SQL name when the two differ (a Rust keyword gets a `_`).
fn rust_name(column: &str) -> (Option<&str>, String) {
    const KEYWORDS: &[&str] = &[
        "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn",
        "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
        "return", "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe",
        "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do",
        "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
    ];
    if KEYWORDS.contains(&column) {
        (Some(column), format!("{column}_"))
    } else {
        (None, column.to_owned())
    }
}
