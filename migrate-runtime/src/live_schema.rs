//! The live schema as the model: tables, columns, indexes, constraints and enums read from the
//! catalogs into a `migrate_core::fold::Schema`, which autogenerate writes migrations from.
//!
//! Drift detection (`introspect.rs`) reads the same catalogs into comparable text; this reader
//! keeps what a migration needs to build the object again: column types and defaults in the
//! model's terms (`migrate_core::fold::catalog`), check expressions, index predicates and
//! generated columns' expressions as the server prints them. What the model cannot hold (a view,
//! a trigger, an expression index, a column of a type no keyword names) is listed in
//! [`LiveSchema::unwritten`], never dropped silently. The runtime's own tables are left out.
//!
//! MySQL and MariaDB are read from `information_schema` in the drift reader's words (see
//! `introspect.rs`): a unique constraint is a unique index there, the primary key has no name, an
//! enum is a column's own type (read as the enum of the migrations with the same labels), and the
//! index InnoDB adds for a foreign key is not an index anyone wrote.

use std::collections::BTreeMap;

use migrate_core::fold::autogenerate::{Sees, Target};
use migrate_core::fold::catalog::{column_type, default_value};
use migrate_core::fold::Schema;
use migrate_core::model::{
    CheckConstraint, Column, EnumType, ForeignKey, Generated, Index, PrimaryKey, ReferentialAction,
    Table, Text, UniqueConstraint,
};
use migrate_core::render::{quote_literal, Dialect};

use crate::database::Database;
use crate::introspect::{db_error, PG_TABLES};
use crate::Error;

/// A database's schema as a target for autogenerate, with what could not be read into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveSchema {
    pub target: Target,
    /// One sentence per object the database has that the model cannot hold.
    pub unwritten: Vec<String>,
    /// Views, triggers, functions and free sequences: raw SQL makes them, so autogenerate does
    /// not write them (the chain's `execute`s may have).
    pub raw_objects: Vec<RawObject>,
}

/// An object only raw SQL makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawObject {
    /// `view`, `trigger`, `function`, `sequence`, `materialized view`.
    pub kind: String,
    pub name: String,
}

impl RawObject {
    /// Why autogenerate leaves it out, for the list of what it did not write.
    pub fn unwritten(&self) -> String {
        format!(
            "{} {}: {}s are raw SQL (`execute`), which autogenerate does not write",
            self.kind, self.name, self.kind
        )
    }
}

/// Reads the schema of the database `conn` is connected to.
///
/// ```
/// use diesel::connection::SimpleConnection;
/// use diesel::{Connection, SqliteConnection};
///
/// let mut conn = SqliteConnection::establish(":memory:").unwrap();
/// conn.batch_execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(320) NOT NULL); CREATE VIEW emails AS SELECT email FROM users").unwrap();
/// let live = migrate_runtime::live_schema(&mut conn)?;
/// assert_eq!(live.target.schema.tables[0].columns[1].to_string(), "email: varchar(320)");
/// assert_eq!(live.raw_objects[0].unwritten(), "view emails: views are raw SQL (`execute`), which autogenerate does not write");
/// # Ok::<(), migrate_runtime::Error>(())
/// ```
pub fn live_schema<C: Database>(conn: &mut C) -> Result<LiveSchema, Error> {
    let dialect = conn.dialect();
    let mut reader = Reader {
        schema: Schema::default(),
        unwritten: Vec::new(),
        raw_objects: Vec::new(),
    };
    match dialect {
        Dialect::Postgres => reader.postgres(conn)?,
        Dialect::Sqlite => reader.sqlite(conn)?,
        Dialect::Mysql => reader.mysql(conn)?,
    }
    Ok(LiveSchema {
        target: Target {
            schema: reader.schema,
            sees: Sees::database(dialect),
        },
        unwritten: reader.unwritten,
        raw_objects: reader.raw_objects,
    })
}

fn failed(source: diesel::result::Error) -> Error {
    db_error("reading the live schema")(source)
}

/// Fields of one catalog row, joined by the unit separator so one text column carries several.
const SEP: char = '\u{1f}';

fn fields(text: Option<String>) -> Vec<String> {
    text.unwrap_or_default()
        .split(SEP)
        .map(str::to_owned)
        .collect()
}

