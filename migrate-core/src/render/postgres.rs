//! PostgreSQL rendering.

use super::{generated_name, ident_list, quote_ident as q, Dialect, Step};
use crate::model::{
    Column, ColumnChange, ColumnType, DefaultValue, EnumPosition, Index, Op, Scalar, SqlFunction,
};
use crate::schema::{Facts, Key, Simulation};

/// `new_table`: the op's table was created earlier in the same migration, so it has no rows and
/// the plain, locking forms are harmless; `unseen`: it was created in the transaction this op runs
/// in, so no other session can even see it, and an index `concurrently` is built in the plain form
/// too. Otherwise constraints are added `NOT VALID` and
/// validated in a later transaction, `SET NOT NULL` is proven by a validated check first, and a
/// unique constraint is attached to an index built concurrently.
pub(super) fn render(op: &Op, new_table: bool, unseen: bool, schema: &Simulation) -> Vec<Step> {
    if let Some(refused) = virtual_column(op) {
        return refused;
    }
    let sql = match op {
        Op::CreateTable(table) => {
            let mut parts: Vec<String> = table.columns.iter().map(column_def).collect();
            if let Some(pk) = &table.primary_key {
                parts.push(format!(
                    "CONSTRAINT {} PRIMARY KEY ({})",
                    q(&pk.name),
                    ident_list(&pk.columns)
                ));
            }
            format!("CREATE TABLE {} ({})", q(&table.name), parts.join(", "))
        }
        Op::DropTable(table) => format!("DROP TABLE {}", q(&table.name)),
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
        Op::AlterColumn {
            table,
            column,
            change,
        } => {
            if matches!(change, ColumnChange::SetNotNull) && !new_table {
                return set_not_null_online(table, column);
            }
            if let ColumnChange::SetType {
                to,
                from,
                using: None,
            } = change
            {
                if is_timestamp_zone_change(from, to) {
                    // PostgreSQL keeps the stored values (no rewrite) only when the session's
                    // time zone is UTC: pinned for this statement, then set back.
                    return vec![Step::Sql(format!(
                        "SET LOCAL TIME ZONE 'UTC'; ALTER TABLE {} ALTER COLUMN {} TYPE {}; SET LOCAL TIME ZONE DEFAULT",
                        q(table),
                        q(column),
                        type_sql(to)
                    ))];
                }
            }
            let action = match change {
                ColumnChange::SetType { to, using, .. } => match using {
                    Some(using) => format!("TYPE {} USING {using}", type_sql(to)),
                    None => format!("TYPE {}", type_sql(to)),
                },
                ColumnChange::SetNotNull => "SET NOT NULL".to_owned(),
                ColumnChange::DropNotNull => "DROP NOT NULL".to_owned(),
                ColumnChange::SetDefault { to, .. } => format!("SET DEFAULT {}", default_sql(to)),
                ColumnChange::DropDefault { .. } => "DROP DEFAULT".to_owned(),
            };
            format!("ALTER TABLE {} ALTER COLUMN {} {action}", q(table), q(column))
        }
        Op::CreateIndex(index) if index.concurrently && !unseen => {
            return vec![
                Step::DropInvalidIndex(index.name.to_string()),
                Step::SqlOutsideTransaction(create_index(index, true)),
            ]
        }
        Op::CreateIndex(index) => create_index(index, false),
        Op::DropIndex(index) if index.concurrently && !unseen => {
            return vec![Step::SqlOutsideTransaction(format!(
                "DROP INDEX CONCURRENTLY IF EXISTS {}",
                q(&index.name)
            ))]
        }
        Op::DropIndex(index) => format!("DROP INDEX {}", q(&index.name)),
        Op::AddForeignKey(fk) => {
            let add = format!(
                "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {}{}",
                q(&fk.table),
                q(&fk.name),
                ident_list(&fk.columns),
                q(&fk.referenced_table),
                ident_list(&fk.referenced_columns),
                fk.on_delete.sql(),
                super::on_update_sql(fk)
            );
            return validated_later(&fk.table, &fk.name, add, new_table);
        }
        Op::DropForeignKey(fk) => drop_constraint(&fk.table, &fk.name),
        Op::AddCheck(check) => {
            let add = format!(
                "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({})",
                q(&check.table),
                q(&check.name),
                check.expr
            );
            return validated_later(&check.table, &check.name, add, new_table);
        }
        Op::DropCheck(check) => drop_constraint(&check.table, &check.name),
        Op::AddUnique(unique) if new_table => format!(
            "ALTER TABLE {} ADD CONSTRAINT {} UNIQUE ({})",
            q(&unique.table),
            q(&unique.name),
            ident_list(&unique.columns)
        ),
        // `ADD CONSTRAINT … UNIQUE` would build the index under ACCESS EXCLUSIVE.
        Op::AddUnique(unique) => {
            return vec![
                Step::DropInvalidIndex(unique.name.to_string()),
                Step::SqlOutsideTransaction(format!(
                    "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {} ON {} ({})",
                    q(&unique.name),
                    q(&unique.table),
                    ident_list(&unique.columns)
                )),
                Step::Sql(format!(
                    "ALTER TABLE {} ADD CONSTRAINT {} UNIQUE USING INDEX {}",
                    q(&unique.table),
                    q(&unique.name),
                    q(&unique.name)
                )),
            ]
        }
        Op::DropUnique(unique) => drop_constraint(&unique.table, &unique.name),
        Op::AddPrimaryKey { table, key } if new_table => format!(
            "ALTER TABLE {} ADD CONSTRAINT {} PRIMARY KEY ({})",
            q(table),
            q(&key.name),
            ident_list(&key.columns)
        ),
        // As for `add_unique`: the index is built concurrently, then becomes the key.
        Op::AddPrimaryKey { table, key } => {
            return vec![
                Step::DropInvalidIndex(key.name.to_string()),
                Step::SqlOutsideTransaction(format!(
                    "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS {} ON {} ({})",
                    q(&key.name),
                    q(table),
                    ident_list(&key.columns)
                )),
                Step::Sql(format!(
                    "ALTER TABLE {} ADD CONSTRAINT {} PRIMARY KEY USING INDEX {}",
                    q(table),
                    q(&key.name),
                    q(&key.name)
                )),
            ]
        }
        Op::DropPrimaryKey { table, key } => drop_constraint(table, &key.name),
        Op::CreateEnum(ty) => format!(
            "CREATE TYPE {} AS ENUM ({})",
            q(&ty.name),
            ty.values
                .iter()
                .map(|value| quote_literal(value))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Op::DropEnum(ty) => format!("DROP TYPE {}", q(&ty.name)),
        Op::AddEnumValue {
            enum_name,
            value,
            position,
        } => {
            let position = match position {
                Some(EnumPosition::Before(other)) => format!(" BEFORE {}", quote_literal(other)),
                Some(EnumPosition::After(other)) => format!(" AFTER {}", quote_literal(other)),
                None => String::new(),
            };
            format!(
                "ALTER TYPE {} ADD VALUE {}{position}",
                q(enum_name),
                quote_literal(value)
            )
        }
        Op::DropEnumValue {
            enum_name, value, ..
        } => return drop_enum_value(enum_name, value, schema),
        Op::InsertRows(rows) | Op::DeleteRows(rows) => {
            super::rows_sql(matches!(op, Op::DeleteRows(_)), rows, q, default_sql)
        }
        Op::Execute { up, .. } => return super::raw_sql(up, Dialect::Postgres),
        Op::Backfill {
            table,
            set,
            filter,
            batch_size,
        } => {
            return vec![Step::Backfill {
                batch: format!(
                    "UPDATE {t} SET {set} WHERE ctid IN (SELECT ctid FROM {t} WHERE {filter} LIMIT {batch_size})",
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

/// PostgreSQL cannot remove a label: the type is renamed away, made again without the label, every
/// column of it converted through `text` (a row holding the label fails the conversion, and the
/// migration's transaction with it), and the old type dropped. What is typed with the old type is
/// set aside around the conversion and made again after it: a column's default, and the partial
/// indexes and checks of the tables converted, whose expressions may compare with a label (the
/// conversion rewrites the table and rebuilds its indexes anyway).
fn drop_enum_value(enum_name: &str, value: &str, schema: &Simulation) -> Vec<Step> {
    let Some(labels) = schema.enum_labels(enum_name) else {
        return vec![Step::Unsupported(format!(
            "removing a label re-creates enum `{enum_name}` with the labels it keeps, and the chain does not know its labels (raw SQL made it)"
        ))];
    };
    let kept: Vec<String> = labels
        .iter()
        .filter(|label| label.as_str() != value)
        .map(|label| quote_literal(label))
        .collect();
    let old = generated_name(&format!("{enum_name}_before_drop"));
    let mut steps = vec![
        Step::Sql(format!("ALTER TYPE {} RENAME TO {}", q(enum_name), q(&old))),
        Step::Sql(format!(
            "CREATE TYPE {} AS ENUM ({})",
            q(enum_name),
            kept.join(", ")
        )),
    ];
    let converted: Vec<&str> = schema
        .present()
        .into_iter()
        .filter_map(|(key, facts)| match (key, facts) {
            (Key::Column(table, _), Facts::Column(facts))
                if matches!(&facts.ty, Some(ColumnType::Scalar(Scalar::Enum(name)) | ColumnType::Array(Scalar::Enum(name))) if name.as_ref() == enum_name) =>
            {
                Some(table.as_str())
            }
            _ => None,
        })
        .collect();
    let mut remade = Vec::new();
    for (_, facts) in schema.present() {
        match facts {
            Facts::Index(index)
                if index.predicate.is_some() && converted.contains(&index.table.as_ref()) =>
            {
                steps.push(Step::Sql(format!("DROP INDEX {}", q(&index.name))));
                remade.push(Step::Sql(create_index(index, false)));
            }
            Facts::Check(check) if converted.contains(&check.table.as_ref()) => {
                steps.push(Step::Sql(drop_constraint(&check.table, &check.name)));
                remade.push(Step::Sql(format!(
                    "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({})",
                    q(&check.table),
                    q(&check.name),
                    check.expr
                )));
            }
            _ => {}
        }
    }
    for (key, facts) in schema.present() {
        let (Key::Column(table, column), Facts::Column(facts)) = (key, facts) else {
            continue;
        };
        let array = match &facts.ty {
            Some(ColumnType::Scalar(Scalar::Enum(name))) if name.as_ref() == enum_name => false,
            Some(ColumnType::Array(Scalar::Enum(name))) if name.as_ref() == enum_name => true,
            _ => continue,
        };
        let default = facts.default.clone().flatten();
        if default.is_some() {
            steps.push(Step::Sql(format!(
                "ALTER TABLE {} ALTER COLUMN {} DROP DEFAULT",
                q(table),
                q(column)
            )));
        }
        let (ty, via) = match array {
            true => (format!("{}[]", q(enum_name)), "text[]"),
            false => (q(enum_name), "text"),
        };
        steps.push(Step::Sql(format!(
            "ALTER TABLE {t} ALTER COLUMN {c} TYPE {ty} USING {c}::{via}::{ty}",
            t = q(table),
            c = q(column)
        )));
        if let Some(default) = default {
            steps.push(Step::Sql(format!(
                "ALTER TABLE {} ALTER COLUMN {} SET DEFAULT {}",
                q(table),
                q(column),
                default_sql(&default)
            )));
        }
    }
    steps.extend(remade);
    steps.push(Step::Sql(format!("DROP TYPE {}", q(&old))));
    steps
}

/// `ADD CONSTRAINT … NOT VALID` (brief lock, no scan), then `VALIDATE CONSTRAINT` in its own
/// transaction (a scan that lets reads and writes go on).
fn validated_later(table: &str, name: &str, add: String, new_table: bool) -> Vec<Step> {
    if new_table {
        return vec![Step::Sql(add)];
    }
    vec![
        Step::Sql(format!("{add} NOT VALID")),
        Step::Sql(format!(
            "ALTER TABLE {} VALIDATE CONSTRAINT {}",
            q(table),
            q(name)
        )),
    ]
}

/// `SET NOT NULL` scans the table under ACCESS EXCLUSIVE unless a validated check already proves
/// the column has no NULL (PostgreSQL 12+): add the check `NOT VALID`, validate it without
/// blocking writes, set NOT NULL without a scan, drop the check.
///
/// The helper's name holds `$`, which no name a migration declares can (they are lower
/// snake_case): the conventional `ck_<table>_<column>_not_null` is a name users give their own
/// checks, and the two would collide.
fn not_null_helper(table: &str, column: &str) -> String {
    generated_name(&format!("migrate$not_null${table}${column}"))
}

/// After `VALIDATE` (step 1) or `SET NOT NULL` (step 2) of [`set_not_null_online`] failed, its
/// enforced helper check is dropped and the op starts over.
pub(super) fn rewind_after_failure(op: &Op, failed_step: usize) -> Option<super::Rewind> {
    match op {
        Op::AlterColumn {
            table,
            column,
            change: ColumnChange::SetNotNull,
        } if (1..=2).contains(&failed_step) => Some(super::Rewind {
            sql: format!(
                "ALTER TABLE {} DROP CONSTRAINT IF EXISTS {}",
                q(table),
                q(&not_null_helper(table, column))
            ),
            restart_at: 0,
        }),
        _ => None,
    }
}

fn set_not_null_online(table: &str, column: &str) -> Vec<Step> {
    let check = not_null_helper(table, column);
    vec![
        Step::Sql(format!(
            "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({} IS NOT NULL) NOT VALID",
            q(table),
            q(&check),
            q(column)
        )),
        Step::Sql(format!(
            "ALTER TABLE {} VALIDATE CONSTRAINT {}",
            q(table),
            q(&check)
        )),
        Step::Sql(format!(
            "ALTER TABLE {} ALTER COLUMN {} SET NOT NULL",
            q(table),
            q(column)
        )),
        Step::Sql(format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            q(table),
            q(&check)
        )),
    ]
}

fn create_index(index: &Index, concurrently: bool) -> String {
    let unique = if index.unique { "UNIQUE " } else { "" };
    // A retry after a crash may find the index built and valid (an INVALID one was dropped by the
    // step before): IF NOT EXISTS makes the build idempotent.
    let concurrently = if concurrently {
        "CONCURRENTLY IF NOT EXISTS "
    } else {
        ""
    };
    let mut sql = format!(
        "CREATE {unique}INDEX {concurrently}{} ON {} ({})",
        q(&index.name),
        q(&index.table),
        ident_list(&index.columns)
    );
    if let Some(predicate) = &index.predicate {
        sql.push_str(&format!(" WHERE {predicate}"));
    }
    sql
}

fn drop_constraint(table: &str, name: &str) -> String {
    format!("ALTER TABLE {} DROP CONSTRAINT {}", q(table), q(name))
}

/// PostgreSQL has virtual generated columns only from version 18: a column that needs one is
/// refused before the run starts (the `postgres_unsupported` rule refuses it at compile time in
/// a set that targets PostgreSQL).
fn virtual_column(op: &Op) -> Option<Vec<Step>> {
    let (table, columns) = match op {
        Op::CreateTable(table) => (&table.name, &table.columns[..]),
        Op::AddColumn { table, column } => (table, std::slice::from_ref(column)),
        _ => return None,
    };
    let column = columns.iter().find(|column| {
        column
            .generated
            .as_ref()
            .is_some_and(|generated| !generated.stored)
    })?;
    Some(vec![Step::Unsupported(format!(
        "{}.{} is a virtual generated column, which PostgreSQL has only from version 18: mark it `stored`",
        q(table),
        q(&column.name)
    ))])
}

fn column_def(column: &Column) -> String {
    let mut sql = format!("{} {}", q(&column.name), type_sql(&column.ty));
    if column.identity {
        sql.push_str(" GENERATED BY DEFAULT AS IDENTITY");
    }
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

pub(super) fn type_sql(ty: &ColumnType) -> String {
    match ty {
        ColumnType::Scalar(scalar) => scalar_sql(scalar),
        ColumnType::Array(scalar) => format!("{}[]", scalar_sql(scalar)),
    }
}

fn scalar_sql(scalar: &Scalar) -> String {
    match scalar {
        Scalar::SmallInt => "smallint".into(),
        Scalar::Integer => "integer".into(),
        Scalar::BigInt => "bigint".into(),
        Scalar::Real => "real".into(),
        Scalar::DoublePrecision => "double precision".into(),
        Scalar::Numeric(None) => "numeric".into(),
        Scalar::Numeric(Some((precision, scale))) => format!("numeric({precision}, {scale})"),
        Scalar::Text => "text".into(),
        Scalar::Varchar(len) => format!("varchar({len})"),
        Scalar::Char(len) => format!("char({len})"),
        Scalar::Boolean => "boolean".into(),
        Scalar::Uuid => "uuid".into(),
        Scalar::Date => "date".into(),
        Scalar::Time => "time".into(),
        Scalar::Timestamp => "timestamp".into(),
        Scalar::Timestamptz => "timestamptz".into(),
        Scalar::Interval => "interval".into(),
        Scalar::Json => "json".into(),
        Scalar::Jsonb => "jsonb".into(),
        Scalar::Bytea => "bytea".into(),
        Scalar::Enum(name) => q(name),
    }
}

/// Every literal of PostgreSQL SQL goes through here: see [`Dialect::quote_literal`].
fn quote_literal(text: &str) -> String {
    Dialect::Postgres.quote_literal(text)
}

pub(super) fn default_sql(default: &DefaultValue) -> String {
    match default {
        DefaultValue::Null => "NULL".into(),
        DefaultValue::Bool(value) => if *value { "TRUE" } else { "FALSE" }.into(),
        DefaultValue::Int(text) | DefaultValue::Float(text) => text.to_string(),
        DefaultValue::Str(text) => quote_literal(text),
        DefaultValue::Function(function) => match function {
            SqlFunction::Now => "now()".into(),
            SqlFunction::CurrentDate => "CURRENT_DATE".into(),
            SqlFunction::GenRandomUuid => "gen_random_uuid()".into(),
            SqlFunction::Random => "random()".into(),
            SqlFunction::ClockTimestamp => "clock_timestamp()".into(),
        },
        DefaultValue::Sql(sql) => format!("({sql})"),
    }
}

/// `timestamp` to `timestamptz` or back: the same bytes, read in the session's time zone.
fn is_timestamp_zone_change(from: &ColumnType, to: &ColumnType) -> bool {
    use crate::model::Scalar::{Timestamp, Timestamptz};
    matches!(
        (from, to),
        (
            ColumnType::Scalar(Timestamp),
            ColumnType::Scalar(Timestamptz)
        ) | (
            ColumnType::Scalar(Timestamptz),
            ColumnType::Scalar(Timestamp)
        )
    )
}
