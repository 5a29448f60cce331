//! Raw SQL is checked like the typed ops: each statement of an `execute` raises the rule of the
//! typed op it amounts to, under the same id and waiver, and a rule of its own where no typed op
//! exists (`VACUUM FULL`, `LOCK TABLE`, `BEGIN`, …).
//!
//! [`crate::statements`] reads the text; this module only decides, from what a statement does and
//! whether its table is new, which rule it breaks and what to write instead. Only a statement
//! that cannot be read, or whose effect is not known, stays under the generic `raw_sql`, so one
//! waiver no longer silences whatever the SQL does.
//!
//! Locks, scans and rewrites of DDL are PostgreSQL's facts, so those rules read the text PostgreSQL
//! runs (portable or `postgres:`); loss, breakage, type changes (MySQL copies the table), explicit
//! table locks and transaction control apply to every dialect.

use std::collections::BTreeSet;

use crate::diagnostic::{CheckId, Section};
use crate::model::{execute_texts, ExecuteText, Op, RawSql};
use crate::render::Dialect;
use crate::statements::{read, Effect, Statement};

/// One problem of one text of an `execute`.
pub(super) struct Finding {
    /// The text's value position ([`ExecuteText::position`]).
    pub position: usize,
    pub check: CheckId,
    pub message: String,
    pub help: String,
}

/// The texts of the `execute` at `index` that run when `ops` run: its SQL, or, in the downgrade
/// computed from a `change`, the `down:` the author wrote (the inverse swaps the two, and the
/// diagnostic points at the literal as written).
pub(super) fn check_execute(
    ops: &[Op],
    index: usize,
    section: Section,
    up: &RawSql,
    down: Option<&RawSql>,
) -> Vec<Finding> {
    let texts: Vec<ExecuteText<'_>> = match (section, down) {
        (Section::ComputedDowngrade(_), Some(written_up)) => execute_texts(written_up, Some(up))
            .into_iter()
            .filter(|text| text.down)
            .collect(),
        _ => execute_texts(up, down)
            .into_iter()
            .filter(|text| !text.down)
            .collect(),
    };
    let before = new_tables(&ops[..index]);
    let mut found = Vec::new();
    for text in texts {
        let dialect = text.dialect.unwrap_or(Dialect::Postgres);
        let statements = read(text.sql, dialect);
        let mut new = before.clone();
        for (number, statement) in statements.iter().enumerate() {
            for effect in &statement.effects {
                if let Some((check, message, help)) = rule(effect, &new, dialect) {
                    found.push(Finding {
                        position: text.position,
                        check,
                        message: format!(
                            "{} `{}` {message}",
                            which(&text, number, statements.len()),
                            quote(statement.text)
                        ),
                        help,
                    });
                }
                learn(effect, &mut new);
            }
        }
        if dialect == Dialect::Postgres {
            found.extend(mixed_modes(&text, &statements));
        }
    }
    found
}

/// How a message names statement `number` (0-based) of `count`: by its number when the text
/// holds several.
fn which(text: &ExecuteText<'_>, number: usize, count: usize) -> String {
    match count {
        1 => text.describe(),
        _ => format!("statement {} of {}", number + 1, text.describe()),
    }
}

/// The start of a statement, on one line, for messages.
fn quote(sql: &str) -> String {
    const SHOWN: usize = 72;
    let flat = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(SHOWN) {
        Some((end, _)) => format!("{} …", flat[..end].trim_end()),
        None => flat,
    }
}

