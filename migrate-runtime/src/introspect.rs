//! The live schema, read from the catalogs in the words of `migrate_core::fold::Objects`, so it
//! compares with the schema the migrations build. The runtime's own tables are left out.
//!
//! PostgreSQL: `pg_class`, `pg_attribute`, `pg_index`, `pg_constraint` and `pg_enum` of the
//! current schema. SQLite: `sqlite_master` and the table pragmas; constraints there have no
//! names but the checks written into the table's definition.

use std::collections::BTreeMap;

use migrate_core::fold::{ForeignKeyFacts, Objects};
use migrate_core::render::{quote_literal, Dialect};

use crate::database::Database;
use crate::Error;

fn db_error(context: &'static str) -> impl Fn(diesel::result::Error) -> Error {
    move |source| Error::Database {
        context: context.into(),
        source,
    }
}

/// Every table, column, index, constraint and enum of the database.
pub(crate) fn live<C: Database>(conn: &mut C) -> Result<Objects, Error> {
    match conn.dialect() {
        Dialect::Postgres => postgres(conn),
        Dialect::Sqlite => sqlite(conn),
        Dialect::Mysql => Err(Error::Unsupported(
            "reading the live schema of a MySQL database (drift) is not supported yet".into(),
        )),
    }
}

/// MySQL: a query answering whether `op` has taken effect in the live schema (its table, column,
/// index or constraint exists, or no longer does), for the ops whose single statement fails when
/// run twice; `None` for the ops that can simply run again.
pub(crate) fn mysql_took_effect(op: &migrate_core::model::Op) -> Option<String> {
    use migrate_core::model::Op;
    let lit = |text: &str| Dialect::Mysql.quote_literal(text);
    let table = |name: &str| {
        format!(
            "EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = {})",
            lit(name)
        )
    };
    let column = |table: &str, name: &str| {
        format!(
            "EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = {} AND column_name = {})",
            lit(table),
            lit(name)
        )
    };
    let index = |table: &str, name: &str| {
        format!(
            "EXISTS (SELECT 1 FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = {} AND index_name = {})",
            lit(table),
            lit(name)
        )
    };
    let constraint = |table: &str, name: &str| {
        format!(
            "EXISTS (SELECT 1 FROM information_schema.table_constraints WHERE constraint_schema = DATABASE() AND table_name = {} AND constraint_name = {})",
            lit(table),
            lit(name)
        )
    };
    let condition = match op {
        Op::CreateTable(t) => table(&t.name),
        Op::DropTable(t) => format!("NOT {}", table(&t.name)),
        Op::RenameTable { from, to } => format!("{} AND NOT {}", table(to), table(from)),
        Op::AddColumn { table, column: c } => column(table, &c.name),
        Op::DropColumn { table, column: c } => format!("NOT {}", column(table, &c.name)),
        Op::RenameColumn { table, from, to } => {
            format!("{} AND NOT {}", column(table, to), column(table, from))
        }
        Op::CreateIndex(i) => index(&i.table, &i.name),
        Op::DropIndex(i) => format!("NOT {}", index(&i.table, &i.name)),
        Op::AddUnique(u) => index(&u.table, &u.name),
        Op::DropUnique(u) => format!("NOT {}", index(&u.table, &u.name)),
        Op::AddForeignKey(fk) => constraint(&fk.table, &fk.name),
        Op::DropForeignKey(fk) => format!("NOT {}", constraint(&fk.table, &fk.name)),
        Op::AddCheck(check) => constraint(&check.table, &check.name),
        Op::DropCheck(check) => format!("NOT {}", constraint(&check.table, &check.name)),
        _ => return None,
    };
    Some(format!("SELECT {condition} AS value"))
}

const PG_TABLES: &str = "c.relnamespace = to_regnamespace(current_schema())::oid AND c.relkind IN ('r', 'p') AND c.relname NOT LIKE 'migrate\\_%'";

/// `string_agg` of the attribute names of `keys` (an int2 array) of relation `rel`, in order.
fn pg_columns(keys: &str, rel: &str) -> String {
    format!(
        "(SELECT string_agg(a.attname, ',' ORDER BY k.ord) FROM unnest({keys}) WITH ORDINALITY AS k(attnum, ord) JOIN pg_attribute a ON a.attrelid = {rel} AND a.attnum = k.attnum)"
    )
}

