//! What the SQL of an `execute` amounts to: its text split into statements, each read with the
//! parser of the database it runs on and reduced to the [`Effect`]s the checks and the renderer
//! care about.
//!
//! The parser (`sqlparser`) yields a syntax tree with hundreds of node kinds; the rules need a
//! few dozen facts ("builds an index on `users` without `CONCURRENTLY`", "drops table `users`").
//! Reducing the tree here keeps the rules in [`crate::check`] plain functions over our own types,
//! like the rules over typed ops, and keeps the parser's types out of every other module.
//!
//! Reading is conservative: a statement with no effect listed is one whose effect is known to be
//! harmless to a live database (a view, a function, a data statement, …); what is parsed but not
//! understood is [`Effect::Unknown`], and what does not parse is [`Effect::Unreadable`] up to the
//! next `;`, after which reading goes on: the checks keep both under the generic `raw_sql` rule,
//! so one unreadable statement hides none of the others.
//!
//! A few PostgreSQL statements the parser does not know (`REINDEX`, `CLUSTER`, `VACUUM (…)`,
//! `DROP INDEX CONCURRENTLY`) are read from their keywords, since a migration tool must know them.

// Compiled in both builds, so its test holds it to the parser's answers.
#[cfg_attr(feature = "sql-parser", allow(dead_code))]
mod lexical;
#[cfg(feature = "sql-parser")]
mod parsed;

#[cfg(not(feature = "sql-parser"))]
pub use lexical::read;
#[cfg(feature = "sql-parser")]
pub use parsed::read;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement<'a> {
    /// The statement as written, without its `;`.
    pub text: &'a str,
    /// What it does that matters to a live database; empty when nothing does.
    pub effects: Vec<Effect>,
}

/// A fact about one statement. Names are the last part of the written name, folded to lowercase
/// unless quoted (PostgreSQL's rule), so they compare with the names of typed ops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// `CREATE TABLE`: what the statements after it do to the table cannot hurt anyone.
    CreatesTable(String),
    /// `CREATE INDEX` without `CONCURRENTLY`.
    BuildsIndex {
        table: String,
    },
    /// `DROP INDEX` without `CONCURRENTLY`.
    DropsIndex {
        index: String,
    },
    /// `REINDEX` without `CONCURRENTLY`.
    Reindexes,
    /// `ADD CONSTRAINT … FOREIGN KEY | CHECK` without `NOT VALID`: every row is checked under
    /// the lock. `kind` as written: `FOREIGN KEY`, `CHECK`.
    ValidatesConstraint {
        table: String,
        kind: &'static str,
    },
    /// `ADD CONSTRAINT … UNIQUE | PRIMARY KEY` without `USING INDEX`, or `EXCLUDE`: an index is
    /// built under an ACCESS EXCLUSIVE lock.
    BuildsConstraintIndex {
        table: String,
        kind: &'static str,
    },
    /// `ADD COLUMN … NOT NULL` without a default.
    AddsRequiredColumn {
        table: String,
        column: String,
    },
    /// `ADD COLUMN … DEFAULT <expr>` where the expression may give every row its own value.
    AddsVolatileDefault {
        table: String,
        column: String,
        default: String,
    },
    /// `ADD COLUMN` of an identity or `serial` column.
    AddsIdentityColumn {
        table: String,
        column: String,
    },
    /// `ALTER COLUMN … TYPE` (MySQL: `MODIFY`/`CHANGE` with a type).
    ChangesType {
        table: String,
        column: String,
        to: String,
    },
    /// `ALTER COLUMN … SET NOT NULL`.
    SetsNotNull {
        table: String,
        column: String,
    },
    DropsColumn {
        table: String,
        column: String,
    },
    DropsConstraint {
        table: String,
        name: String,
    },
    RenamesColumn {
        table: String,
        from: String,
        to: String,
    },
    RenamesTable {
        from: String,
        to: String,
    },
    DropsTable(String),
    /// `DROP SCHEMA` or `DROP DATABASE`; `what` as written: `schema "billing"`.
    DropsSchemaOrDatabase {
        what: String,
    },
    Truncates {
        tables: Vec<String>,
        cascade: bool,
    },
    /// `VACUUM FULL`, `CLUSTER`, `SET LOGGED`/`UNLOGGED`: the table is copied under an ACCESS
    /// EXCLUSIVE lock; `how` as written.
    RewritesTable {
        how: &'static str,
    },
    /// `LOCK TABLE`: held until the migration's transaction ends.
    LocksTables {
        tables: Vec<String>,
    },
    /// `BEGIN`, `COMMIT`, `ROLLBACK`, `SAVEPOINT`, or a session-wide `SET`/`RESET`.
    ControlsTransaction,
    /// PostgreSQL refuses it inside a transaction block (`CONCURRENTLY`, `VACUUM`): the runtime
    /// sends it alone, outside any.
    RunsOutsideTransaction,
    /// Parsed, but what it locks or loses is not known here; `what` names it (`ALTER TABLE … SET
    /// TABLESPACE`).
    Unknown {
        what: String,
    },
    /// The parser could not read it, for the reason given.
    Unreadable {
        reason: String,
    },
}

impl Statement<'_> {
    pub fn runs_outside_transaction(&self) -> bool {
        self.effects.contains(&Effect::RunsOutsideTransaction)
    }
}

/// Whether the PostgreSQL text of an `execute` holds a statement that must run outside any
/// transaction block.
pub fn needs_no_transaction(sql: &str) -> bool {
    read(sql, crate::render::Dialect::Postgres)
        .iter()
        .any(Statement::runs_outside_transaction)
}
