//! The canonical text of ops and migrations, in `migration!` syntax.
//!
//! One printer serves two purposes: its output is what the "missing downgrade" error offers to
//! paste, and it is what the checksum hashes. Hashing this text rather than the source means
//! formatting and comments never change a checksum, and renaming a Rust field in this crate never
//! does either.

use std::fmt::{self, Display, Formatter, Write as _};

use crate::model::{
    Column, ColumnChange, ColumnType, DefaultValue, Downgrade, EnumPosition, Generated, Migration,
    Mode, Op, RawSql, Scalar, SqlFunction,
};

/// The canonical text of a whole migration (without its doc comment, which is a comment).
///
/// `replaces:` is written only when the migration replaces others, so the text (and the checksum)
/// of every other migration is what it was before squashes existed.
pub fn migration(migration: &Migration) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "id: {:?}", migration.id);
    let _ = writeln!(out, "parents: [{}]", quoted_list(&migration.parents));
    if !migration.replaces.is_empty() {
        let _ = writeln!(out, "replaces: [{}]", quoted_list(&migration.replaces));
    }
    let mode = match migration.mode {
        Mode::Transactional => "transactional",
        Mode::NonTransactional => "non_transactional",
    };
    let _ = writeln!(out, "mode: {mode}");
    if let Some(ms) = migration.lock_timeout_ms {
        let _ = writeln!(out, "lock_timeout: {ms}ms");
    }
    if let Some(ms) = migration.statement_timeout_ms {
        let _ = writeln!(out, "statement_timeout: {ms}ms");
    }
    out.push_str("upgrade {\n");
    out.push_str(&block(&migration.upgrade));
    out.push_str("}\n");
    out.push_str(&downgrade(&migration.downgrade));
    out
}

/// `downgrade { … }` as it would be written in `migration!`.
pub fn downgrade(downgrade: &Downgrade) -> String {
    match downgrade {
        Downgrade::Ops(ops) => format!("downgrade {{\n{}}}\n", block(ops)),
        Downgrade::Irreversible(reason) => {
            format!("downgrade {{\n    irreversible({reason:?});\n}}\n")
        }
    }
}

/// One op per line, indented, each ending in `;`.
pub fn block(ops: &[Op]) -> String {
    ops.iter().map(|op| format!("    {op};\n")).collect()
}

fn quoted_list(items: &[crate::model::Text]) -> String {
    items
        .iter()
        .map(|item| format!("{item:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn idents(items: &[crate::model::Text]) -> String {
    items.join(", ")
}

impl Display for Op {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let name = self.kind().name();
        match self {
            Op::CreateTable(table) | Op::DropTable(table) => {
                write!(f, "{name}({}, {{ ", table.name)?;
                for (i, column) in table.columns.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{column}")?;
                }
                f.write_str(" }")?;
                if let Some(pk) = &table.primary_key {
                    write!(f, ", primary_key: {}({})", pk.name, idents(&pk.columns))?;
                }
                f.write_str(")")
            }
            Op::AddColumn { table, column } | Op::DropColumn { table, column } => {
                write!(f, "{name}({table}, {column})")
            }
            Op::RenameTable { from, to } => write!(f, "{name}({from} => {to})"),
            Op::RenameColumn { table, from, to } => write!(f, "{name}({table}, {from} => {to})"),
            Op::AlterColumn {
                table,
                column,
                change,
            } => write!(f, "{name}({table}, {column}, {change})"),
            Op::CreateIndex(index) | Op::DropIndex(index) => {
                write!(
                    f,
                    "{name}({}, {}({})",
                    index.name,
                    index.table,
                    idents(&index.columns)
                )?;
                if index.unique {
                    f.write_str(", unique")?;
                }
                if let Some(predicate) = &index.predicate {
                    write!(f, ", where: {predicate:?}")?;
                }
                if index.concurrently {
                    f.write_str(", concurrently")?;
                }
                f.write_str(")")
            }
            Op::AddForeignKey(fk) | Op::DropForeignKey(fk) => {
                write!(
                    f,
                    "{name}({}, {}({}), references: {}({}), on_delete: {}",
                    fk.name,
                    fk.table,
                    idents(&fk.columns),
                    fk.referenced_table,
                    idents(&fk.referenced_columns),
                    fk.on_delete.name()
                )?;
                // Written only when set, so the checksums of foreign keys without it stay.
                if fk.on_update != crate::model::ReferentialAction::NoAction {
                    write!(f, ", on_update: {}", fk.on_update.name())?;
                }
                f.write_str(")")
            }
            Op::AddCheck(check) | Op::DropCheck(check) => {
                write!(
                    f,
                    "{name}({}, {}, {:?})",
                    check.name, check.table, check.expr
                )
            }
            Op::AddUnique(unique) | Op::DropUnique(unique) => write!(
                f,
                "{name}({}, {}({}))",
                unique.name,
                unique.table,
                idents(&unique.columns)
            ),
            Op::InsertRows(rows) | Op::DeleteRows(rows) => {
                write!(f, "{name}({}, [", rows.table)?;
                for (index, row) in rows.values.iter().enumerate() {
                    f.write_str(if index == 0 { "{ " } else { ", { " })?;
                    for (position, (column, value)) in
                        rows.columns.iter().zip(row.iter()).enumerate()
                    {
                        if position > 0 {
                            f.write_str(", ")?;
                        }
                        write!(f, "{column}: {value}")?;
                    }
                    f.write_str(" }")?;
                }
                f.write_str("])")
            }
            Op::AddPrimaryKey { table, key } | Op::DropPrimaryKey { table, key } => {
                write!(f, "{name}({}, {table}({}))", key.name, idents(&key.columns))
            }
            Op::CreateEnum(ty) | Op::DropEnum(ty) => {
                write!(f, "{name}({}, [{}])", ty.name, quoted_list(&ty.values))
            }
            Op::AddEnumValue {
                enum_name,
                value,
                position,
            }
            | Op::DropEnumValue {
                enum_name,
                value,
                position,
            } => {
                write!(f, "{name}({enum_name}, {value:?}")?;
                match position {
                    Some(EnumPosition::Before(other)) => write!(f, ", before: {other:?}")?,
                    Some(EnumPosition::After(other)) => write!(f, ", after: {other:?}")?,
                    None => {}
                }
                f.write_str(")")
            }
            Op::Execute { up, down } => {
                write!(f, "{name}({}", CanonicalSql(up))?;
                if let Some(down) = down {
                    write!(f, ", down: {}", CanonicalSql(down))?;
                }
                f.write_str(")")
            }
            Op::Backfill {
                table,
                set,
                filter,
                batch_size,
            } => write!(
                f,
                "{name}({table}, set: {set:?}, where: {filter:?}, batch: {batch_size})"
            ),
            Op::RunRust { up, down } => {
                write!(f, "{name}(up: {up}")?;
                if let Some(down) = down {
                    write!(f, ", down: {down}")?;
                }
                f.write_str(")")
            }
        }
    }
}