/// The tables `ops` create (typed or in raw SQL of any dialect), as they are named after them.
fn new_tables(ops: &[Op]) -> BTreeSet<String> {
    let mut new = BTreeSet::new();
    for op in ops {
        match op {
            Op::CreateTable(table) => {
                new.insert(table.name.to_string());
            }
            Op::DropTable(table) => {
                new.remove(table.name.as_ref());
            }
            Op::RenameTable { from, to } if new.remove(from.as_ref()) => {
                new.insert(to.to_string());
            }
            Op::Execute { up, .. } => {
                for (dialect, sql) in up.texts() {
                    for statement in &read(sql, dialect.unwrap_or(Dialect::Postgres)) {
                        for effect in &statement.effects {
                            learn(effect, &mut new);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    new
}

fn learn(effect: &Effect, new: &mut BTreeSet<String>) {
    match effect {
        Effect::CreatesTable(table) => {
            new.insert(table.clone());
        }
        Effect::DropsTable(table) => {
            new.remove(table);
        }
        Effect::RenamesTable { from, to } if new.remove(from) => {
            new.insert(to.clone());
        }
        _ => {}
    }
}

/// `CREATE INDEX CONCURRENTLY` and the like run outside any transaction, each on its own; other
/// statements of the same text would then lose their all-or-nothing guarantee.
fn mixed_modes(text: &ExecuteText<'_>, statements: &[Statement<'_>]) -> Option<Finding> {
    let outside = statements.iter().find(|s| s.runs_outside_transaction())?;
    let inside = statements.iter().find(|s| !s.runs_outside_transaction())?;
    Some(Finding {
        position: text.position,
        check: CheckId::MixedTransactionModes,
        message: format!(
            "{} mixes `{}`, which PostgreSQL runs only outside a transaction block, with `{}`: each would run on its own, and a failure would leave the ones before it applied",
            text.describe(),
            quote(outside.text),
            quote(inside.text)
        ),
        help: "give the statements that run outside a transaction an `execute` in a migration of their own".to_owned(),
    })
}

/// The rule `effect` breaks, with the end of its message (after the statement) and its help.
fn rule(
    effect: &Effect,
    new: &BTreeSet<String>,
    dialect: Dialect,
) -> Option<(CheckId, String, String)> {
    let existing = |table: &str| !new.contains(table);
    let postgres = dialect == Dialect::Postgres;
    let waive = |check: CheckId| format!("`#[allow({check}, reason = \"…\")]`");
    Some(match effect {
        Effect::BuildsIndex { table } if postgres && existing(table) => (
            CheckId::IndexNotConcurrent,
            format!("builds an index on existing table `{table}` under a SHARE lock: every INSERT, UPDATE and DELETE on it waits for the whole build"),
            "write `CREATE INDEX CONCURRENTLY` in an `execute` of its own (the migration then runs outside a transaction), or the typed `create_index(…, concurrently)`".to_owned(),
        ),
        Effect::DropsIndex { index } if postgres => (
            CheckId::DropIndexNotConcurrent,
            format!("drops index `{index}` under an ACCESS EXCLUSIVE lock on its table: reads and writes of the table queue behind it"),
            "write `DROP INDEX CONCURRENTLY` in an `execute` of its own, or the typed `drop_index(…, concurrently)`".to_owned(),
        ),
        Effect::Reindexes if postgres => (
            CheckId::ReindexNotConcurrent,
            "blocks writes to the table while the index is rebuilt, and reads that use the index".to_owned(),
            format!("write `REINDEX … CONCURRENTLY` (PostgreSQL 12+) in an `execute` of its own, or {}", waive(CheckId::ReindexNotConcurrent)),
        ),
        Effect::ValidatesConstraint { table, kind } if postgres && existing(table) => (
            CheckId::ConstraintValidatesTable,
            format!("adds a {kind} constraint to existing table `{table}` and checks every row while holding its lock{}", if *kind == "FOREIGN KEY" { " (SHARE ROW EXCLUSIVE on both tables: writes wait)" } else { " (ACCESS EXCLUSIVE: reads and writes wait)" }),
            "add it `NOT VALID`, then `ALTER TABLE … VALIDATE CONSTRAINT …` in a later migration (it scans under SHARE UPDATE EXCLUSIVE, which lets reads and writes go on); or use the typed op, which does exactly that".to_owned(),
        ),
        Effect::BuildsConstraintIndex { table, kind } if postgres && existing(table) => (
            CheckId::ConstraintBuildsIndex,
            format!("adds a {kind} constraint to existing table `{table}`, building its index under an ACCESS EXCLUSIVE lock: reads and writes wait for the whole build"),
            match *kind {
                "EXCLUDE" => format!("an exclusion constraint has no online form (neither `NOT VALID` nor `USING INDEX`): add it while the table is small or in a maintenance window, saying so: {}", waive(CheckId::ConstraintBuildsIndex)),
                _ => format!("build the index first with `CREATE UNIQUE INDEX CONCURRENTLY` in a migration of its own, then `ADD CONSTRAINT … {kind} USING INDEX …`; or use the typed `add_unique` / `add_primary_key`, which do exactly that"),
            },
        ),
        Effect::AddsRequiredColumn { table, column } if existing(table) => (
            CheckId::AddColumnRequired,
            format!("adds NOT NULL column `{column}` without a default: it fails on a table with rows, and the running app's INSERTs that do not set it fail too"),
            format!("add it nullable, fill it in batches, then require it (the typed `add_column`, `backfill` and `alter_column({table}, {column}, set_not_null)`); or give it a constant default"),
        ),
        Effect::AddsVolatileDefault { table, column, default } if postgres && existing(table) => (
            CheckId::AddColumnVolatileDefault,
            format!("adds `{column}` with the default `{default}`, which gives every row its own value (or the checker cannot tell that it does not), so PostgreSQL rewrites `{table}` and its indexes under an ACCESS EXCLUSIVE lock"),
            format!("add the column without a default, then `ALTER COLUMN {column} SET DEFAULT …` for new rows and fill the old ones with a batched `backfill`; or, for a default that is constant, {}", waive(CheckId::AddColumnVolatileDefault)),
        ),
        Effect::AddsIdentityColumn { table, column } if postgres && existing(table) => (
            CheckId::AddColumnIdentity,
            format!("makes `{column}` an identity (or serial) column, which gives every existing row a value: PostgreSQL rewrites `{table}` under an ACCESS EXCLUSIVE lock"),
            "create a new table with the identity column and copy the rows over, or add a nullable `bigint` and fill it in batches".to_owned(),
        ),
        Effect::ChangesType { table, column, to } if existing(table) => (
            CheckId::TypeChangeRewrites,
            format!("changes the type of `{table}.{column}` to `{to}`, which rewrites the table and rebuilds its indexes under an ACCESS EXCLUSIVE lock unless the old type converts without one (the SQL does not say what it was)"),
            format!("use the typed `alter_column({table}, {column}, set_type(…, from: …))`, which knows when no rewrite happens; or expand and contract: a new column, written both ways, backfilled, then swapped"),
        ),
        Effect::SetsNotNull { table, column } if postgres && existing(table) => (
            CheckId::SetNotNullScans,
            format!("sets `{table}.{column}` NOT NULL, which scans the whole table under an ACCESS EXCLUSIVE lock: reads and writes wait"),
            format!("use the typed `alter_column({table}, {column}, set_not_null)`, which proves it first with a `CHECK ({column} IS NOT NULL) NOT VALID` validated on its own, so the SET NOT NULL needs no scan"),
        ),
        Effect::DropsColumn { table, column } if existing(table) => (
            CheckId::DropColumn,
            format!("drops `{table}.{column}`: its data is lost, and running app versions that still read or write it fail"),
            format!("first stop using the column in code and deploy that; then drop it, saying so: {}; the typed `drop_column(…, was: …)` also records what a downgrade restores", waive(CheckId::DropColumn)),
        ),
        Effect::DropsConstraint { table, name } if existing(table) => (
            CheckId::DropConstraint,
            format!("drops `{name}` from `{table}`: rows that break it can be written from now on"),
            format!("make sure no code relies on it, then {}", waive(CheckId::DropConstraint)),
        ),
        Effect::RenamesColumn { table, from, to } if existing(table) => (
            CheckId::RenameColumn,
            format!("renames `{table}.{from}` to `{to}`, which breaks every running client that uses the old name until all are redeployed"),
            format!("expand and contract: add `{to}`, write both, backfill, switch reads, drop `{from}`; or, when no running code uses the name, {}", waive(CheckId::RenameColumn)),
        ),
        Effect::RenamesTable { from, to } if existing(from) => (
            CheckId::RenameTable,
            format!("renames table `{from}` to `{to}`, which breaks every running client that uses the old name until all are redeployed"),
            format!("keep the old name working during the rollout with a view (`CREATE VIEW {from} AS SELECT * FROM {to}`), or, when no running code uses the name, {}", waive(CheckId::RenameTable)),
        ),
        Effect::DropsTable(table) if existing(table) => (
            CheckId::DropTable,
            format!("drops table `{table}`: its data is lost, and running app versions that still use it fail"),
            format!("first stop using the table in code and deploy that; then drop it, saying so: {}; the typed `drop_table(…)` also records what a downgrade restores", waive(CheckId::DropTable)),
        ),
        Effect::DropsSchemaOrDatabase { what } => (
            CheckId::DropSchemaOrDatabase,
            format!("drops {what} and every table in it: all their data is lost"),
            format!("drop the tables one by one with the typed `drop_table`, each after code stopped using it; or say why nothing is lost: {}", waive(CheckId::DropSchemaOrDatabase)),
        ),
        Effect::Truncates { tables, cascade } if tables.iter().any(|table| existing(table)) => (
            CheckId::TruncateTable,
            format!(
                "empties {} under an ACCESS EXCLUSIVE lock: every row is lost{}",
                tables.iter().map(|table| format!("`{table}`")).collect::<Vec<_>>().join(", "),
                if *cascade { ", and `CASCADE` empties every table that references it too, recursively" } else { "" }
            ),
            format!("delete the rows you mean to with `DELETE … WHERE …` (or a batched `backfill`), naming each table; or say why nothing is lost: {}", waive(CheckId::TruncateTable)),
        ),
        Effect::RewritesTable { how } if postgres => (
            CheckId::TableRewrite,
            format!("rewrites the whole table under an ACCESS EXCLUSIVE lock ({how}): reads and writes wait until the copy is done"),
            format!("do it in a maintenance window, or not at all on a live table (for bloat, `pg_repack` or PostgreSQL 19's `REPACK (CONCURRENTLY)`); if the table is small, say so: {}", waive(CheckId::TableRewrite)),
        ),
        Effect::LocksTables { tables } if tables.iter().any(|table| existing(table)) => (
            CheckId::LockTable,
            format!(
                "locks {} until the migration's transaction ends (on MySQL, until `UNLOCK TABLES` or the end of the session): every query the lock mode conflicts with waits that long",
                tables.iter().map(|table| format!("`{table}`")).collect::<Vec<_>>().join(", ")
            ),
            format!("let each statement take the lock it needs, for as short as it needs; if the explicit lock is the point, say why: {}", waive(CheckId::LockTable)),
        ),
        Effect::ControlsTransaction => (
            CheckId::TransactionControl,
            "controls the transaction or the session the runtime runs the migration in: `BEGIN`, `COMMIT` or `ROLLBACK` end its transaction early (the migration is recorded as applied or not regardless of what ran), and a session `SET` outlives the migration on a pooled connection".to_owned(),
            "let the runtime own the transaction; for settings, use the migration's `lock_timeout:` / `statement_timeout:` or `SET LOCAL`, which ends with the transaction".to_owned(),
        ),
        Effect::Unreadable { reason } => (
            CheckId::RawSql,
            format!("could not be parsed ({reason}), so nothing here can tell what it locks, rewrites or loses"),
            format!("use a typed op where one exists; otherwise say why it is safe: {}", waive(CheckId::RawSql)),
        ),
        Effect::Unknown { what } => (
            CheckId::RawSql,
            format!("parses as `{what}`, but the checker does not know what it locks, rewrites or loses"),
            format!("use a typed op where one exists; otherwise say why it is safe: {}", waive(CheckId::RawSql)),
        ),
        _ => return None,
    })
}
