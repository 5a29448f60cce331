//! SQL rendering: ops become [`Step`]s for one [`Dialect`].
//!
//! Identifiers are always quoted and literals always escaped here, in one place. Raw SQL the author
//! wrote (`execute`, check expressions, `where:` predicates, backfill `set:`) is passed through as
//! written: it is SQL by intent.
//!
//! What a dialect cannot do with one statement becomes a step the runtime completes: SQLite has
//! no `ALTER COLUMN` nor `ADD CONSTRAINT`, so those ops become [`Step::RebuildTable`], the
//! documented twelve-step table rebuild (Alembic's "batch mode"), which needs the live table.

mod diesel;
mod diesel_types;
mod keyset;
mod mysql;
mod postgres;
mod sqlite;

pub use diesel::diesel_schema;
pub use diesel_types::{
    column_type_from_diesel, diesel_max_length, diesel_type_name, diesel_type_takes_max_length,
    diesel_types_agree,
};
pub use keyset::Keyset;
pub(crate) use mysql::varchar_widening_in_place as mysql_varchar_widening_in_place;

use crate::model::{DefaultValue, Migration, Op, RawSql, Rows, Unpublished};
use crate::schema::Simulation;

/// A database family the renderer knows.
///
/// Exhaustive on purpose: every `match` on it, here and in the runtime, must decide for each
/// backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dialect {
    Postgres,
    Sqlite,
    /// MySQL 8.0.29+ and MariaDB 10.6+: one dialect, tested on MariaDB.
    Mysql,
}

impl Dialect {
    pub const ALL: &'static [Dialect] = &[Dialect::Postgres, Dialect::Sqlite, Dialect::Mysql];

    pub fn name(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::Sqlite => "sqlite",
            Dialect::Mysql => "mysql",
        }
    }

    pub fn from_name(name: &str) -> Option<Dialect> {
        match name {
            "postgres" | "postgresql" | "pg" => Some(Dialect::Postgres),
            "sqlite" => Some(Dialect::Sqlite),
            "mysql" | "mariadb" => Some(Dialect::Mysql),
            _ => None,
        }
    }

    /// Whether DDL runs inside a transaction: MySQL commits before and after each DDL statement,
    /// so its migrations run step by step with their progress recorded.
    pub fn has_transactional_ddl(self) -> bool {
        self != Dialect::Mysql
    }

    /// `name` as an identifier of this dialect: in double quotes, or MySQL's backquotes, with the
    /// quote character doubled inside.
    ///
    /// ```
    /// use migrate_core::render::Dialect;
    ///
    /// assert_eq!(Dialect::Postgres.quote_ident(r#"we"ird"#), r#""we""ird""#);
    /// assert_eq!(Dialect::Mysql.quote_ident("we`ird"), "`we``ird`");
    /// ```
    pub fn quote_ident(self, name: &str) -> String {
        match self {
            Dialect::Mysql => format!("`{}`", name.replace('`', "``")),
            Dialect::Postgres | Dialect::Sqlite => quote_ident(name),
        }
    }

    /// `text` as a string literal of this dialect, read back as exactly `text` whatever the
    /// session's settings.
    ///
    /// PostgreSQL reads a backslash inside `'…'` as an escape when `standard_conforming_strings`
    /// is off (a server, database, role or session setting no migration controls), so there text
    /// holding a backslash is written in escape-string syntax, `E'…'`, where backslashes mean the
    /// same under either setting. Text without one keeps the plain form, which both settings read
    /// alike. SQLite has no escapes in literals. MySQL reads backslash escapes unless the session's
    /// `sql_mode` has `NO_BACKSLASH_ESCAPES`, which the runtime's sessions never set: a backslash
    /// is doubled.
    ///
    /// ```
    /// use migrate_core::render::Dialect;
    ///
    /// assert_eq!(Dialect::Postgres.quote_literal("it's"), "'it''s'");
    /// assert_eq!(Dialect::Postgres.quote_literal(r"C:\dir\'x"), r"E'C:\\dir\\''x'");
    /// assert_eq!(Dialect::Sqlite.quote_literal(r"C:\dir\'x"), r"'C:\dir\''x'");
    /// assert_eq!(Dialect::Mysql.quote_literal(r"C:\dir\'x"), r"'C:\\dir\\''x'");
    /// ```
    pub fn quote_literal(self, text: &str) -> String {
        match self {
            Dialect::Postgres if text.contains('\\') => {
                format!("E'{}'", text.replace('\\', "\\\\").replace('\'', "''"))
            }
            Dialect::Mysql => format!("'{}'", text.replace('\\', "\\\\").replace('\'', "''")),
            Dialect::Postgres | Dialect::Sqlite => quote_literal(text),
        }
    }
}

