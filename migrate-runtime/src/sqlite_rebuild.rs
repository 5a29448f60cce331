//! SQLite has no `ALTER COLUMN` and no `ADD/DROP CONSTRAINT`: such ops rebuild the table, as the
//! SQLite documentation prescribes (https://www.sqlite.org/lang_altertable.html#otheralter):
//! create the new shape under a temporary name, copy the rows, drop the old table, rename, and
//! re-create its indexes. The runtime turns foreign keys off around the run so dropping the old
//! table cascades nothing, and checks the rebuilt table's foreign keys before going on.
//!
//! The new shape is derived from the live table: its `CREATE TABLE` text is split into columns and
//! constraints, the op edits that list, and a column being altered is re-declared from
//! `pragma_table_info`.

use migrate_core::model::{ColumnChange, ColumnType, Op};
use migrate_core::render::{ident_list, quote_ident as q, quote_literal};

use crate::database::Database;

/// Rebuilds `table` with `op` applied.
pub(crate) fn rebuild<C: Database>(conn: &mut C, table: &str, op: &Op) -> Result<(), String> {
    let query_error = |error: diesel::result::Error| error.to_string();
    let rows = conn
        .query_texts(&format!(
            "SELECT sql AS a, NULL AS b, NULL AS c, NULL AS d FROM sqlite_master WHERE type = 'table' AND name = {}",
            quote_literal(table)
        ))
        .map_err(query_error)?;
    let Some(create_sql) = rows.into_iter().next().and_then(|[sql, ..]| sql) else {
        return Err(format!("table {} does not exist", q(table)));
    };
    let indexes: Vec<String> = conn
        .query_texts(&format!(
            "SELECT sql AS a, NULL AS b, NULL AS c, NULL AS d FROM sqlite_master WHERE type = 'index' AND tbl_name = {} AND sql IS NOT NULL",
            quote_literal(table)
        ))
        .map_err(query_error)?
        .into_iter()
        .filter_map(|[sql, ..]| sql)
        .collect();
    let mut items = table_items(&create_sql)?;
    // The rows are copied column by column as the table has them now.
    let copied: Vec<String> = items
        .iter()
        .filter_map(|item| item_name(item))
        .map(|name| q(&name))
        .collect();
    match op {
        Op::AddColumn { column, .. } => items.push(migrate_core::render::sqlite_column(column)),
        Op::AddForeignKey(fk) => items.push(format!(
            "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {}",
            q(&fk.name),
            ident_list(&fk.columns),
            q(&fk.referenced_table),
            ident_list(&fk.referenced_columns),
            fk.on_delete.sql()
        )),
        Op::AddCheck(check) => items.push(format!(
            "CONSTRAINT {} CHECK ({})",
            q(&check.name),
            check.expr
        )),
        Op::DropForeignKey(fk) => remove_constraint(&mut items, &fk.name)?,
        Op::DropCheck(check) => remove_constraint(&mut items, &check.name)?,
        Op::AlterColumn { column, change, .. } => {
            let declared = column_info(conn, table, column)?;
            let position = items
                .iter()
                .position(|item| item_name(item).as_deref() == Some(column.as_ref()))
                .ok_or_else(|| format!("column {} is not in table {}", q(column), q(table)))?;
            if items[position].to_uppercase().contains("PRIMARY KEY") {
                return Err(format!(
                    "column {} is the table's identity primary key; SQLite cannot alter it",
                    q(column)
                ));
            }
            items[position] = altered_column(column, declared, change);
        }
        other => return Err(format!("`{}` needs no table rebuild", other.kind().name())),
    }

    let temporary = format!("_migrate_rebuild_{table}");
    let columns = copied.join(", ");
    let sql = format!(
        "CREATE TABLE {new} ({items});
         INSERT INTO {new} ({columns}) SELECT {columns} FROM {old};
         DROP TABLE {old};
         ALTER TABLE {new} RENAME TO {old};",
        new = q(&temporary),
        old = q(table),
        items = items.join(", "),
    );
    conn.batch_execute(&sql).map_err(query_error)?;
    for index in indexes {
        conn.batch_execute(&index).map_err(query_error)?;
    }
    let violations = conn
        .query_i64(&format!(
            "SELECT count(*) AS value FROM pragma_foreign_key_check({})",
            quote_literal(table)
        ))
        .map_err(query_error)?
        .unwrap_or(0);
    if violations > 0 {
        return Err(format!(
            "{violations} rows of {} violate its foreign keys after the change",
            q(table)
        ));
    }
    Ok(())
}