fn postgres<C: Database>(conn: &mut C) -> Result<Objects, Error> {
    let mut objects = Objects::default();
    let read = db_error("reading the live schema");
    for [name, ..] in conn
        .query_texts(&format!(
            "SELECT c.relname AS a, NULL AS b, NULL AS c, NULL AS d FROM pg_class c WHERE {PG_TABLES}"
        ))
        .map_err(&read)?
    {
        objects.table(&name.unwrap_or_default());
    }
    for [table, column, ty, default] in conn
        .query_texts(&format!(
            "SELECT c.relname AS a, a.attname AS b,
                    format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END || CASE WHEN a.attidentity <> '' THEN ' identity' ELSE '' END AS c,
                    pg_get_expr(d.adbin, d.adrelid) AS d
             FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
             WHERE {PG_TABLES} AND a.attnum > 0 AND NOT a.attisdropped"
        ))
        .map_err(&read)?
    {
        let ty = ty.unwrap_or_default();
        let (ty, identity) = match ty.strip_suffix(" identity") {
            Some(ty) => (ty.to_owned(), true),
            None => (ty, false),
        };
        let (ty, not_null) = match ty.strip_suffix(" not null") {
            Some(ty) => (ty.to_owned(), true),
            None => (ty, false),
        };
        objects.column(
            &table.unwrap_or_default(),
            &column.unwrap_or_default(),
            &ty,
            not_null,
            identity,
            default.as_deref(),
        );
    }
    for [name, table, columns, flags] in conn
        .query_texts(&format!(
            "SELECT i.relname AS a, c.relname AS b, {} AS c,
                    CASE WHEN ix.indisunique THEN 'u' ELSE '' END || CASE WHEN ix.indpred IS NOT NULL THEN 'p' ELSE '' END AS d
             FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class c ON c.oid = ix.indrelid
             WHERE {PG_TABLES} AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = ix.indexrelid AND con.conrelid = ix.indrelid AND con.contype IN ('p', 'u', 'x'))",
            pg_columns("ix.indkey::int2[]", "ix.indrelid")
        ))
        .map_err(&read)?
    {
        let columns = columns.unwrap_or_default();
        let columns: Vec<&str> = columns.split(',').collect();
        let flags = flags.unwrap_or_default();
        objects.index(
            &name.unwrap_or_default(),
            &table.unwrap_or_default(),
            &columns,
            flags.contains('u'),
            flags.contains('p'),
        );
    }
    for [name, kind, table, detail] in conn
        .query_texts(&format!(
            "SELECT con.conname AS a, con.contype::text AS b, c.relname AS c,
                    {} || '|' || coalesce(f.relname, '') || '|' || coalesce({}, '') || '|' || con.confdeltype::text || '|' || con.confupdtype::text AS d
             FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid LEFT JOIN pg_class f ON f.oid = con.confrelid
             WHERE {PG_TABLES} AND con.contype IN ('p', 'u', 'f', 'c')",
            pg_columns("con.conkey", "con.conrelid"),
            pg_columns("con.confkey", "con.confrelid")
        ))
        .map_err(&read)?
    {
        let (name, table) = (name.unwrap_or_default(), table.unwrap_or_default());
        let detail = detail.unwrap_or_default();
        let parts: Vec<&str> = detail.split('|').collect();
        let columns: Vec<&str> = parts.first().map_or(Vec::new(), |c| c.split(',').collect());
        match kind.as_deref() {
            Some("p") => objects.primary_key(&table, Some(&name), &columns),
            Some("u") => objects.unique(&name, &table, &columns),
            Some("c") => objects.check(&name, &table),
            _ => {
                let referenced: Vec<&str> = parts.get(2).map_or(Vec::new(), |c| c.split(',').collect());
                let action = |code: Option<&str>| match code {
                    Some("r") => "RESTRICT",
                    Some("c") => "CASCADE",
                    Some("n") => "SET NULL",
                    Some("d") => "SET DEFAULT",
                    _ => "NO ACTION",
                };
                let (on_delete, on_update) =
                    (action(parts.get(3).copied()), action(parts.get(4).copied()));
                objects.foreign_key(&ForeignKeyFacts {
                    name: Some(&name),
                    table: &table,
                    columns: &columns,
                    referenced_table: parts.get(1).copied().unwrap_or_default(),
                    referenced_columns: &referenced,
                    on_delete,
                    on_update,
                });
            }
        }
    }
    for [kind, name, ..] in conn
        .query_texts(
            "SELECT 'view' AS a, c.relname AS b, NULL AS c, NULL AS d FROM pg_class c
             WHERE c.relnamespace = to_regnamespace(current_schema())::oid AND c.relkind IN ('v', 'm')
             UNION ALL
             SELECT 'trigger', t.tgname, NULL, NULL FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
             WHERE c.relnamespace = to_regnamespace(current_schema())::oid AND NOT t.tgisinternal",
        )
        .map_err(&read)?
    {
        objects.raw_object(kind.as_deref().unwrap_or_default(), &name.unwrap_or_default());
    }
    for [name, values, ..] in conn
        .query_texts(
            "SELECT t.typname AS a, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS b, NULL AS c, NULL AS d
             FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
             WHERE t.typnamespace = to_regnamespace(current_schema())::oid GROUP BY t.typname",
        )
        .map_err(&read)?
    {
        let values = values.unwrap_or_default();
        let values: Vec<&str> = values.split(',').collect();
        objects.enum_type(&name.unwrap_or_default(), &values);
    }
    Ok(objects)
}