/// One thing the runtime executes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// SQL run inside the migration's transaction (when it has one).
    Sql(String),
    /// SQL that must be sent alone, outside any transaction (`CREATE INDEX CONCURRENTLY`).
    SqlOutsideTransaction(String),
    /// PostgreSQL: drop index `name` if a failed concurrent build left it INVALID, so the build
    /// that follows can be retried.
    DropInvalidIndex(String),
    /// Run `batch` repeatedly, each time in its own short transaction, until it updates no row.
    /// `remaining` counts the rows still to do, as one `bigint` column named `value`; the runtime
    /// uses it to report progress and to stop a `where:` that never stops matching. With `keyset`
    /// (the chain knows the table's primary key), the batches first walk the key, and `batch`
    /// runs after the walk, for rows written behind it.
    Backfill {
        batch: String,
        remaining: String,
        keyset: Option<Keyset>,
    },
    /// Call the registered Rust function at `path`.
    RunRust { path: String },
    /// SQLite: rebuild `table` with `op` applied (create new, copy, drop old, rename, re-index);
    /// the runtime reads the live table to do it.
    RebuildTable { table: String, op: Op },
    /// The op cannot be written in this dialect, for the reason given: the runtime refuses the
    /// whole run before any statement, and the offline script says why.
    Unsupported(String),
}

impl Step {
    /// The SQL text, for the offline `sql` command and error messages.
    pub fn display_sql(&self) -> String {
        match self {
            Step::Sql(sql) | Step::SqlOutsideTransaction(sql) => format!("{sql};"),
            Step::DropInvalidIndex(name) => format!(
                "-- the runtime first drops {} if a failed concurrent build left it INVALID",
                quote_ident(name)
            ),
            Step::Backfill {
                batch,
                keyset: None,
                ..
            } => format!("-- repeated until no row is updated\n{batch};"),
            Step::Backfill {
                batch,
                keyset: Some(keyset),
                ..
            } => format!(
                "{}\n-- then, while rows written behind the walk still match, repeated until no row is updated\n{batch};",
                keyset.display_sql()
            ),
            Step::RunRust { path } => format!("-- Rust: {path}"),
            Step::RebuildTable { table, op } => {
                format!("-- rebuild of table {} for: {op}", quote_ident(table))
            }
            Step::Unsupported(reason) => format!("-- cannot be run here: {reason}"),
        }
    }
}

/// The steps of one op, on a table that already exists (the online form where there is one).
///
/// ```
/// use migrate_core::model::Op;
/// use migrate_core::render::{render, Dialect, Step};
///
/// let op = Op::RenameColumn { table: "users".into(), from: "name".into(), to: "full_name".into() };
/// assert_eq!(
///     render(&op, Dialect::Postgres),
///     vec![Step::Sql(r#"ALTER TABLE "users" RENAME COLUMN "name" TO "full_name""#.into())]
/// );
/// ```
pub fn render(op: &Op, dialect: Dialect) -> Vec<Step> {
    render_ops(std::slice::from_ref(op), dialect).remove(0)
}

/// The steps of an `execute`'s SQL on `dialect`: none for `dialect: none`, and a step the runtime
/// refuses when nothing is written for the dialect (the checks require every target of the crate,
/// but a database outside them can still be connected to).
fn raw_sql(sql: &RawSql, dialect: Dialect) -> Vec<Step> {
    match sql.on(dialect) {
        Some(text) if text.is_empty() => Vec::new(),
        // PostgreSQL refuses `CREATE INDEX CONCURRENTLY` and the like inside a transaction block,
        // even the implicit one of statements sent together: each statement is then a step.
        Some(text)
            if dialect == Dialect::Postgres && crate::statements::needs_no_transaction(text) =>
        {
            crate::statements::read(text, dialect)
                .iter()
                .map(|statement| match statement.runs_outside_transaction() {
                    true => Step::SqlOutsideTransaction(statement.text.to_owned()),
                    false => Step::Sql(statement.text.to_owned()),
                })
                .collect()
        }
        Some(text) => vec![Step::Sql(text.to_string())],
        None => vec![Step::Unsupported(format!(
            "this `execute` has no SQL for {0}: write `{0}: \"…\"`, or `{0}: none` when nothing needs to run there",
            dialect.name()
        ))],
    }
}

