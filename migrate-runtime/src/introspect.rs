//! The live schema, read from the catalogs in the words of `migrate_core::fold::Objects`, so it
//! compares with the schema the migrations build. The runtime's own tables are left out.
//!
//! PostgreSQL: `pg_class`, `pg_attribute`, `pg_index`, `pg_constraint` and `pg_enum` of the
//! current schema. SQLite: `sqlite_master` and the table pragmas; constraints there have no
//! names but the checks written into the table's definition. A generated column is read as one,
//! stored or virtual, on every backend (`attgenerated`, the pragma's `hidden`, MySQL's `extra`),
//! and its expression is not read: each server rewrites it its own way.
//!
//! MySQL and MariaDB: `information_schema` (`tables`, `columns`, `statistics`,
//! `key_column_usage`, `referential_constraints`, check constraints and `triggers`) of
//! `DATABASE()`. What the server reads back differently from what the renderer wrote is put in
//! the fold's words by `Objects::mysql_column` and `expected` (display widths, `tinyint(1)`,
//! padded numbers and fractions), and by this reader where the two servers differ: MariaDB
//! quotes string defaults and says `NULL` for a nullable column without one, MySQL 8 writes
//! literals bare and expressions with charset introducers; MariaDB's `JSON` is a `longtext`
//! with a column check `json_valid(…)` named after the column, read here as a `json` column
//! without that check. Every index is read from `statistics`, unique constraints included (the
//! server keeps a unique constraint as a unique index), except the primary key (always called
//! `PRIMARY`, so unnamed) and the index InnoDB adds for a foreign key that no index serves,
//! which is named after the foreign key and which no migration builds.

use std::collections::{BTreeMap, BTreeSet};

use migrate_core::fold::{mysql_referential_action, ForeignKeyFacts, Objects};
use migrate_core::render::{quote_literal, Dialect};

use crate::database::Database;
use crate::Error;

pub(crate) fn db_error(context: &'static str) -> impl Fn(diesel::result::Error) -> Error {
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
        Dialect::Mysql => mysql(conn),
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
        // MySQL names every primary key `PRIMARY`.
        Op::AddPrimaryKey { table, .. } => constraint(table, "PRIMARY"),
        Op::DropPrimaryKey { table, .. } => format!("NOT {}", constraint(table, "PRIMARY")),
        Op::DropCheck(check) => format!("NOT {}", constraint(&check.table, &check.name)),
        _ => return None,
    };
    Some(format!("SELECT {condition} AS value"))
}

pub(crate) const PG_TABLES: &str = "c.relnamespace = to_regnamespace(current_schema())::oid AND c.relkind IN ('r', 'p') AND c.relname NOT LIKE 'migrate\\_%'";

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
                    format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END || CASE WHEN a.attidentity <> '' THEN ' identity' ELSE '' END
                    || CASE a.attgenerated WHEN 's' THEN ' generated stored' WHEN 'v' THEN ' generated virtual' ELSE '' END AS c,
                    pg_get_expr(d.adbin, d.adrelid) AS d
             FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
             WHERE {PG_TABLES} AND a.attnum > 0 AND NOT a.attisdropped"
        ))
        .map_err(&read)?
    {
        let ty = ty.unwrap_or_default();
        // `pg_attrdef` holds a generated column's expression where it holds a default.
        let (ty, generated) = match (
            ty.strip_suffix(" generated stored"),
            ty.strip_suffix(" generated virtual"),
        ) {
            (Some(ty), _) => (ty.to_owned(), Some(true)),
            (_, Some(ty)) => (ty.to_owned(), Some(false)),
            _ => (ty, None),
        };
        let (ty, identity) = match ty.strip_suffix(" identity") {
            Some(ty) => (ty.to_owned(), true),
            None => (ty, false),
        };
        let (ty, not_null) = match ty.strip_suffix(" not null") {
            Some(ty) => (ty.to_owned(), true),
            None => (ty, false),
        };
        let (table, column) = (table.unwrap_or_default(), column.unwrap_or_default());
        objects.column(&table, &column, &ty, not_null, identity, default.as_deref());
        if let Some(stored) = generated {
            objects.generated(&table, &column, stored);
        }
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
                "SELECT name AS a, type AS b, CAST(\"notnull\" AS text) || ',' || CAST(pk AS text) || ',' || CAST(hidden AS text) AS c, dflt_value AS d FROM pragma_table_xinfo({}) ORDER BY cid",
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
                // The rowid is never NULL, declared so or not (`id INTEGER PRIMARY KEY`).
                not_null || identity,
                identity,
                default.as_deref(),
            );
            // `hidden` is 2 for a virtual generated column, 3 for a stored one.
            match flags.split(',').nth(2) {
                Some("2") => objects.generated(&table, &name, false),
                Some("3") => objects.generated(&table, &name, true),
                _ => {}
            }
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
        for (check, _) in crate::sqlite_rebuild::checks(&create_sql, &names) {
            objects.check(&check, &table);
        }
    }
    Ok(objects)
}

