//! SQLite rendering.
//!
//! SQLite has no enum types (enum columns are `TEXT`, and the enum ops render nothing), no
//! `ALTER COLUMN` and no `ADD/DROP CONSTRAINT` (those become a table rebuild, as does adding a
//! stored generated column, which `ADD COLUMN` refuses), and builds indexes
//! under its database lock whether or not `concurrently` was asked. A unique constraint is a
//! unique index, which SQLite treats the same.

use super::{ident_list, quote_ident as q, Dialect, Step};
use crate::model::{Column, ColumnType, DefaultValue, Index, Op, Scalar, SqlFunction};

pub(super) fn render(op: &Op) -> Vec<Step> {
    let sql = match op {
        Op::CreateTable(table) => {
            // SQLite only auto-increments a column declared exactly `INTEGER PRIMARY KEY`.
            let identity_pk = table.primary_key.as_ref().filter(|pk| {
                pk.columns.len() == 1
                    && table
                        .columns
                        .iter()
                        .any(|column| column.identity && column.name == pk.columns[0])
            });
            let mut parts = Vec::new();
            for column in table.columns.iter() {
                match identity_pk {
                    Some(pk) if pk.columns[0] == column.name => parts.push(format!(
                        "{} INTEGER NOT NULL CONSTRAINT {} PRIMARY KEY AUTOINCREMENT",
                        q(&column.name),
                        q(&pk.name)
                    )),
                    _ => parts.push(column_def(column)),
                }
            }
            if let (Some(pk), None) = (&table.primary_key, identity_pk) {
                parts.push(format!(
                    "CONSTRAINT {} PRIMARY KEY ({})",
                    q(&pk.name),
                    ident_list(&pk.columns)
                ));
            }
            format!("CREATE TABLE {} ({})", q(&table.name), parts.join(", "))
        }
        Op::DropTable(table) => format!("DROP TABLE {}", q(&table.name)),
        // SQLite refuses `ADD COLUMN` with a non-constant default on a table with rows, and
        // with a stored generated column on any table: the rebuild declares the column in the
        // new table, which computes it for every row copied in.
        Op::AddColumn { table, column }
            if matches!(
                column.default,
                Some(DefaultValue::Function(_) | DefaultValue::Sql(_))
            ) || column.generated.as_ref().is_some_and(|generated| generated.stored) =>
        {
            return rebuild(table, op)
        }
        Op::AddColumn { table, column } => {
            format!("ALTER TABLE {} ADD COLUMN {}", q(table), column_def(column))
        }
        Op::DropColumn { table, column } => {
            format!("ALTER TABLE {} DROP COLUMN {}", q(table), q(&column.name))
        }
        Op::RenameTable { from, to } => format!("ALTER TABLE {} RENAME TO {}", q(from), q(to)),
        Op::RenameColumn { table, from, to } => format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {}",
            q(table),
            q(from),
            q(to)
        ),
        Op::AlterColumn { table, .. } => return rebuild(table, op),
        Op::AddForeignKey(fk) | Op::DropForeignKey(fk) => return rebuild(&fk.table, op),
        Op::AddCheck(check) | Op::DropCheck(check) => return rebuild(&check.table, op),
        Op::AddPrimaryKey { table, .. } | Op::DropPrimaryKey { table, .. } => {
            return rebuild(table, op)
        }
        Op::CreateIndex(index) => create_index(index),
        Op::DropIndex(index) => format!("DROP INDEX {}", q(&index.name)),
        Op::AddUnique(unique) => format!(
            "CREATE UNIQUE INDEX {} ON {} ({})",
            q(&unique.name),
            q(&unique.table),
            ident_list(&unique.columns)
        ),
        Op::DropUnique(unique) => format!("DROP INDEX {}", q(&unique.name)),
        Op::CreateEnum(_)
        | Op::DropEnum(_)
        | Op::AddEnumValue { .. }
        | Op::DropEnumValue { .. } => return Vec::new(),
        Op::InsertRows(rows) | Op::DeleteRows(rows) => {
            super::rows_sql(matches!(op, Op::DeleteRows(_)), rows, q, default_sql)
        }
        Op::Execute { up, .. } => return super::raw_sql(up, Dialect::Sqlite),
        Op::Backfill {
            table,
            set,
            filter,
            batch_size,
        } => {
            return vec![Step::Backfill {
                batch: format!(
                    "UPDATE {t} SET {set} WHERE rowid IN (SELECT rowid FROM {t} WHERE {filter} LIMIT {batch_size})",
                    t = q(table)
                ),
                remaining: format!(
                    "SELECT CAST(count(*) AS bigint) AS value FROM {} WHERE {filter}",
                    q(table)
                ),
                keyset: None,
            }]
        }
        Op::RunRust { up, .. } => return vec![Step::RunRust { path: up.to_string() }],
    };
    vec![Step::Sql(sql)]
}