/// The `INSERT` of `insert_rows`, or the `DELETE` of `delete_rows` that finds each row by its
/// literal values, with the dialect's quoting of names (`q`) and values (`value`).
fn rows_sql(
    delete: bool,
    rows: &Rows,
    q: impl Fn(&str) -> String,
    value: impl Fn(&DefaultValue) -> String,
) -> String {
    let table = q(&rows.table);
    if !delete {
        let columns: Vec<String> = rows.columns.iter().map(|column| q(column)).collect();
        let tuples: Vec<String> = rows
            .values
            .iter()
            .map(|row| {
                format!(
                    "({})",
                    row.iter().map(&value).collect::<Vec<_>>().join(", ")
                )
            })
            .collect();
        return format!(
            "INSERT INTO {table} ({}) VALUES {}",
            columns.join(", "),
            tuples.join(", ")
        );
    }
    let found: Vec<String> = rows
        .values
        .iter()
        .map(|row| {
            let conditions: Vec<String> = rows
                .key_of(row)
                .into_iter()
                .map(|(column, literal)| match literal {
                    DefaultValue::Null => format!("{} IS NULL", q(column)),
                    literal => format!("{} = {}", q(column), value(literal)),
                })
                .collect();
            format!("({})", conditions.join(" AND "))
        })
        .collect();
    format!("DELETE FROM {table} WHERE {}", found.join(" OR "))
}

/// The steps of each op of a list: ops on a table created earlier in the list get the plain form,
/// since the table has no rows to scan and no readers to block yet.
///
/// MySQL needs the schema before the ops (see [`render_ops_on`]); here it is taken to be empty.
pub fn render_ops(ops: &[Op], dialect: Dialect) -> Vec<Vec<Step>> {
    render_ops_on(ops, dialect, &Simulation::closed())
}

/// [`render_ops`] on a database whose schema before the first op is `before`: the fold of the
/// migrations that ran earlier. MySQL writes an enum's labels into each enum column and changes a
/// column by restating its definition, both known only from the chain; the other dialects do not
/// look at `before`.
///
/// ```
/// use migrate_core::model::{Column, ColumnChange, ColumnType, Op, Scalar, Table};
/// use migrate_core::render::{render_ops_on, Dialect, Step};
/// use migrate_core::schema::Simulation;
///
/// let email = Column { name: "email".into(), ty: ColumnType::Scalar(Scalar::Varchar(200)), nullable: true, default: None, identity: false, generated: None };
/// let mut before = Simulation::closed();
/// before.run(&[Op::CreateTable(Table { name: "users".into(), columns: vec![email].into(), primary_key: None })], migrate_core::diagnostic::Section::Upgrade);
///
/// let set_not_null = Op::AlterColumn { table: "users".into(), column: "email".into(), change: ColumnChange::SetNotNull };
/// assert_eq!(
///     render_ops_on(&[set_not_null], Dialect::Mysql, &before),
///     vec![vec![Step::Sql("ALTER TABLE `users` MODIFY COLUMN `email` VARCHAR(200) NOT NULL, ALGORITHM=INPLACE, LOCK=NONE".into())]]
/// );
/// ```
pub fn render_ops_on(ops: &[Op], dialect: Dialect, before: &Simulation) -> Vec<Vec<Step>> {
    render_tracked(ops, dialect, before, &mut Unpublished::default(), false)
}

/// [`render_ops_on`] for ops that run, all of them, in a PostgreSQL transaction that created the
/// `unpublished` tables before them, as [`Unpublished::admits`] allows: ops on those tables, and on
/// tables the ops create, get the plain form, an index `concurrently` included (no other session
/// sees the table to be blocked), and the tables the ops create are added to `unpublished`.
pub fn render_ops_in(
    ops: &[Op],
    dialect: Dialect,
    before: &Simulation,
    unpublished: &mut Unpublished,
) -> Vec<Vec<Step>> {
    render_tracked(ops, dialect, before, unpublished, true)
}