fn list(text: &str) -> Vec<Text> {
    text.split(',')
        .filter(|item| !item.is_empty())
        .map(|item| Text::from(item.to_owned()))
        .collect()
}

struct Reader {
    schema: Schema,
    unwritten: Vec<String>,
    raw_objects: Vec<RawObject>,
}

/// `string_agg` of the attribute names of `keys` (an int2 array) of relation `rel`, in order;
/// an expression's position (0) reads as the empty name.
fn pg_columns(keys: &str, rel: &str) -> String {
    format!(
        "(SELECT string_agg(coalesce(a.attname, ''), ',' ORDER BY k.ord) FROM unnest({keys}) WITH ORDINALITY AS k(attnum, ord) LEFT JOIN pg_attribute a ON a.attrelid = {rel} AND a.attnum = k.attnum)"
    )
}

fn pg_action(code: &str) -> ReferentialAction {
    match code {
        "r" => ReferentialAction::Restrict,
        "c" => ReferentialAction::Cascade,
        "n" => ReferentialAction::SetNull,
        "d" => ReferentialAction::SetDefault,
        _ => ReferentialAction::NoAction,
    }
}

impl Reader {
    fn table_mut(&mut self, name: &str) -> Option<&mut Table> {
        self.schema.tables.iter_mut().find(|t| t.name == name)
    }

    fn push_column(&mut self, table: &str, column: Column) {
        if let Some(table) = self.table_mut(table) {
            let mut columns = table.columns.to_vec();
            columns.push(column);
            table.columns = columns.into();
        }
    }