/// Whether `table` is one of the runtime's own tables, which no migration builds.
fn own_table(table: &str) -> bool {
    table.starts_with("migrate_")
}

/// `json_valid(`data`)`, MariaDB's check on a `JSON` column `data`: the column's name.
pub(crate) fn mariadb_json_check(clause: &str) -> Option<String> {
    let column = clause.strip_prefix("json_valid(`")?.strip_suffix("`)")?;
    Some(column.replace("``", "`"))
}

/// A MySQL 8 `COLUMN_DEFAULT` in MariaDB's words: a literal is stored bare (`open`, `5`) and is
/// quoted unless the column is a number; an expression (`DEFAULT_GENERATED`) is kept with its
/// string literals' charset introducers and escaped quotes (`_utf8mb4\'[]\'`) undone.
pub(crate) fn mysql8_default(default: &str, column_type: &str, extra: &str) -> String {
    if extra.to_lowercase().contains("default_generated") {
        let mut out = String::new();
        let mut rest = default;
        let mut inside = false;
        while let Some(at) = rest.find("\\'") {
            let before = &rest[..at];
            // `_utf8mb4` right before an opening quote is the literal's charset, not its value.
            let introducer = before.rfind('_').filter(|&underscore| {
                let charset = &before[underscore + 1..];
                !charset.is_empty()
                    && charset.chars().all(|c| c.is_ascii_alphanumeric())
                    && !before[..underscore]
                        .ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            });
            match introducer {
                Some(underscore) if !inside => out.push_str(&before[..underscore]),
                _ => out.push_str(before),
            }
            out.push('\'');
            inside = !inside;
            rest = &rest[at + 2..];
        }
        out.push_str(rest);
        return out;
    }
    let numeric = [
        "tinyint",
        "smallint",
        "mediumint",
        "int",
        "bigint",
        "decimal",
        "float",
        "double",
        "bit",
        "year",
    ]
    .iter()
    .any(|prefix| column_type.starts_with(prefix));
    if numeric {
        default.to_owned()
    } else {
        Dialect::Mysql.quote_literal(default)
    }
}