fn render_tracked(
    ops: &[Op],
    dialect: Dialect,
    before: &Simulation,
    unpublished: &mut Unpublished,
    unseen: bool,
) -> Vec<Vec<Step>> {
    let new_tables = unpublished.track(ops);
    let render = |op: &Op, new_table: bool, schema: &Simulation| {
        let mut steps = match dialect {
            Dialect::Postgres => postgres::render(op, new_table, unseen && new_table, schema),
            Dialect::Sqlite => sqlite::render(op),
            Dialect::Mysql => mysql::render(op, new_table, schema),
        };
        for step in &mut steps {
            if let Step::Backfill { keyset, .. } = step {
                *keyset = Keyset::of(op, dialect, schema);
            }
        }
        steps
    };
    if !needs_schema(ops, dialect) {
        return ops
            .iter()
            .zip(new_tables)
            .map(|(op, new_table)| render(op, new_table, before))
            .collect();
    }
    let mut schema = before.clone();
    ops.iter()
        .zip(new_tables)
        .enumerate()
        .map(|(index, (op, new_table))| {
            let steps = render(op, new_table, &schema);
            schema.apply_at(op, crate::diagnostic::Section::Upgrade(index));
            schema.take_problems();
            steps
        })
        .collect()
}

/// The steps of every op of a migration's upgrade.
pub fn render_upgrade(migration: &Migration, dialect: Dialect) -> Vec<Vec<Step>> {
    render_ops(&migration.upgrade, dialect)
}

/// Whether rendering `ops` for `dialect` needs the schema before them ([`render_ops_on`]): always
/// on MySQL, on PostgreSQL to remove an enum label (every column of the enum is converted), and
/// everywhere for a backfill, which walks its table's primary key when the chain made one
/// ([`Keyset`]).
///
/// ```
/// use migrate_core::model::Op;
/// use migrate_core::render::{needs_schema, Dialect};
///
/// let drop = Op::DropEnumValue { enum_name: "status".into(), value: "archived".into(), position: None };
/// assert!(needs_schema(&[drop.clone()], Dialect::Postgres));
/// assert!(!needs_schema(&[drop], Dialect::Sqlite));
/// assert!(needs_schema(&[], Dialect::Mysql));
/// let backfill = Op::Backfill {
///     table: "users".into(),
///     set: "role = 'member'".into(),
///     filter: "role IS NULL".into(),
///     batch_size: 1_000,
/// };
/// assert!(needs_schema(&[backfill], Dialect::Sqlite));
/// ```
pub fn needs_schema(ops: &[Op], dialect: Dialect) -> bool {
    let backfills = ops.iter().any(|op| matches!(op, Op::Backfill { .. }));
    match dialect {
        Dialect::Mysql => true,
        Dialect::Postgres => {
            backfills || ops.iter().any(|op| matches!(op, Op::DropEnumValue { .. }))
        }
        Dialect::Sqlite => backfills,
    }
}

/// What to undo when step `failed_step` of an op's steps fails, so the failure leaves nothing the
/// op made up behind: the SQL to run, and the step of the op a retry starts again from.
///
/// PostgreSQL's online `SET NOT NULL` adds a `NOT VALID` check that already refuses NULLs from new
/// writes; when its `VALIDATE` (or the `SET NOT NULL` after it) fails, that helper would keep
/// refusing them with no migration recorded to explain it.
///
/// ```
/// use migrate_core::model::{ColumnChange, Op};
/// use migrate_core::render::{rewind_after_failure, Dialect};
///
/// let op = Op::AlterColumn { table: "users".into(), column: "role".into(), change: ColumnChange::SetNotNull };
/// let rewind = rewind_after_failure(&op, Dialect::Postgres, 1).unwrap();
/// assert_eq!(rewind.sql, r#"ALTER TABLE "users" DROP CONSTRAINT IF EXISTS "migrate$not_null$users$role""#);
/// assert_eq!(rewind.restart_at, 0);
/// assert_eq!(rewind_after_failure(&op, Dialect::Postgres, 0), None);
/// ```
pub fn rewind_after_failure(op: &Op, dialect: Dialect, failed_step: usize) -> Option<Rewind> {
    match dialect {
        Dialect::Postgres => postgres::rewind_after_failure(op, failed_step),
        Dialect::Sqlite | Dialect::Mysql => None,
    }
}

