//! MySQL and MariaDB rendering.
//!
//! Two things set this dialect apart, and both need the schema the chain built before the op
//! (a closed [`Simulation`]):
//! - enums are not types but inline `ENUM('a', 'b')` column types, so an enum column is written
//!   with the labels the chain gave its enum, and `add_enum_value` rewrites every column of it;
//! - a column is changed by restating its whole definition (`MODIFY COLUMN`), so `set_not_null`
//!   and `set_type` write the type, nullability and default the chain knows.
//!
//! On a table with rows every op that InnoDB can do online asks for it explicitly
//! (`ALGORITHM=INSTANT`, or `ALGORITHM=INPLACE, LOCK=NONE`): the server then refuses an op it
//! would otherwise do by silently copying the table under a write lock. The ops that have no
//! online form (a type change that is not a `varchar` widening, a foreign key or a check added to
//! a table with rows) are written plain; the compile-time rules for MySQL report them.
//!
//! What MySQL cannot express becomes [`Step::Unsupported`], which the runtime refuses before a
//! statement runs.

use super::{Dialect, Step};
use crate::model::{
    Column, ColumnChange, ColumnType, DefaultValue, Index, Op, Scalar, SqlFunction, Text,
};
use crate::schema::Simulation;

/// `` `name` `` with embedded backticks doubled.
fn q(name: &str) -> String {
    Dialect::Mysql.quote_ident(name)
}