    fn postgres<C: Database>(&mut self, conn: &mut C) -> Result<(), Error> {
        let sep = "chr(31)";
        for [name, values, ..] in conn
            .query_texts(
                "SELECT t.typname AS a, string_agg(e.enumlabel, chr(31) ORDER BY e.enumsortorder) AS b, NULL AS c, NULL AS d
                 FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
                 WHERE t.typnamespace = to_regnamespace(current_schema())::oid GROUP BY t.typname, t.oid ORDER BY t.oid",
            )
            .map_err(failed)?
        {
            self.schema.enums.push(EnumType {
                name: name.unwrap_or_default().into(),
                values: fields(values).into_iter().map(Text::from).collect::<Vec<_>>().into(),
            });
        }
        let enums: Vec<String> = self
            .schema
            .enums
            .iter()
            .map(|e| e.name.to_string())
            .collect();
        let enums: Vec<&str> = enums.iter().map(String::as_str).collect();
        for [name, ..] in conn
            .query_texts(&format!(
                "SELECT c.relname AS a, NULL AS b, NULL AS c, NULL AS d FROM pg_class c WHERE {PG_TABLES} ORDER BY c.oid"
            ))
            .map_err(failed)?
        {
            self.schema.tables.push(Table {
                name: name.unwrap_or_default().into(),
                columns: Vec::new().into(),
                primary_key: None,
            });
        }
        for [table, column, facts, default] in conn
            .query_texts(&format!(
                "SELECT c.relname AS a, a.attname AS b,
                        format_type(a.atttypid, a.atttypmod) || {sep} || a.attnotnull::text || {sep} || a.attidentity::text || {sep} || a.attgenerated::text AS c,
                        pg_get_expr(d.adbin, d.adrelid) AS d
                 FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                 LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                 WHERE {PG_TABLES} AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.oid, a.attnum"
            ))
            .map_err(failed)?
        {
            let (table, name) = (table.unwrap_or_default(), column.unwrap_or_default());
            let facts = fields(facts);
            let [spelling, not_null, identity, generated] = [0, 1, 2, 3].map(|i| facts.get(i).cloned().unwrap_or_default());
            let Some(ty) = column_type(&spelling, Dialect::Postgres, &enums) else {
                self.unwritten.push(format!(
                    "column {table}.{name}: its type `{spelling}` has no `migration!` keyword, so it is left out"
                ));
                continue;
            };
            let (default, generated) = match (generated.as_str(), default) {
                ("s" | "v", Some(expr)) => (None, Some(Generated { expr: expr.into(), stored: generated == "s" })),
                (_, default) => (default.map(|text| default_value(&text, &ty, Dialect::Postgres)), None),
            };
            self.push_column(&table, Column {
                name: name.into(),
                ty,
                nullable: not_null != "true",
                default,
                identity: !identity.is_empty(),
                generated,
            });
        }
        for [name, table, columns, detail] in conn
            .query_texts(&format!(
                "SELECT i.relname AS a, c.relname AS b, {} AS c,
                        ix.indisunique::text || {sep} || coalesce(pg_get_expr(ix.indpred, ix.indrelid), '') || {sep} || (ix.indexprs IS NOT NULL)::text AS d
                 FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class c ON c.oid = ix.indrelid
                 WHERE {PG_TABLES} AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = ix.indexrelid AND con.conrelid = ix.indrelid AND con.contype IN ('p', 'u', 'x'))
                 ORDER BY i.oid",
                pg_columns("ix.indkey::int2[]", "ix.indrelid")
            ))
            .map_err(failed)?
        {
            let (name, table) = (name.unwrap_or_default(), table.unwrap_or_default());
            let detail = fields(detail);
            let columns = list(&columns.unwrap_or_default());
            if detail.get(2).map(String::as_str) == Some("true") || columns.iter().any(|c| c.is_empty()) {
                self.unwritten.push(format!(
                    "index {name} on {table}: an index on expressions, which `create_index` cannot write (`execute` can)"
                ));
                continue;
            }
            let predicate = detail.get(1).filter(|p| !p.is_empty()).map(|p| Text::from(p.clone()));
            self.schema.indexes.push(Index {
                name: name.into(),
                table: table.into(),
                columns: columns.into(),
                unique: detail.first().map(String::as_str) == Some("true"),
                predicate,
                concurrently: false,
            });
        }
        for [name, kind, table, detail] in conn
            .query_texts(&format!(
                "SELECT con.conname AS a, con.contype::text AS b, c.relname AS c,
                        coalesce({}, '') || {sep} || coalesce(f.relname, '') || {sep} || coalesce({}, '') || {sep} || con.confdeltype::text || {sep} || con.confupdtype::text || {sep} || pg_get_constraintdef(con.oid) AS d
                 FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid LEFT JOIN pg_class f ON f.oid = con.confrelid
                 WHERE {PG_TABLES} AND con.contype IN ('p', 'u', 'f', 'c', 'x') ORDER BY con.oid",
                pg_columns("con.conkey", "con.conrelid"),
                pg_columns("con.confkey", "con.confrelid")
            ))
            .map_err(failed)?
        {
            let (name, table) = (name.unwrap_or_default(), table.unwrap_or_default());
            let detail = fields(detail);
            let part = |i: usize| detail.get(i).cloned().unwrap_or_default();
            let columns = list(&part(0));
            match kind.as_deref() {
                Some("p") => {
                    if let Some(table) = self.table_mut(&table) {
                        table.primary_key = Some(PrimaryKey { name: name.into(), columns: columns.into() });
                    }
                }
                Some("u") => self.schema.uniques.push(UniqueConstraint {
                    name: name.into(),
                    table: table.into(),
                    columns: columns.into(),
                }),
                Some("c") => {
                    let definition = part(5);
                    let expr = check_expression(&definition);
                    match expr {
                        Some(expr) => self.schema.checks.push(CheckConstraint { name: name.into(), table: table.into(), expr: expr.into() }),
                        None => self.unwritten.push(format!("check {name} on {table}: `{definition}` is not a plain CHECK, so it is left out")),
                    }
                }
                Some("f") => self.schema.foreign_keys.push(ForeignKey {
                    name: name.into(),
                    table: table.into(),
                    columns: columns.into(),
                    referenced_table: part(1).into(),
                    referenced_columns: list(&part(2)).into(),
                    on_delete: pg_action(&part(3)),
                    on_update: pg_action(&part(4)),
                }),
                _ => self.unwritten.push(format!(
                    "constraint {name} on {table}: an exclusion constraint, which no op writes (`execute` can)"
                )),
            }
        }
        for [kind, name, ..] in conn
            .query_texts(
                "SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'sequence' END AS a, c.relname AS b, NULL AS c, NULL AS d FROM pg_class c
                 WHERE c.relnamespace = to_regnamespace(current_schema())::oid
                   AND (c.relkind IN ('v', 'm') OR (c.relkind = 'S' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))))
                 UNION ALL
                 SELECT 'trigger', t.tgname, NULL, NULL FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                 WHERE c.relnamespace = to_regnamespace(current_schema())::oid AND NOT t.tgisinternal
                 UNION ALL
                 SELECT 'function', p.proname, NULL, NULL FROM pg_proc p
                 WHERE p.pronamespace = to_regnamespace(current_schema())::oid
                 ORDER BY 1, 2",
            )
            .map_err(failed)?
        {
            self.raw_object(&kind.unwrap_or_default(), &name.unwrap_or_default());
        }
        Ok(())
    }

    fn raw_object(&mut self, kind: &str, name: &str) {
        self.raw_objects.push(RawObject {
            kind: kind.to_owned(),
            name: name.to_owned(),
        });
    }

    fn sqlite<C: Database>(&mut self, conn: &mut C) -> Result<(), Error> {
        for [kind, name, ..] in conn
            .query_texts(
                "SELECT type AS a, name AS b, NULL AS c, NULL AS d FROM sqlite_master WHERE type IN ('view', 'trigger') ORDER BY rowid",
            )
            .map_err(failed)?
        {
            self.raw_object(&kind.unwrap_or_default(), &name.unwrap_or_default());
        }
        let tables = conn
            .query_texts(
                "SELECT name AS a, sql AS b, NULL AS c, NULL AS d FROM sqlite_master
                 WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'migrate\\_%' ESCAPE '\\' ORDER BY rowid",
            )
            .map_err(failed)?;
        for [table, create_sql, ..] in tables {
            let (table, create_sql) = (table.unwrap_or_default(), create_sql.unwrap_or_default());
            self.sqlite_table(conn, &table, &create_sql)?;
        }
        Ok(())
    }

    fn sqlite_table<C: Database>(
        &mut self,
        conn: &mut C,
        table: &str,
        create_sql: &str,
    ) -> Result<(), Error> {
        let name = quote_literal(table);
        let rows = conn
            .query_texts(&format!(
                "SELECT name AS a, type AS b, CAST(\"notnull\" AS text) || ',' || CAST(pk AS text) || ',' || CAST(hidden AS text) AS c, dflt_value AS d FROM pragma_table_xinfo({name}) ORDER BY cid"
            ))
            .map_err(failed)?;
        let autoincrement = create_sql.to_uppercase().contains("AUTOINCREMENT");
        let mut key: BTreeMap<i64, Text> = BTreeMap::new();
        let mut columns = Vec::new();
        for [column, spelling, flags, default] in &rows {
            let column = column.clone().unwrap_or_default();
            let flags: Vec<&str> = flags.as_deref().unwrap_or_default().split(',').collect();
            let position: i64 = flags.get(1).and_then(|pk| pk.parse().ok()).unwrap_or(0);
            if position > 0 {
                key.insert(position, column.clone().into());
            }
            let spelling = spelling.clone().unwrap_or_default();
            let Some(ty) = column_type(&spelling, Dialect::Sqlite, &[]) else {
                continue;
            };
            let generated = match flags.get(2).copied() {
                Some("2") => Some(false),
                Some("3") => Some(true),
                _ => None,
            };
            if generated.is_some() {
                self.unwritten.push(format!(
                    "column {table}.{column}: a generated column, whose expression SQLite does not report; it is left out"
                ));
                continue;
            }
            columns.push((
                column,
                ty.clone(),
                flags.first() == Some(&"1"),
                default
                    .as_deref()
                    .map(|text| default_value(text, &ty, Dialect::Sqlite)),
            ));
        }
        let single_key = (key.len() == 1)
            .then(|| key.values().next().cloned())
            .flatten();
        let columns: Vec<Column> = columns
            .into_iter()
            .map(|(column, ty, not_null, default)| {
                // `INTEGER PRIMARY KEY` is SQLite's rowid: the renderer's identity.
                let identity = single_key.as_deref() == Some(column.as_str())
                    && (autoincrement
                        || ty
                            == migrate_core::model::ColumnType::Scalar(
                                migrate_core::model::Scalar::Integer,
                            )
                            && is_rowid_alias(create_sql, &column));
                let ty = match identity {
                    true => {
                        migrate_core::model::ColumnType::Scalar(migrate_core::model::Scalar::BigInt)
                    }
                    false => ty,
                };
                Column {
                    name: column.into(),
                    ty,
                    nullable: !not_null && !identity,
                    default,
                    identity,
                    generated: None,
                }
            })
            .collect();
        let primary_key = (!key.is_empty()).then(|| PrimaryKey {
            name: format!("pk_{table}").into(),
            columns: key.into_values().collect::<Vec<_>>().into(),
        });
        self.schema.tables.push(Table {
            name: table.to_owned().into(),
            columns: columns.into(),
            primary_key,
        });
        let names: Vec<String> = rows
            .iter()
            .map(|[name, ..]| name.clone().unwrap_or_default())
            .collect();
        for (check, expr) in crate::sqlite_rebuild::checks(create_sql, &names) {
            self.schema.checks.push(CheckConstraint {
                name: check.into(),
                table: table.to_owned().into(),
                expr: expr.into(),
            });
        }
        self.sqlite_indexes(conn, table)?;
        self.sqlite_foreign_keys(conn, table)
    }

    fn sqlite_indexes<C: Database>(&mut self, conn: &mut C, table: &str) -> Result<(), Error> {
        for [name, unique, origin, sql] in conn
            .query_texts(&format!(
                "SELECT l.name AS a, CAST(l.\"unique\" AS text) AS b, l.origin AS c, m.sql AS d FROM pragma_index_list({}) l LEFT JOIN sqlite_master m ON m.type = 'index' AND m.name = l.name ORDER BY l.seq DESC",
                quote_literal(table)
            ))
            .map_err(failed)?
        {
            let name = name.unwrap_or_default();
            if origin.as_deref() != Some("c") {
                if origin.as_deref() == Some("u") {
                    self.unwritten.push(format!(
                        "a UNIQUE written inside the definition of {table} ({name}): autogenerate writes named unique indexes only"
                    ));
                }
                continue;
            }
            let columns: Vec<Text> = conn
                .query_texts(&format!(
                    "SELECT name AS a, NULL AS b, NULL AS c, NULL AS d FROM pragma_index_info({}) ORDER BY seqno",
                    quote_literal(&name)
                ))
                .map_err(failed)?
                .into_iter()
                .map(|[column, ..]| Text::from(column.unwrap_or_default()))
                .collect();
            if columns.iter().any(|c| c.is_empty()) {
                self.unwritten.push(format!(
                    "index {name} on {table}: an index on expressions, which `create_index` cannot write (`execute` can)"
                ));
                continue;
            }
            let predicate = sql.as_deref().and_then(index_predicate).map(Text::from);
            self.schema.indexes.push(Index {
                name: name.into(),
                table: table.to_owned().into(),
                columns: columns.into(),
                unique: unique.as_deref() == Some("1"),
                predicate,
                concurrently: false,
            });
        }
        Ok(())
    }

    fn sqlite_foreign_keys<C: Database>(&mut self, conn: &mut C, table: &str) -> Result<(), Error> {
        let mut keys: BTreeMap<i64, ForeignKey> = BTreeMap::new();
        for [id, parent, pair, actions] in conn
            .query_texts(&format!(
                "SELECT CAST(id AS text) AS a, \"table\" AS b, \"from\" || ',' || coalesce(\"to\", '') AS c, on_delete || ',' || on_update AS d FROM pragma_foreign_key_list({}) ORDER BY id, seq",
                quote_literal(table)
            ))
            .map_err(failed)?
        {
            let action = |name: &str| {
                ReferentialAction::from_name(&name.to_lowercase().replace(' ', "_"))
                    .unwrap_or(ReferentialAction::NoAction)
            };
            let actions = actions.unwrap_or_default();
            let (on_delete, on_update) = actions.split_once(',').unwrap_or((&actions, ""));
            let id = id.and_then(|id| id.parse().ok()).unwrap_or(0);
            let key = keys.entry(id).or_insert_with(|| ForeignKey {
                name: Text::default(),
                table: table.to_owned().into(),
                columns: Vec::new().into(),
                referenced_table: parent.unwrap_or_default().into(),
                referenced_columns: Vec::new().into(),
                on_delete: action(on_delete),
                on_update: action(on_update),
            });
            let pair = pair.unwrap_or_default();
            let (from, to) = pair.split_once(',').unwrap_or((&pair, ""));
            key.columns.to_mut().push(from.to_owned().into());
            key.referenced_columns.to_mut().push(to.to_owned().into());
        }
        for mut key in keys.into_values() {
            // SQLite keeps no name: the one the naming convention would give.
            key.name = format!("fk_{}_{}", key.table, key.columns.join("_")).into();
            self.schema.foreign_keys.push(key);
        }
        Ok(())
    }
}