fn rebuild(table: &str, op: &Op) -> Vec<Step> {
    vec![Step::RebuildTable {
        table: table.to_owned(),
        op: op.clone(),
    }]
}

fn create_index(index: &Index) -> String {
    let unique = if index.unique { "UNIQUE " } else { "" };
    let mut sql = format!(
        "CREATE {unique}INDEX {} ON {} ({})",
        q(&index.name),
        q(&index.table),
        ident_list(&index.columns)
    );
    if let Some(predicate) = &index.predicate {
        sql.push_str(&format!(" WHERE {predicate}"));
    }
    sql
}

/// A column definition; public to the crate for the table rebuild.
pub(crate) fn column_def(column: &Column) -> String {
    let mut sql = format!("{} {}", q(&column.name), type_sql(&column.ty));
    if let Some(generated) = &column.generated {
        sql.push_str(&super::generated_sql(generated));
    }
    if !column.nullable {
        sql.push_str(" NOT NULL");
    }
    if let Some(default) = &column.default {
        sql.push_str(" DEFAULT ");
        sql.push_str(&default_sql(default));
    }
    sql
}

/// SQLite accepts any type name and derives an affinity from it; these names keep the declared
/// intent readable while landing on the right affinity (`UUID` would get NUMERIC, so it is TEXT).
pub(crate) fn type_sql(ty: &ColumnType) -> String {
    let ColumnType::Scalar(scalar) = ty else {
        // Arrays are stored as JSON text.
        return "TEXT".into();
    };
    match scalar {
        Scalar::SmallInt => "SMALLINT".into(),
        Scalar::Integer => "INTEGER".into(),
        Scalar::BigInt => "BIGINT".into(),
        Scalar::Real => "REAL".into(),
        Scalar::DoublePrecision => "DOUBLE".into(),
        Scalar::Numeric(None) => "NUMERIC".into(),
        Scalar::Numeric(Some((precision, scale))) => format!("NUMERIC({precision}, {scale})"),
        Scalar::Varchar(len) => format!("VARCHAR({len})"),
        Scalar::Char(len) => format!("CHAR({len})"),
        Scalar::Boolean => "BOOLEAN".into(),
        Scalar::Bytea => "BLOB".into(),
        Scalar::Text
        | Scalar::Uuid
        | Scalar::Date
        | Scalar::Time
        | Scalar::Timestamp
        | Scalar::Timestamptz
        | Scalar::Interval
        | Scalar::Json
        | Scalar::Jsonb
        | Scalar::Enum(_) => "TEXT".into(),
    }
}

pub(crate) fn default_sql(default: &DefaultValue) -> String {
    match default {
        DefaultValue::Null => "NULL".into(),
        DefaultValue::Bool(value) => if *value { "1" } else { "0" }.into(),
        DefaultValue::Int(text) | DefaultValue::Float(text) => text.to_string(),
        DefaultValue::Str(text) => Dialect::Sqlite.quote_literal(text),
        DefaultValue::Function(function) => match function {
            SqlFunction::Now | SqlFunction::ClockTimestamp => "CURRENT_TIMESTAMP".into(),
            SqlFunction::CurrentDate => "CURRENT_DATE".into(),
            SqlFunction::GenRandomUuid => "(lower(hex(randomblob(16))))".into(),
            SqlFunction::Random => "(random())".into(),
        },
        DefaultValue::Sql(sql) => format!("({sql})"),
    }
}