fn list(names: &[Text]) -> String {
    names
        .iter()
        .map(|name| q(name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Online DDL for an `ALTER TABLE` that changes only metadata.
const INSTANT: &str = ", ALGORITHM=INSTANT";
/// Online DDL for an `ALTER TABLE` that builds or rebuilds while reads and writes go on.
const INPLACE: &str = ", ALGORITHM=INPLACE, LOCK=NONE";

/// `schema` is the chain's schema before `op`; `new_table` says the op's table was created
/// earlier in the same migration (no rows yet: the plain forms are harmless).
pub(super) fn render(op: &Op, new_table: bool, schema: &Simulation) -> Vec<Step> {
    let online = |clause: &str| if new_table { "" } else { clause }.to_owned();
    let sql = match op {
        Op::CreateTable(table) => {
            let mut parts = Vec::new();
            for column in table.columns.iter() {
                match column_def(column, schema) {
                    Ok(def) => parts.push(def),
                    Err(reason) => return unsupported(reason),
                }
            }
            if let Some(pk) = &table.primary_key {
                parts.push(format!(
                    "CONSTRAINT {} PRIMARY KEY ({})",
                    q(&pk.name),
                    list(&pk.columns)
                ));
            }
            format!("CREATE TABLE {} ({})", q(&table.name), parts.join(", "))
        }
        Op::DropTable(table) => format!("DROP TABLE {}", q(&table.name)),
        Op::AddColumn { table, column } => {
            let def = match column_def(column, schema) {
                Ok(def) => def,
                Err(reason) => return unsupported(reason),
            };
            // An expression default is evaluated for every existing row: no instant form. A stored
            // generated column is computed for every row by copying the table: no online form
            // at all (the `add_column_stored_generated` rule reports it); a virtual one is
            // metadata.
            let clause = match (&column.default, &column.generated) {
                (_, Some(generated)) if generated.stored => "",
                (Some(DefaultValue::Function(_) | DefaultValue::Sql(_)), _) => INPLACE,
                _ if column.identity => INPLACE,
                _ => INSTANT,
            };
            format!(
                "ALTER TABLE {} ADD COLUMN {def}{}",
                q(table),
                online(clause)
            )
        }
        Op::DropColumn { table, column } => format!(
            "ALTER TABLE {} DROP COLUMN {}{}",
            q(table),
            q(&column.name),
            online(INPLACE)
        ),
        Op::RenameTable { from, to } => format!("RENAME TABLE {} TO {}", q(from), q(to)),
        Op::RenameColumn { table, from, to } => format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {}{}",
            q(table),
            q(from),
            q(to),
            online(INPLACE)
        ),
        Op::AlterColumn {
            table,
            column,
            change,
        } => match change {
            ColumnChange::SetDefault { to, .. } => format!(
                "ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}{}",
                q(table),
                q(column),
                default_sql(to, column_type(schema, table, column).as_ref()),
                online(INSTANT)
            ),
            ColumnChange::DropDefault { .. } => format!(
                "ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT{}",
                q(table),
                q(column),
                online(INSTANT)
            ),
            ColumnChange::SetNotNull | ColumnChange::DropNotNull | ColumnChange::SetType { .. } => {
                let Some(mut current) = known_column(schema, table, column) else {
                    return unsupported(format!(
                        "MySQL changes a column by restating its whole definition, and the chain does not know the definition of `{table}.{column}` (raw SQL made or changed it): change it with `execute(\"ALTER TABLE … MODIFY COLUMN …\")`"
                    ));
                };
                let clause = match change {
                    ColumnChange::SetNotNull => {
                        current.nullable = false;
                        INPLACE
                    }
                    ColumnChange::DropNotNull => {
                        current.nullable = true;
                        INPLACE
                    }
                    ColumnChange::SetType { to, .. } => {
                        let widening = varchar_widening_in_place(&current.ty, to);
                        current.ty = to.clone();
                        // Any other type change copies the table: no online form to ask for.
                        if widening {
                            INPLACE
                        } else {
                            ""
                        }
                    }
                    _ => "",
                };
                let def = match column_def(&current, schema) {
                    Ok(def) => def,
                    Err(reason) => return unsupported(reason),
                };
                format!(
                    "ALTER TABLE {} MODIFY COLUMN {def}{}",
                    q(table),
                    online(clause)
                )
            }
        },
        Op::CreateIndex(index) => match create_index(index, new_table) {
            Ok(sql) => sql,
            Err(reason) => return unsupported(reason),
        },
        // MariaDB's `DROP INDEX` takes no algorithm: the `ALTER TABLE` form, which both do.
        Op::DropIndex(index) => format!(
            "ALTER TABLE {} DROP INDEX {}{}",
            q(&index.table),
            q(&index.name),
            online(INPLACE)
        ),
        // No online form while foreign_key_checks is on: the `mysql_foreign_key` rule says so.
        Op::AddForeignKey(fk) => format!(
            "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {}{}",
            q(&fk.table),
            q(&fk.name),
            list(&fk.columns),
            q(&fk.referenced_table),
            list(&fk.referenced_columns),
            fk.on_delete.sql(),
            super::on_update_sql(fk)
        ),
        Op::DropForeignKey(fk) => format!(
            "ALTER TABLE {} DROP FOREIGN KEY {}{}",
            q(&fk.table),
            q(&fk.name),
            online(INPLACE)
        ),
        // Checked against every row under a write lock: the `mysql_check_constraint` rule.
        Op::AddCheck(check) => format!(
            "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({})",
            q(&check.table),
            q(&check.name),
            check.expr
        ),
        Op::DropCheck(check) => format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            q(&check.table),
            q(&check.name)
        ),
        Op::AddUnique(unique) => format!(
            "ALTER TABLE {} ADD CONSTRAINT {} UNIQUE ({}){}",
            q(&unique.table),
            q(&unique.name),
            list(&unique.columns),
            online(INPLACE)
        ),
        // MySQL names every primary key `PRIMARY`: the name is the chain's alone.
        Op::AddPrimaryKey { table, key } => format!(
            "ALTER TABLE {} ADD PRIMARY KEY ({}){}",
            q(table),
            list(&key.columns),
            online(INPLACE)
        ),
        // InnoDB copies the table to drop a primary key without adding another.
        Op::DropPrimaryKey { table, .. } => format!("ALTER TABLE {} DROP PRIMARY KEY", q(table)),
        Op::DropUnique(unique) => format!(
            "ALTER TABLE {} DROP INDEX {}{}",
            q(&unique.table),
            q(&unique.name),
            online(INPLACE)
        ),
        // Enums live in their columns' types.
        Op::CreateEnum(_) | Op::DropEnum(_) => return Vec::new(),
        Op::AddEnumValue { enum_name, .. } | Op::DropEnumValue { enum_name, .. } => {
            return rewrite_enum_columns(op, enum_name, schema)
        }
        Op::InsertRows(rows) | Op::DeleteRows(rows) => {
            super::rows_sql(matches!(op, Op::DeleteRows(_)), rows, q, |value| {
                default_sql(value, None)
            })
        }
        Op::Execute { up, .. } => return super::raw_sql(up, Dialect::Mysql),
        Op::Backfill {
            table,
            set,
            filter,
            batch_size,
        } => {
            return vec![Step::Backfill {
                batch: format!(
                    "UPDATE {} SET {set} WHERE {filter} LIMIT {batch_size}",
                    q(table)
                ),
                remaining: format!("SELECT count(*) AS value FROM {} WHERE {filter}", q(table)),
                keyset: None,
            }]
        }
        Op::RunRust { up, .. } => {
            return vec![Step::RunRust {
                path: up.to_string(),
            }]
        }
    };
    vec![Step::Sql(sql)]
}

fn unsupported(reason: String) -> Vec<Step> {
    vec![Step::Unsupported(reason)]
}

/// A label added or removed changes the type of every column of the enum: each is restated with
/// the labels the enum has after the op. Appending keeps the stored numbers of the rows, so it is
/// instant; a label placed before others renumbers them and copies the table (the
/// `mysql_enum_reorder` rule reports it), as does a removal, which strict mode makes fail on a
/// row that holds the label.
fn rewrite_enum_columns(op: &Op, enum_name: &str, schema: &Simulation) -> Vec<Step> {
    let mut after = schema.clone();
    after.apply_at(op, crate::diagnostic::Section::Upgrade(0));
    let (Some(before), Some(labels)) =
        (schema.enum_labels(enum_name), after.enum_labels(enum_name))
    else {
        return unsupported(format!(
            "MySQL writes an enum's labels into each of its columns, and the chain does not know enum `{enum_name}`"
        ));
    };
    let appended = matches!(op, Op::AddEnumValue { .. }) && labels.starts_with(before);
    let mut steps = Vec::new();
    for (key, facts) in after.present() {
        let (crate::schema::Key::Column(table, column), crate::schema::Facts::Column(facts)) =
            (key, facts)
        else {
            continue;
        };
        if !matches!(&facts.ty, Some(ColumnType::Scalar(Scalar::Enum(name))) if name.as_ref() == enum_name)
        {
            continue;
        }
        let Some(current) = known_column(&after, table, column) else {
            return unsupported(format!(
                "MySQL restates every column of enum `{enum_name}` to add a label, and the chain does not know the definition of `{table}.{column}`"
            ));
        };
        let def = match column_def(&current, &after) {
            Ok(def) => def,
            Err(reason) => return unsupported(reason),
        };
        let clause = if appended { INSTANT } else { "" };
        steps.push(Step::Sql(format!(
            "ALTER TABLE {} MODIFY COLUMN {def}{clause}",
            q(table)
        )));
    }
    steps
}

/// MySQL widens a `varchar` in place while its length prefix stays one byte (up to 255 bytes,
/// 63 characters of `utf8mb4`) or was already two.
pub(crate) fn varchar_widening_in_place(from: &ColumnType, to: &ColumnType) -> bool {
    const ONE_BYTE_PREFIX_CHARS: u32 = 63;
    match (from, to) {
        (ColumnType::Scalar(Scalar::Varchar(from)), ColumnType::Scalar(Scalar::Varchar(to))) => {
            to >= from && (*to <= ONE_BYTE_PREFIX_CHARS || *from > ONE_BYTE_PREFIX_CHARS)
        }
        _ => false,
    }
}

fn column_type(schema: &Simulation, table: &str, column: &str) -> Option<ColumnType> {
    schema
        .column(table, column)
        .and_then(|facts| facts.ty.clone())
}

/// The column's whole definition, when the chain knows all of it.
fn known_column(schema: &Simulation, table: &str, column: &str) -> Option<Column> {
    let facts = schema.column(table, column)?;
    Some(Column {
        name: column.to_owned().into(),
        ty: facts.ty.clone()?,
        nullable: facts.nullable?,
        default: facts.default.clone()?,
        identity: facts.identity.unwrap_or(false),
        generated: facts.generated.clone()?,
    })
}

fn create_index(index: &Index, new_table: bool) -> Result<String, String> {
    if index.predicate.is_some() && index.unique {
        return Err(format!(
            "MySQL has no partial indexes, and `{}` without its `where:` would refuse rows the predicate lets through: enforce the rule another way on MySQL (a generated column holding the key only where the predicate holds, indexed unique)",
            index.name
        ));
    }
    // A partial index that is not unique becomes a full one: the same answers from a larger index.
    let unique = if index.unique { "UNIQUE " } else { "" };
    let online = if new_table {
        ""
    } else {
        " ALGORITHM=INPLACE LOCK=NONE"
    };
    Ok(format!(
        "CREATE {unique}INDEX {} ON {} ({}){online}",
        q(&index.name),
        q(&index.table),
        list(&index.columns)
    ))
}

fn column_def(column: &Column, schema: &Simulation) -> Result<String, String> {
    let mut sql = format!("{} {}", q(&column.name), type_sql(&column.ty, schema)?);
    if column.identity {
        sql.push_str(" AUTO_INCREMENT");
    }
    if let Some(generated) = &column.generated {
        // MariaDB takes no `NULL` after a generated column's expression, nor `NOT NULL` (MySQL
        // does): with `mysql` among the targets, the fold refuses a generated column that is
        // not `nullable`.
        sql.push_str(&super::generated_sql(generated));
        if !column.nullable {
            sql.push_str(" NOT NULL");
        }
        return Ok(sql);
    }
    sql.push_str(if column.nullable {
        " NULL"
    } else {
        " NOT NULL"
    });
    if let Some(default) = &column.default {
        sql.push_str(" DEFAULT ");
        sql.push_str(&default_sql(default, Some(&column.ty)));
    }
    Ok(sql)
}

/// MySQL's spelling of each type: see the README's table of types per backend.
pub(super) fn type_sql(ty: &ColumnType, schema: &Simulation) -> Result<String, String> {
    let scalar = match ty {
        // No arrays in MySQL: a JSON array, as SQLite stores them.
        ColumnType::Array(_) => return Ok("JSON".into()),
        ColumnType::Scalar(scalar) => scalar,
    };
    Ok(match scalar {
        Scalar::SmallInt => "SMALLINT".into(),
        Scalar::Integer => "INT".into(),
        Scalar::BigInt => "BIGINT".into(),
        Scalar::Real => "FLOAT".into(),
        Scalar::DoublePrecision => "DOUBLE".into(),
        // MySQL's bare DECIMAL is DECIMAL(10, 0), which would drop every fraction.
        Scalar::Numeric(None) => "DECIMAL(65, 30)".into(),
        Scalar::Numeric(Some((precision, scale))) => format!("DECIMAL({precision}, {scale})"),
        // PostgreSQL's `text` has no length limit; MySQL's TEXT stops at 64 KiB.
        Scalar::Text => "LONGTEXT".into(),
        Scalar::Varchar(len) => format!("VARCHAR({len})"),
        Scalar::Char(len) => format!("CHAR({len})"),
        Scalar::Boolean => "BOOLEAN".into(),
        Scalar::Uuid => "CHAR(36)".into(),
        Scalar::Date => "DATE".into(),
        Scalar::Time => "TIME(6)".into(),
        // MySQL's TIMESTAMP ends in 2038 and converts with the session time zone: DATETIME keeps
        // what it is given, which for `timestamptz` is UTC (see the README).
        Scalar::Timestamp | Scalar::Timestamptz => "DATETIME(6)".into(),
        Scalar::Interval => {
            return Err(
                "MySQL has no `interval` type: store a duration as `bigint` microseconds".into(),
            )
        }
        Scalar::Json | Scalar::Jsonb => "JSON".into(),
        Scalar::Bytea => "LONGBLOB".into(),
        Scalar::Enum(name) => match schema.enum_labels(name) {
            Some(labels) => format!(
                "ENUM({})",
                labels
                    .iter()
                    .map(|label| Dialect::Mysql.quote_literal(label))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => {
                return Err(format!(
                    "MySQL writes an enum's labels into each of its columns, and the chain does not know enum `{name}`"
                ))
            }
        },
    })
}

/// `ty` is the column's type where known: MySQL takes a literal default on a TEXT, BLOB or JSON
/// column only as an expression.
pub(super) fn default_sql(default: &DefaultValue, ty: Option<&ColumnType>) -> String {
    let expression_only = matches!(
        ty,
        Some(
            ColumnType::Array(_)
                | ColumnType::Scalar(Scalar::Text | Scalar::Json | Scalar::Jsonb | Scalar::Bytea)
        )
    );
    let literal = |sql: String| {
        if expression_only {
            format!("({sql})")
        } else {
            sql
        }
    };
    match default {
        DefaultValue::Null => "NULL".into(),
        DefaultValue::Bool(value) => literal(if *value { "TRUE" } else { "FALSE" }.into()),
        DefaultValue::Int(text) | DefaultValue::Float(text) => literal(text.to_string()),
        DefaultValue::Str(text) => literal(Dialect::Mysql.quote_literal(text)),
        DefaultValue::Function(function) => match function {
            SqlFunction::Now | SqlFunction::ClockTimestamp => "CURRENT_TIMESTAMP(6)".into(),
            SqlFunction::CurrentDate => "(CURRENT_DATE)".into(),
            SqlFunction::GenRandomUuid => "(UUID())".into(),
            SqlFunction::Random => "(RAND())".into(),
        },
        DefaultValue::Sql(sql) => format!("({sql})"),
    }
}