impl Display for Column {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.ty)?;
        if self.nullable {
            f.write_str(" nullable")?;
        }
        if self.identity {
            f.write_str(" identity")?;
        }
        if let Some(default) = &self.default {
            write!(f, " default({default})")?;
        }
        // Written only when set, so the checksums of every other column stay.
        if let Some(generated) = &self.generated {
            write!(f, " {generated}")?;
        }
        Ok(())
    }
}

impl Display for Generated {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "generated({:?})", self.expr)?;
        if self.stored {
            f.write_str(" stored")?;
        }
        Ok(())
    }
}

impl Display for ColumnType {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            ColumnType::Scalar(scalar) => write!(f, "{scalar}"),
            ColumnType::Array(scalar) => write!(f, "array({scalar})"),
        }
    }
}

impl Display for Scalar {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::SmallInt => f.write_str("smallint"),
            Scalar::Integer => f.write_str("integer"),
            Scalar::BigInt => f.write_str("bigint"),
            Scalar::Real => f.write_str("real"),
            Scalar::DoublePrecision => f.write_str("double"),
            Scalar::Numeric(None) => f.write_str("numeric"),
            Scalar::Numeric(Some((precision, scale))) => {
                write!(f, "numeric({precision}, {scale})")
            }
            Scalar::Text => f.write_str("text"),
            Scalar::Varchar(len) => write!(f, "varchar({len})"),
            Scalar::Char(len) => write!(f, "char({len})"),
            Scalar::Boolean => f.write_str("boolean"),
            Scalar::Uuid => f.write_str("uuid"),
            Scalar::Date => f.write_str("date"),
            Scalar::Time => f.write_str("time"),
            Scalar::Timestamp => f.write_str("timestamp"),
            Scalar::Timestamptz => f.write_str("timestamptz"),
            Scalar::Interval => f.write_str("interval"),
            Scalar::Json => f.write_str("json"),
            Scalar::Jsonb => f.write_str("jsonb"),
            Scalar::Bytea => f.write_str("bytea"),
            Scalar::Enum(name) => write!(f, "enum({name})"),
        }
    }
}

impl Display for DefaultValue {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            DefaultValue::Null => f.write_str("null"),
            DefaultValue::Bool(value) => write!(f, "{value}"),
            DefaultValue::Int(text) | DefaultValue::Float(text) => f.write_str(text),
            DefaultValue::Str(text) => write!(f, "{text:?}"),
            // `current_date` is an SQL keyword, not a call.
            DefaultValue::Function(SqlFunction::CurrentDate) => f.write_str("current_date"),
            DefaultValue::Function(function) => write!(f, "{}()", function.name()),
            DefaultValue::Sql(sql) => write!(f, "sql({sql:?})"),
        }
    }
}

impl Display for ColumnChange {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            ColumnChange::SetType { to, from, using } => {
                write!(f, "set_type({to}, from: {from}")?;
                if let Some(using) = using {
                    write!(f, ", using: {using:?}")?;
                }
                f.write_str(")")
            }
            ColumnChange::SetNotNull => f.write_str("set_not_null"),
            ColumnChange::DropNotNull => f.write_str("drop_not_null"),
            ColumnChange::SetDefault { to, from } => match from {
                Some(from) => write!(f, "set_default({to}, from: {from})"),
                None => write!(f, "set_default({to}, from: none)"),
            },
            ColumnChange::DropDefault { was } => write!(f, "drop_default(was: {was})"),
        }
    }
}

/// `"sql"` for portable SQL (the form checksums were first computed with), `(postgres: "…",
/// sqlite: none)` per dialect.
struct CanonicalSql<'a>(&'a RawSql);

impl Display for CanonicalSql<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.0 {
            RawSql::Portable(sql) => write!(f, "{sql:?}"),
            RawSql::PerDialect(texts) => {
                f.write_str("(")?;
                for (position, (dialect, sql)) in texts.iter().enumerate() {
                    if position > 0 {
                        f.write_str(", ")?;
                    }
                    match sql.is_empty() {
                        true => write!(f, "{}: none", dialect.name())?,
                        false => write!(f, "{}: {sql:?}", dialect.name())?,
                    }
                }
                f.write_str(")")
            }
        }
    }
}