fn mysql<C: Database>(conn: &mut C) -> Result<Objects, Error> {
    let mut objects = Objects::default();
    let read = db_error("reading the live schema");
    let texts = |conn: &mut C, sql: &str| conn.query_texts(sql).map_err(&read);
    let mariadb = texts(
        conn,
        "SELECT VERSION() AS a, NULL AS b, NULL AS c, NULL AS d",
    )?
    .into_iter()
    .any(|[version, ..]| version.is_some_and(|version| version.to_lowercase().contains("mariadb")));

    let mut tables: BTreeSet<String> = BTreeSet::new();
    for [name, kind, ..] in texts(
        conn,
        "SELECT table_name AS a, table_type AS b, NULL AS c, NULL AS d
         FROM information_schema.tables WHERE table_schema = DATABASE()",
    )? {
        let name = name.unwrap_or_default();
        match kind.as_deref() {
            Some("VIEW") => objects.raw_object("view", &name),
            Some("SEQUENCE") => objects.raw_object("sequence", &name),
            _ if own_table(&name) => {}
            _ => {
                objects.table(&name);
                tables.insert(name);
            }
        }
    }
    for [name, ..] in texts(
        conn,
        "SELECT trigger_name AS a, NULL AS b, NULL AS c, NULL AS d
         FROM information_schema.triggers WHERE trigger_schema = DATABASE()",
    )? {
        objects.raw_object("trigger", &name.unwrap_or_default());
    }

    // Checks: MariaDB keeps each one's table and level; MySQL 8 names its checks per schema,
    // and has no `JSON` checks to leave out.
    let checks_sql = if mariadb {
        "SELECT constraint_name AS a, table_name AS b, check_clause AS c, level AS d
         FROM information_schema.check_constraints WHERE constraint_schema = DATABASE()"
    } else {
        "SELECT constraint_name AS a, table_name AS b, NULL AS c, NULL AS d
         FROM information_schema.table_constraints
         WHERE constraint_schema = DATABASE() AND constraint_type = 'CHECK'"
    };
    let mut json_columns: BTreeSet<(String, String)> = BTreeSet::new();
    for [name, table, clause, level] in texts(conn, checks_sql)? {
        let table = table.unwrap_or_default();
        if !tables.contains(&table) {
            continue;
        }
        let json = (level.as_deref() == Some("Column"))
            .then(|| clause.as_deref().and_then(mariadb_json_check))
            .flatten();
        match json {
            Some(column) => {
                json_columns.insert((table, column));
            }
            None => objects.check(&name.unwrap_or_default(), &table),
        }
    }

    for [table, column, facts, default] in texts(
        conn,
        "SELECT table_name AS a, column_name AS b,
                CONCAT(column_type, '|', is_nullable, '|', extra) AS c, column_default AS d
         FROM information_schema.columns WHERE table_schema = DATABASE()
         ORDER BY table_name, ordinal_position",
    )? {
        let (table, column) = (table.unwrap_or_default(), column.unwrap_or_default());
        if !tables.contains(&table) {
            continue;
        }
        let facts = facts.unwrap_or_default();
        // From the right: an enum's labels may hold a `|`.
        let mut parts = facts.rsplitn(3, '|');
        let extra = parts.next().unwrap_or_default();
        let not_null = parts.next() == Some("NO");
        let mut ty = parts.next().unwrap_or_default().to_lowercase();
        if ty == "longtext" && json_columns.contains(&(table.clone(), column.clone())) {
            ty = "json".into();
        }
        let default = match default {
            None => None,
            // MariaDB's "no default" on a nullable column; a string 'NULL' is quoted.
            Some(text) if mariadb && text == "NULL" => None,
            Some(text) if mariadb => Some(text),
            Some(text) => Some(mysql8_default(&text, &ty, extra)),
        };
        let extra = extra.to_lowercase();
        objects.mysql_column(
            &table,
            &column,
            &ty,
            not_null,
            extra.contains("auto_increment"),
            default.as_deref(),
        );
        // `STORED GENERATED` (`PERSISTENT GENERATED` on older MariaDB) or `VIRTUAL GENERATED`;
        // MySQL 8's `DEFAULT_GENERATED` marks an expression default, not a generated column.
        if extra.contains("virtual generated") {
            objects.generated(&table, &column, false);
        } else if extra.contains("stored generated") || extra.contains("persistent generated") {
            objects.generated(&table, &column, true);
        }
    }

    let mut foreign_keys: BTreeSet<(String, String)> = BTreeSet::new();
    for [name, table, detail, actions] in texts(
        conn,
        "SELECT k.constraint_name AS a, k.table_name AS b,
                CONCAT(GROUP_CONCAT(k.column_name ORDER BY k.ordinal_position SEPARATOR ','), '|',
                       MIN(k.referenced_table_name), '|',
                       GROUP_CONCAT(k.referenced_column_name ORDER BY k.ordinal_position SEPARATOR ',')) AS c,
                CONCAT(MIN(r.delete_rule), '|', MIN(r.update_rule)) AS d
         FROM information_schema.key_column_usage k
         JOIN information_schema.referential_constraints r
           ON r.constraint_schema = k.constraint_schema AND r.table_name = k.table_name
          AND r.constraint_name = k.constraint_name
         WHERE k.constraint_schema = DATABASE() AND k.referenced_table_name IS NOT NULL
         GROUP BY k.table_name, k.constraint_name",
    )? {
        let (name, table) = (name.unwrap_or_default(), table.unwrap_or_default());
        if !tables.contains(&table) {
            continue;
        }
        let detail = detail.unwrap_or_default();
        let parts: Vec<&str> = detail.split('|').collect();
        let columns: Vec<&str> = parts.first().map_or(Vec::new(), |c| c.split(',').collect());
        let referenced: Vec<&str> = parts.get(2).map_or(Vec::new(), |c| c.split(',').collect());
        let actions = actions.unwrap_or_default();
        let (on_delete, on_update) = actions.split_once('|').unwrap_or((&actions, ""));
        objects.foreign_key(&ForeignKeyFacts {
            name: Some(&name),
            table: &table,
            columns: &columns,
            referenced_table: parts.get(1).copied().unwrap_or_default(),
            referenced_columns: &referenced,
            on_delete: mysql_referential_action(on_delete),
            on_update: mysql_referential_action(on_update),
        });
        foreign_keys.insert((table, name));
    }

    for [name, table, columns, non_unique] in texts(
        conn,
        "SELECT index_name AS a, table_name AS b,
                GROUP_CONCAT(CONCAT(COALESCE(column_name, '(expression)'),
                                    COALESCE(CONCAT('(', sub_part, ')'), ''))
                             ORDER BY seq_in_index SEPARATOR ',') AS c,
                CAST(MIN(non_unique) AS CHAR) AS d
         FROM information_schema.statistics WHERE table_schema = DATABASE()
         GROUP BY table_name, index_name",
    )? {
        let (name, table) = (name.unwrap_or_default(), table.unwrap_or_default());
        if !tables.contains(&table) {
            continue;
        }
        let columns = columns.unwrap_or_default();
        let columns: Vec<&str> = columns.split(',').collect();
        if name == "PRIMARY" {
            objects.primary_key(&table, None, &columns);
        } else if !foreign_keys.contains(&(table.clone(), name.clone())) {
            objects.index(
                &name,
                &table,
                &columns,
                non_unique.as_deref() == Some("0"),
                false,
            );
        }
    }
    Ok(objects)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mysql8_defaults_are_put_in_mariadb_words() {
        let generated = "DEFAULT_GENERATED";
        assert_eq!(
            mysql8_default("_utf8mb4\\'[]\\'", "json", generated),
            "'[]'"
        );
        assert_eq!(
            mysql8_default("_utf8mb4\\'a_b\\'", "longtext", generated),
            "'a_b'"
        );
        assert_eq!(
            mysql8_default(
                "concat(_utf8mb4\\'a\\',_latin1\\'b\\')",
                "longtext",
                generated
            ),
            "concat('a','b')"
        );
        assert_eq!(
            mysql8_default("CURRENT_TIMESTAMP(6)", "datetime(6)", generated),
            "CURRENT_TIMESTAMP(6)"
        );
        assert_eq!(mysql8_default("open", "enum('open','done')", ""), "'open'");
        assert_eq!(mysql8_default("it's", "varchar(10)", ""), "'it''s'");
        assert_eq!(mysql8_default("-1", "int", ""), "-1");
        assert_eq!(mysql8_default("1.50", "decimal(10,2)", ""), "1.50");
    }

    #[test]
    fn mariadb_json_checks_name_their_column() {
        assert_eq!(
            mariadb_json_check("json_valid(`payload`)").as_deref(),
            Some("payload")
        );
        assert_eq!(
            mariadb_json_check("json_valid(`a``b`)").as_deref(),
            Some("a`b")
        );
        assert_eq!(mariadb_json_check("`age` >= 0"), None);
    }
}