/// The declared type, NOT NULL flag and default of a live column.
struct Declared {
    ty: String,
    not_null: bool,
    default: Option<String>,
}

fn column_info<C: Database>(conn: &mut C, table: &str, column: &str) -> Result<Declared, String> {
    let rows = conn
        .query_texts(&format!(
            "SELECT name AS a, type AS b, CAST(\"notnull\" AS text) AS c, dflt_value AS d FROM pragma_table_info({})",
            quote_literal(table)
        ))
        .map_err(|error| error.to_string())?;
    rows.into_iter()
        .find(|[name, ..]| name.as_deref() == Some(column))
        .map(|[_, ty, not_null, default]| Declared {
            ty: ty.unwrap_or_default(),
            not_null: not_null.as_deref() == Some("1"),
            default,
        })
        .ok_or_else(|| format!("column {} is not in table {}", q(column), q(table)))
}

fn altered_column(column: &str, mut declared: Declared, change: &ColumnChange) -> String {
    match change {
        ColumnChange::SetType { to, .. } => declared.ty = sqlite_type(to),
        ColumnChange::SetNotNull => declared.not_null = true,
        ColumnChange::DropNotNull => declared.not_null = false,
        ColumnChange::SetDefault { to, .. } => {
            declared.default = Some(migrate_core::render::sqlite_default(to))
        }
        ColumnChange::DropDefault { .. } => declared.default = None,
    }
    let mut sql = format!("{} {}", q(column), declared.ty);
    if declared.not_null {
        sql.push_str(" NOT NULL");
    }
    if let Some(default) = declared.default {
        sql.push_str(" DEFAULT ");
        sql.push_str(&default);
    }
    sql
}

fn sqlite_type(ty: &ColumnType) -> String {
    migrate_core::render::sqlite_type(ty)
}

fn remove_constraint(items: &mut Vec<String>, name: &str) -> Result<(), String> {
    let prefix = format!("CONSTRAINT {}", q(name));
    let before = items.len();
    items.retain(|item| !item.trim_start().starts_with(&prefix));
    if items.len() == before {
        return Err(format!("the table has no constraint {}", q(name)));
    }
    Ok(())
}

/// The column name an item of a `CREATE TABLE` body declares, or `None` for a table constraint.
fn item_name(item: &str) -> Option<String> {
    let item = item.trim_start();
    let upper = item.to_uppercase();
    if ["CONSTRAINT", "PRIMARY", "FOREIGN", "CHECK", "UNIQUE"]
        .iter()
        .any(|keyword| upper.starts_with(keyword))
    {
        return None;
    }
    if let Some(rest) = item.strip_prefix('"') {
        let mut name = String::new();
        let mut chars = rest.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    name.push('"');
                } else {
                    return Some(name);
                }
            } else {
                name.push(c);
            }
        }
        return None;
    }
    item.split_whitespace().next().map(str::to_owned)
}

/// The top-level, comma-separated items between the outer parentheses of a `CREATE TABLE`.
fn table_items(create_sql: &str) -> Result<Vec<String>, String> {
    let start = create_sql
        .find('(')
        .ok_or_else(|| "unexpected CREATE TABLE text".to_owned())?;
    let end = create_sql
        .rfind(')')
        .ok_or_else(|| "unexpected CREATE TABLE text".to_owned())?;
    let body = &create_sql[start + 1..end];
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut current = String::new();
    for c in body.chars() {
        match quote {
            Some(open) => {
                if c == open {
                    quote = None;
                }
            }
            None => match c {
                '\'' | '"' | '`' => quote = Some(c),
                '[' => quote = Some(']'),
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                ',' if depth == 0 => {
                    items.push(current.trim().to_owned());
                    current.clear();
                    continue;
                }
                _ => {}
            },
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        items.push(current.trim().to_owned());
    }
    Ok(items)
}