/// See [`rewind_after_failure`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewind {
    /// Removes what the op's completed steps made up.
    pub sql: String,
    /// The index, among the op's steps, of the first step to run again.
    pub restart_at: usize,
}

/// A name the renderer makes up, kept within PostgreSQL's 63 bytes: too long a name is cut and
/// given a hash of the whole, so it stays unique and the same on every run.
pub fn generated_name(name: &str) -> String {
    const LIMIT: usize = crate::check::MAX_IDENTIFIER_BYTES;
    if name.len() <= LIMIT {
        return name.to_owned();
    }
    use sha2::{Digest, Sha256};
    let hash: String = Sha256::digest(name.as_bytes())[..4]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let mut cut = LIMIT - hash.len() - 1;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}_{hash}", &name[..cut])
}

/// The SQLite column definition, for the runtime's table rebuild.
pub fn sqlite_column(column: &crate::model::Column) -> String {
    sqlite::column_def(column)
}

/// The SQLite spelling of a column type, for the runtime's table rebuild.
pub fn sqlite_type(ty: &crate::model::ColumnType) -> String {
    sqlite::type_sql(ty)
}

/// The PostgreSQL spelling of a default, as a column definition writes it.
pub fn postgres_default(default: &crate::model::DefaultValue) -> String {
    postgres::default_sql(default)
}

/// The table constraint SQLite declares for `op` (an added foreign key or check) inside its
/// `CREATE TABLE`: SQLite has no `ADD CONSTRAINT`, so a rebuild or a fresh definition writes it.
///
/// ```
/// use migrate_core::model::{CheckConstraint, Op};
/// use migrate_core::render::sqlite_table_constraint;
///
/// let check = Op::AddCheck(CheckConstraint { name: "ck_users_age".into(), table: "users".into(), expr: "age >= 0".into() });
/// assert_eq!(sqlite_table_constraint(&check).unwrap(), r#"CONSTRAINT "ck_users_age" CHECK (age >= 0)"#);
/// ```
pub fn sqlite_table_constraint(op: &Op) -> Option<String> {
    match op {
        Op::AddForeignKey(fk) => Some(format!(
            "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {}{}",
            quote_ident(&fk.name),
            ident_list(&fk.columns),
            quote_ident(&fk.referenced_table),
            ident_list(&fk.referenced_columns),
            fk.on_delete.sql(),
            on_update_sql(fk)
        )),
        Op::AddCheck(check) => Some(format!(
            "CONSTRAINT {} CHECK ({})",
            quote_ident(&check.name),
            check.expr
        )),
        _ => None,
    }
}

/// ` ON UPDATE …` when the foreign key sets one; nothing for the default, `NO ACTION`.
fn on_update_sql(fk: &crate::model::ForeignKey) -> String {
    match fk.on_update {
        crate::model::ReferentialAction::NoAction => String::new(),
        action => format!(" ON UPDATE {}", action.sql()),
    }
}

/// The SQLite spelling of a default, for the runtime's table rebuild.
pub fn sqlite_default(default: &crate::model::DefaultValue) -> String {
    sqlite::default_sql(default)
}

/// ` GENERATED ALWAYS AS (expr) STORED` or `… VIRTUAL`: the same words on every backend (the
/// SQL standard's, which PostgreSQL, SQLite, MySQL and MariaDB all read), the expression passed
/// through as written.
fn generated_sql(generated: &crate::model::Generated) -> String {
    let storage = if generated.stored {
        "STORED"
    } else {
        "VIRTUAL"
    };
    format!(" GENERATED ALWAYS AS ({}) {storage}", generated.expr)
}

/// `"name"` with embedded quotes doubled (PostgreSQL and SQLite alike).
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `'text'` with embedded quotes doubled: the standard SQL form, SQLite's.
///
/// PostgreSQL reads it as `text` only while `standard_conforming_strings` is on; SQL for
/// PostgreSQL takes its literals from [`Dialect::quote_literal`].
pub fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// `"a", "b"`: quoted identifiers, comma-separated.
pub fn ident_list(names: &[crate::model::Text]) -> String {
    names
        .iter()
        .map(|name| quote_ident(name))
        .collect::<Vec<_>>()
        .join(", ")
}