/// Whether `column` is declared `INTEGER PRIMARY KEY` in the table's text (SQLite's rowid alias).
fn is_rowid_alias(create_sql: &str, column: &str) -> bool {
    let upper = create_sql.to_uppercase();
    let column = column.to_uppercase();
    [
        format!("\"{column}\" INTEGER PRIMARY KEY"),
        format!("{column} INTEGER PRIMARY KEY"),
    ]
    .iter()
    .any(|declaration| upper.contains(declaration.as_str()))
}

/// The `WHERE` of a `CREATE INDEX … WHERE …` statement.
fn index_predicate(sql: &str) -> Option<String> {
    let upper = sql.to_uppercase();
    let at = upper.rfind(" WHERE ")?;
    Some(sql[at + " WHERE ".len()..].trim().to_owned())
}

/// The expression of `CHECK ((expr))` as `pg_get_constraintdef` prints it; `None` for what is
/// not a plain check (`NOT VALID` ones are read as checks: validating is the server's business).
fn check_expression(definition: &str) -> Option<String> {
    let inner = definition
        .strip_prefix("CHECK (")?
        .trim_end_matches(" NOT VALID")
        .strip_suffix(')')?;
    let inner = inner.trim();
    // `pg_get_constraintdef` wraps the expression in one more pair of parentheses.
    let unwrapped = inner
        .strip_prefix('(')
        .and_then(|rest| rest.strip_suffix(')'))
        .filter(|rest| balanced(rest));
    Some(unwrapped.unwrap_or(inner).to_owned())
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

/// MySQL and MariaDB.
impl Reader {
    fn mysql<C: Database>(&mut self, conn: &mut C) -> Result<(), Error> {
        let mariadb = conn
            .query_texts("SELECT VERSION() AS a, NULL AS b, NULL AS c, NULL AS d")
            .map_err(failed)?
            .into_iter()
            .any(|[version, ..]| version.is_some_and(|v| v.to_lowercase().contains("mariadb")));
        for [name, kind, ..] in conn
            .query_texts(
                "SELECT table_name AS a, table_type AS b, NULL AS c, NULL AS d
                 FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY create_time, table_name",
            )
            .map_err(failed)?
        {
            let name = name.unwrap_or_default();
            match kind.as_deref() {
                Some("VIEW") => self.raw_object("view", &name),
                Some("SEQUENCE") => self.raw_object("sequence", &name),
                _ if name.starts_with("migrate_") => {}
                _ => self.schema.tables.push(Table {
                    name: name.into(),
                    columns: Vec::new().into(),
                    primary_key: None,
                }),
            }
        }
        for [name, ..] in conn
            .query_texts(
                "SELECT trigger_name AS a, NULL AS b, NULL AS c, NULL AS d
                 FROM information_schema.triggers WHERE trigger_schema = DATABASE()",
            )
            .map_err(failed)?
        {
            self.raw_object("trigger", &name.unwrap_or_default());
        }
        let json_columns = self.mysql_checks(conn, mariadb)?;
        self.mysql_columns(conn, mariadb, &json_columns)?;
        let foreign_keys = self.mysql_foreign_keys(conn)?;
        self.mysql_indexes(conn, &foreign_keys)
    }

    /// Reads the checks; returns MariaDB's `JSON` columns, whose `json_valid` checks are theirs.
    fn mysql_checks<C: Database>(
        &mut self,
        conn: &mut C,
        mariadb: bool,
    ) -> Result<Vec<(String, String)>, Error> {
        let sql = if mariadb {
            "SELECT constraint_name AS a, table_name AS b, check_clause AS c, level AS d
             FROM information_schema.check_constraints WHERE constraint_schema = DATABASE()"
        } else {
            "SELECT t.constraint_name AS a, t.table_name AS b, c.check_clause AS c, NULL AS d
             FROM information_schema.table_constraints t JOIN information_schema.check_constraints c
               ON c.constraint_schema = t.constraint_schema AND c.constraint_name = t.constraint_name
             WHERE t.constraint_schema = DATABASE() AND t.constraint_type = 'CHECK'"
        };
        let mut json_columns = Vec::new();
        for [name, table, clause, level] in conn.query_texts(sql).map_err(failed)? {
            let (name, table, clause) = (
                name.unwrap_or_default(),
                table.unwrap_or_default(),
                clause.unwrap_or_default(),
            );
            if self.table_mut(&table).is_none() {
                continue;
            }
            let json = (level.as_deref() == Some("Column"))
                .then(|| crate::introspect::mariadb_json_check(&clause))
                .flatten();
            match json {
                Some(column) => json_columns.push((table, column)),
                None => self.schema.checks.push(CheckConstraint {
                    name: name.into(),
                    table: table.into(),
                    expr: clause.into(),
                }),
            }
        }
        Ok(json_columns)
    }

    fn mysql_columns<C: Database>(
        &mut self,
        conn: &mut C,
        mariadb: bool,
        json_columns: &[(String, String)],
    ) -> Result<(), Error> {
        for [table, column, facts, default] in conn
            .query_texts(
                "SELECT table_name AS a, column_name AS b,
                        CONCAT(column_type, CHAR(31), is_nullable, CHAR(31), extra, CHAR(31), COALESCE(generation_expression, '')) AS c,
                        column_default AS d
                 FROM information_schema.columns WHERE table_schema = DATABASE()
                 ORDER BY table_name, ordinal_position",
            )
            .map_err(failed)?
        {
            let (table, name) = (table.unwrap_or_default(), column.unwrap_or_default());
            if self.table_mut(&table).is_none() {
                continue;
            }
            let facts = fields(facts);
            let part = |i: usize| facts.get(i).cloned().unwrap_or_default();
            let (spelling, nullable, extra, expression) = (part(0), part(1), part(2), part(3));
            let extra_lower = extra.to_lowercase();
            let is_json = json_columns.iter().any(|(t, c)| *t == table && *c == name);
            let ty = if is_json {
                Some(migrate_core::model::ColumnType::Scalar(migrate_core::model::Scalar::Json))
            } else if let Some(labels) = spelling.strip_prefix("enum(") {
                self.mysql_enum(&table, &name, labels)
            } else {
                column_type(&spelling, Dialect::Mysql, &[])
            };
            let Some(ty) = ty else {
                self.unwritten.push(format!(
                    "column {table}.{name}: its type `{spelling}` has no `migration!` keyword, so it is left out"
                ));
                continue;
            };
            let generated = (extra_lower.contains("generated") && !extra_lower.contains("default_generated"))
                .then(|| Generated {
                    expr: expression.clone().into(),
                    stored: extra_lower.contains("stored") || extra_lower.contains("persistent"),
                });
            let default = match default {
                _ if generated.is_some() => None,
                None => None,
                Some(text) if mariadb && text == "NULL" => None,
                Some(text) if mariadb => Some(text),
                Some(text) => Some(crate::introspect::mysql8_default(&text, &spelling, &extra)),
            };
            self.push_column(&table, Column {
                name: name.into(),
                default: default.map(|text| default_value(&text, &ty, Dialect::Mysql)),
                ty,
                nullable: nullable == "YES",
                identity: extra_lower.contains("auto_increment"),
                generated,
            });
        }
        Ok(())
    }

    /// `enum('open','done')`: the enum of the migrations with these labels, which the caller
    /// passes in [`Schema::enums`] of the chain; MySQL keeps no name for it.
    fn mysql_enum(
        &mut self,
        table: &str,
        column: &str,
        labels: &str,
    ) -> Option<migrate_core::model::ColumnType> {
        let labels: Vec<Text> = labels
            .trim_end_matches(')')
            .split(',')
            .map(|label| Text::from(label.trim().trim_matches('\'').replace("''", "'")))
            .collect();
        let name = format!("{table}_{column}");
        if !self.schema.enums.iter().any(|e| e.name == name.as_str()) {
            self.schema.enums.push(EnumType {
                name: name.clone().into(),
                values: labels.into(),
            });
        }
        Some(migrate_core::model::ColumnType::Scalar(
            migrate_core::model::Scalar::Enum(name.into()),
        ))
    }

    fn mysql_foreign_keys<C: Database>(
        &mut self,
        conn: &mut C,
    ) -> Result<Vec<(String, String)>, Error> {
        let mut names = Vec::new();
        for [name, table, detail, actions] in conn
            .query_texts(
                "SELECT k.constraint_name AS a, k.table_name AS b,
                        CONCAT(GROUP_CONCAT(k.column_name ORDER BY k.ordinal_position SEPARATOR ','), CHAR(31),
                               MIN(k.referenced_table_name), CHAR(31),
                               GROUP_CONCAT(k.referenced_column_name ORDER BY k.ordinal_position SEPARATOR ',')) AS c,
                        CONCAT(MIN(r.delete_rule), CHAR(31), MIN(r.update_rule)) AS d
                 FROM information_schema.key_column_usage k
                 JOIN information_schema.referential_constraints r
                   ON r.constraint_schema = k.constraint_schema AND r.table_name = k.table_name
                  AND r.constraint_name = k.constraint_name
                 WHERE k.constraint_schema = DATABASE() AND k.referenced_table_name IS NOT NULL
                 GROUP BY k.table_name, k.constraint_name ORDER BY k.table_name, k.constraint_name",
            )
            .map_err(failed)?
        {
            let (name, table) = (name.unwrap_or_default(), table.unwrap_or_default());
            if self.table_mut(&table).is_none() {
                continue;
            }
            let detail = fields(detail);
            let actions = fields(actions);
            // InnoDB's RESTRICT is NO ACTION, and an unwritten ON UPDATE reads as RESTRICT.
            let action = |i: usize| {
                let sql = actions.get(i).cloned().unwrap_or_default().to_lowercase().replace(' ', "_");
                match ReferentialAction::from_name(&sql) {
                    Some(ReferentialAction::Restrict) | None => ReferentialAction::NoAction,
                    Some(action) => action,
                }
            };
            let part = |i: usize| detail.get(i).cloned().unwrap_or_default();
            self.schema.foreign_keys.push(ForeignKey {
                name: name.clone().into(),
                table: table.clone().into(),
                columns: list(&part(0)).into(),
                referenced_table: part(1).into(),
                referenced_columns: list(&part(2)).into(),
                on_delete: action(0),
                on_update: action(1),
            });
            names.push((table, name));
        }
        Ok(names)
    }

    /// Every index but the primary key and those InnoDB made for a foreign key (named after it).
    fn mysql_indexes<C: Database>(
        &mut self,
        conn: &mut C,
        foreign_keys: &[(String, String)],
    ) -> Result<(), Error> {
        for [name, table, columns, non_unique] in conn
            .query_texts(
                "SELECT index_name AS a, table_name AS b,
                        GROUP_CONCAT(COALESCE(column_name, '') ORDER BY seq_in_index SEPARATOR ',') AS c,
                        CAST(MIN(non_unique) AS CHAR) AS d
                 FROM information_schema.statistics WHERE table_schema = DATABASE()
                 GROUP BY table_name, index_name ORDER BY table_name, index_name",
            )
            .map_err(failed)?
        {
            let (name, table) = (name.unwrap_or_default(), table.unwrap_or_default());
            let columns = columns.unwrap_or_default();
            let Some(owner) = self.table_mut(&table) else {
                continue;
            };
            if name == "PRIMARY" {
                owner.primary_key = Some(PrimaryKey {
                    name: format!("pk_{table}").into(),
                    columns: list(&columns).into(),
                });
                continue;
            }
            if foreign_keys.iter().any(|(t, n)| *t == table && *n == name) {
                continue;
            }
            if columns.split(',').any(str::is_empty) {
                self.unwritten.push(format!(
                    "index {name} on {table}: an index on expressions, which `create_index` cannot write (`execute` can)"
                ));
                continue;
            }
            self.schema.indexes.push(Index {
                name: name.into(),
                table: table.into(),
                columns: list(&columns).into(),
                unique: non_unique.as_deref() == Some("0"),
                predicate: None,
                concurrently: false,
            });
        }
        Ok(())
    }
}