fn sqlite<C: Database>(conn: &mut C) -> Result<Objects, Error> {
    let mut objects = Objects::default();
    let read = db_error("reading the live schema");
    for [kind, name, ..] in conn
        .query_texts(
            "SELECT type AS a, name AS b, NULL AS c, NULL AS d FROM sqlite_master WHERE type IN ('view', 'trigger')",
        )
        .map_err(&read)?
    {
        objects.raw_object(kind.as_deref().unwrap_or_default(), &name.unwrap_or_default());
    }
    let tables = conn
        .query_texts(
            "SELECT name AS a, sql AS b, NULL AS c, NULL AS d FROM sqlite_master
             WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'migrate\\_%' ESCAPE '\\'",
        )
        .map_err(&read)?;
    for [table, create_sql, ..] in tables {
        let (table, create_sql) = (table.unwrap_or_default(), create_sql.unwrap_or_default());
        objects.table(&table);
        let autoincrement = create_sql.to_uppercase().contains("AUTOINCREMENT");
        let columns = conn
            .query_texts(&format!(
                "SELECT name AS a, type AS b, CAST(\"notnull\" AS text) || ',' || CAST(pk AS text) AS c, dflt_value AS d FROM pragma_table_xinfo({}) ORDER BY cid",
                quote_literal(&table)
            ))
            .map_err(&read)?;
        let mut key: BTreeMap<i64, String> = BTreeMap::new();
        for [name, ty, flags, _] in &columns {
            let flags = flags.as_deref().unwrap_or_default();
            let pk: i64 = flags
                .split(',')
                .nth(1)
                .and_then(|pk| pk.parse().ok())
                .unwrap_or(0);
            if pk > 0 {
                key.insert(pk, name.clone().unwrap_or_default());
            }
            let _ = ty;
        }
        for [name, ty, flags, default] in &columns {
            let flags = flags.as_deref().unwrap_or_default();
            let not_null = flags.starts_with('1');
            let name = name.clone().unwrap_or_default();
            let identity = autoincrement && key.len() == 1 && key.values().any(|k| *k == name);
            objects.column(
                &table,
                &name,
                ty.as_deref().unwrap_or_default(),
                not_null,
                identity,
                default.as_deref(),
            );
        }
        if !key.is_empty() {
            let key: Vec<&str> = key.values().map(String::as_str).collect();
            objects.primary_key(&table, None, &key);
        }
        for [name, unique, partial, origin] in conn
            .query_texts(&format!(
                "SELECT name AS a, CAST(\"unique\" AS text) AS b, CAST(partial AS text) AS c, origin AS d FROM pragma_index_list({})",
                quote_literal(&table)
            ))
            .map_err(&read)?
        {
            if origin.as_deref() != Some("c") {
                continue;
            }
            let name = name.unwrap_or_default();
            let columns: Vec<String> = conn
                .query_texts(&format!(
                    "SELECT name AS a, NULL AS b, NULL AS c, NULL AS d FROM pragma_index_info({}) ORDER BY seqno",
                    quote_literal(&name)
                ))
                .map_err(&read)?
                .into_iter()
                .map(|[column, ..]| column.unwrap_or_default())
                .collect();
            let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
            objects.index(
                &name,
                &table,
                &columns,
                unique.as_deref() == Some("1"),
                partial.as_deref() == Some("1"),
            );
        }
        let mut foreign: BTreeMap<String, (String, Vec<String>, Vec<String>, String)> =
            BTreeMap::new();
        for [id, parent, pair, on_delete] in conn
            .query_texts(&format!(
                "SELECT CAST(id AS text) AS a, \"table\" AS b, \"from\" || ',' || \"to\" AS c, on_delete || ',' || on_update AS d FROM pragma_foreign_key_list({}) ORDER BY id, seq",
                quote_literal(&table)
            ))
            .map_err(&read)?
        {
            let entry = foreign.entry(id.unwrap_or_default()).or_insert_with(|| {
                (parent.unwrap_or_default(), Vec::new(), Vec::new(), on_delete.unwrap_or_default())
            });
            let pair = pair.unwrap_or_default();
            let (from, to) = pair.split_once(',').unwrap_or((&pair, ""));
            entry.1.push(from.to_owned());
            entry.2.push(to.to_owned());
        }
        for (parent, from, to, on_delete) in foreign.values() {
            let from: Vec<&str> = from.iter().map(String::as_str).collect();
            let to: Vec<&str> = to.iter().map(String::as_str).collect();
            let (on_delete, on_update) = on_delete.split_once(',').unwrap_or((on_delete, ""));
            objects.foreign_key(&ForeignKeyFacts {
                name: None,
                table: &table,
                columns: &from,
                referenced_table: parent,
                referenced_columns: &to,
                on_delete,
                on_update,
            });
        }
        let names: Vec<String> = columns
            .iter()
            .map(|[name, ..]| name.clone().unwrap_or_default())
            .collect();
        for check in crate::sqlite_rebuild::check_names(&create_sql, &names) {
            objects.check(&check, &table);
        }
    }
    Ok(objects)
}
