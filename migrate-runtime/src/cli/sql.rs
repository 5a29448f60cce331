//! `sql`: the script of a range, without a database, from the function a real run uses
//! ([`Migrator::sql`](crate::Migrator::sql)); `schema`: the schema the chain builds
//! ([`Migrator::schema`](crate::Migrator::schema)), as DDL, JSON or a diesel module.
//!
//! A script that leaves steps out (Rust data steps, SQLite table rebuilds) is an error unless
//! `--allow-partial` is given: piped into a database and followed by `stamp`, it would record a
//! schema that was never built, and nothing in the script's output would have said so.

use migrate_core::render::Dialect;

use super::{json, CliError, Context, DialectArg};
use crate::SqlRange;

pub(super) fn sql(
    context: &Context<'_>,
    range: &SqlRange,
    dialect: Option<DialectArg>,
    allow_partial: bool,
) -> Result<String, CliError> {
    // Without `--dialect`, the database URL says which, without connecting to it.
    let dialect = match (dialect, context.database_url.as_deref()) {
        (Some(dialect), _) => Dialect::from(dialect),
        (None, Some(url)) => of_url(url),
        (None, None) => return Err(CliError::NoDialect),
    };
    let script = context.migrator()?.sql(range, dialect)?;
    let missing: Vec<String> = script.missing.iter().map(ToString::to_string).collect();
    if !missing.is_empty() {
        if !allow_partial {
            return Err(CliError::PartialScript {
                range: range.clone(),
                missing,
            });
        }
        eprint!(
            "warning: the script of {range} leaves out {}; run {} before `migrate stamp`:\n  {}\n",
            steps(missing.len()),
            if missing.len() == 1 { "it" } else { "them" },
            missing.join("\n  ")
        );
    }
    if script.sql.is_empty() {
        return Ok(format!("-- nothing to run from {range}\n"));
    }
    Ok(script.sql)
}

/// "1 step that has no SQL", "2 steps that have no SQL".
pub(super) fn steps(count: usize) -> String {
    match count {
        1 => "1 step that has no SQL".to_owned(),
        _ => format!("{count} steps that have no SQL"),
    }
}

/// The dialect a database URL names, read from its scheme alone.
pub(super) fn of_url(url: &str) -> Dialect {
    let scheme = url.split_once("://").map(|(scheme, _)| scheme);
    match scheme {
        Some("postgres" | "postgresql") => Dialect::Postgres,
        Some("mysql" | "mariadb") => Dialect::Mysql,
        _ => Dialect::Sqlite,
    }
}

pub(super) fn schema(
    context: &Context<'_>,
    revision: Option<&str>,
    dialect: Option<DialectArg>,
    diesel: bool,
    as_json: bool,
) -> Result<String, CliError> {
    let dialect = match (dialect, context.database_url.as_deref()) {
        (Some(dialect), _) => Dialect::from(dialect),
        (None, Some(url)) => of_url(url),
        (None, None) => Dialect::Postgres,
    };
    let schema = context.migrator()?.schema(revision)?;
    if diesel {
        if dialect == Dialect::Mysql {
            return Err(CliError::NoDieselSchemaForMysql);
        }
        return Ok(migrate_core::render::diesel_schema(&schema, dialect));
    }
    if as_json {
        return Ok(format!("{}\n", schema_json(&schema)));
    }
    let mut out = String::new();
    let mut ops = schema.ops();
    if dialect == Dialect::Sqlite {
        ops = with_constraints_inline(ops);
    }
    for steps in migrate_core::render::render_ops(&ops, dialect) {
        for step in steps {
            out.push_str(&step.display_sql());
            out.push('\n');
        }
    }
    for table in &schema.opaque {
        out.push_str(&format!(
            "-- {}: defined by raw SQL (`execute`), not known here\n",
            migrate_core::render::quote_ident(table)
        ));
    }
    Ok(out)
}

/// SQLite has no `ADD CONSTRAINT`: a schema printed for it declares each foreign key and check
/// in its table's `CREATE TABLE`, where a database built from scratch would have them.
fn with_constraints_inline(ops: Vec<migrate_core::model::Op>) -> Vec<migrate_core::model::Op> {
    use migrate_core::model::Op;
    let (constraints, mut rest): (Vec<Op>, Vec<Op>) = ops
        .into_iter()
        .partition(|op| matches!(op, Op::AddForeignKey(_) | Op::AddCheck(_)));
    let mut inline: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for op in &constraints {
        if let (Some(table), Some(sql)) = (
            op.table(),
            migrate_core::render::sqlite_table_constraint(op),
        ) {
            inline.entry(table.to_owned()).or_default().push(sql);
        }
    }
    for op in &mut rest {
        if let Op::CreateTable(table) = op {
            if let Some(sql) = inline.remove(table.name.as_ref()) {
                // Carried as an `execute` so the renderer prints it as written.
                let create =
                    migrate_core::render::render(&Op::CreateTable(table.clone()), Dialect::Sqlite);
                if let [migrate_core::render::Step::Sql(create)] = create.as_slice() {
                    let body = create.trim_end_matches(')');
                    *op = Op::Execute {
                        up: format!("{body}, {})", sql.join(", ")).into(),
                        down: None,
                    };
                }
            }
        }
    }
    rest
}

fn schema_json(schema: &migrate_core::fold::Schema) -> String {
    let tables = schema.tables.iter().map(|table| {
        let columns = table.columns.iter().map(|column| {
            json::object(&[
                ("name", json::string(&column.name)),
                ("type", json::string(&column.ty.to_string())),
                ("nullable", column.nullable.to_string()),
                (
                    "default",
                    json::or_null(
                        column
                            .default
                            .as_ref()
                            .map(|d| json::string(&d.to_string())),
                    ),
                ),
                ("identity", column.identity.to_string()),
                (
                    "generated",
                    json::or_null(column.generated.as_ref().map(|generated| {
                        json::object(&[
                            ("expression", json::string(&generated.expr)),
                            ("stored", generated.stored.to_string()),
                        ])
                    })),
                ),
            ])
        });
        json::object(&[
            ("name", json::string(&table.name)),
            ("columns", json::array(columns)),
            (
                "primary_key",
                json::or_null(
                    table
                        .primary_key
                        .as_ref()
                        .map(|key| json::strings(key.columns.iter())),
                ),
            ),
        ])
    });
    let ops =
        |ops: Vec<migrate_core::model::Op>| json::strings(ops.iter().map(ToString::to_string));
    json::object(&[
        ("tables", json::array(tables)),
        (
            "enums",
            ops(schema
                .enums
                .iter()
                .cloned()
                .map(migrate_core::model::Op::CreateEnum)
                .collect()),
        ),
        (
            "indexes",
            ops(schema
                .indexes
                .iter()
                .cloned()
                .map(migrate_core::model::Op::CreateIndex)
                .collect()),
        ),
        (
            "constraints",
            ops(schema
                .uniques
                .iter()
                .cloned()
                .map(migrate_core::model::Op::AddUnique)
                .chain(
                    schema
                        .checks
                        .iter()
                        .cloned()
                        .map(migrate_core::model::Op::AddCheck),
                )
                .chain(
                    schema
                        .foreign_keys
                        .iter()
                        .cloned()
                        .map(migrate_core::model::Op::AddForeignKey),
                )
                .collect()),
        ),
        ("opaque", json::strings(&schema.opaque)),
    ])
}
