//! SQLite has no `ALTER COLUMN` and no `ADD/DROP CONSTRAINT`: such ops rebuild the table, as the
//! SQLite documentation prescribes (https://www.sqlite.org/lang_altertable.html#otheralter):
//! create the new shape under a temporary name, copy the rows, drop the old table, rename, and
//! re-create its indexes and triggers. The runtime turns foreign keys off around the run so
//! dropping the old table cascades nothing, and checks the rebuilt table's foreign keys before
//! going on.
//!
//! The structure is read from SQLite itself: the columns, generated ones included, from
//! `pragma_table_xinfo`; indexes and triggers from `sqlite_master`. The definition text is only
//! edited where the op changes it (`definition.rs`). Views that read the table keep reading it
//! by name: the rename runs with `legacy_alter_table` on, so SQLite does not re-check them while
//! the old table is gone. What cannot be kept is refused before anything runs, and errors name the
//! user's table, never the temporary one.

mod definition;

use migrate_core::model::{ColumnChange, Op};
use migrate_core::render::{quote_ident as q, quote_literal};

use crate::database::Database;
use definition::{ColumnDef, Definition};

/// Rebuilds `table` with `op` applied.
pub(crate) fn rebuild<C: Database>(conn: &mut C, table: &str, op: &Op) -> Result<(), String> {
    let live = LiveTable::read(conn, table)?;
    let mut definition = Definition::parse(&live.create_sql, &live.column_names())
        .map_err(|reason| format!("cannot rebuild table {}: {reason}", q(table)))?;
    apply(&mut definition, table, op)?;

    let temporary = format!("_migrate_rebuild_{table}");
    // Generated columns compute their values: only the stored ones are copied.
    let copied = live
        .columns
        .iter()
        .filter(|column| !column.generated)
        .map(|column| q(&column.name))
        .collect::<Vec<_>>()
        .join(", ");
    let internal_named = |error: diesel::result::Error| {
        error
            .to_string()
            .replace(&q(&temporary), &q(table))
            .replace(&temporary, table)
    };
    conn.batch_execute(&format!(
        "{create};
         INSERT INTO {new} ({copied}) SELECT {copied} FROM {old};
         DROP TABLE {old};",
        create = definition.create_sql(&temporary),
        new = q(&temporary),
        old = q(table),
    ))
    .map_err(internal_named)?;
    conn.batch_execute("PRAGMA legacy_alter_table = ON")
        .map_err(internal_named)?;
    let renamed = conn.batch_execute(&format!(
        "ALTER TABLE {} RENAME TO {}",
        q(&temporary),
        q(table)
    ));
    conn.batch_execute("PRAGMA legacy_alter_table = OFF")
        .map_err(internal_named)?;
    renamed.map_err(internal_named)?;
    for sql in live.indexes.iter().chain(&live.triggers) {
        conn.batch_execute(sql).map_err(internal_named)?;
    }
    let violations = conn
        .query_i64(&format!(
            "SELECT count(*) AS value FROM pragma_foreign_key_check({})",
            quote_literal(table)
        ))
        .map_err(internal_named)?
        .unwrap_or(0);
    if violations > 0 {
        return Err(format!(
            "{violations} rows of {} violate its foreign keys after the change",
            q(table)
        ));
    }
    Ok(())
}

/// The `CONSTRAINT … CHECK` table constraints of a table's definition: name and expression.
pub(crate) fn checks(create_sql: &str, columns: &[String]) -> Vec<(String, String)> {
    Definition::parse(create_sql, columns)
        .map(|definition| definition.checks())
        .unwrap_or_default()
}

/// Edits the definition as `op` says, or says why it cannot.
fn apply(definition: &mut Definition, table: &str, op: &Op) -> Result<(), String> {
    match op {
        Op::AddColumn { column, .. } => {
            definition
                .columns
                .push(ColumnDef::parse(&migrate_core::render::sqlite_column(
                    column,
                ))?)
        }
        Op::AddForeignKey(_) | Op::AddCheck(_) => definition
            .constraints
            .extend(migrate_core::render::sqlite_table_constraint(op)),
        Op::DropForeignKey(fk) => remove_constraint(definition, table, &fk.name)?,
        Op::DropCheck(check) => remove_constraint(definition, table, &check.name)?,
        Op::AddPrimaryKey { key, .. } => definition.constraints.push(format!(
            "CONSTRAINT {} PRIMARY KEY ({})",
            q(&key.name),
            migrate_core::render::ident_list(&key.columns)
        )),
        Op::DropPrimaryKey { key, .. } => {
            if definition.remove_constraint(&key.name) {
                return Ok(());
            }
            // An identity column is declared `INTEGER … PRIMARY KEY AUTOINCREMENT`, the only form
            // SQLite increments: the key is the rowid itself.
            return Err(format!(
                "the primary key {} of table {} is not a table constraint (an identity column's key is SQLite's rowid): SQLite cannot drop it",
                q(&key.name),
                q(table)
            ));
        }
        Op::AlterColumn { column, change, .. } => {
            let declared = definition
                .column_mut(column)
                .ok_or_else(|| format!("column {} is not in table {}", q(column), q(table)))?;
            if declared.is_generated() {
                return Err(format!(
                    "column {} of table {} is generated; SQLite cannot alter it: drop and re-add it",
                    q(column),
                    q(table)
                ));
            }
            match change {
                ColumnChange::SetType { .. } if declared.is_primary_key() => {
                    return Err(format!(
                        "column {} is the primary key of table {}; SQLite cannot change its type",
                        q(column),
                        q(table)
                    ))
                }
                ColumnChange::SetType { to, .. } => {
                    declared.set_type(&migrate_core::render::sqlite_type(to))
                }
                ColumnChange::SetNotNull => declared.set_nullable(false),
                ColumnChange::DropNotNull => declared.set_nullable(true),
                ColumnChange::SetDefault { to, .. } => {
                    declared.set_default(Some(&migrate_core::render::sqlite_default(to)))
                }
                ColumnChange::DropDefault { .. } => declared.set_default(None),
            }
        }
        other => return Err(format!("`{}` needs no table rebuild", other.kind().name())),
    }
    Ok(())
}

fn remove_constraint(definition: &mut Definition, table: &str, name: &str) -> Result<(), String> {
    match definition.remove_constraint(name) {
        true => Ok(()),
        false => Err(format!("table {} has no constraint {}", q(table), q(name))),
    }
}

/// What SQLite knows of a table: its definition, columns, indexes and triggers.
struct LiveTable {
    create_sql: String,
    columns: Vec<LiveColumn>,
    /// `CREATE INDEX` texts; the automatic indexes of `UNIQUE` constraints come back with them.
    indexes: Vec<String>,
    triggers: Vec<String>,
}

struct LiveColumn {
    name: String,
    generated: bool,
}

impl LiveTable {
    fn read<C: Database>(conn: &mut C, table: &str) -> Result<LiveTable, String> {
        let query_error = |error: diesel::result::Error| error.to_string();
        let schema = conn
            .query_texts(&format!(
                "SELECT type AS a, sql AS b, NULL AS c, NULL AS d FROM sqlite_master WHERE tbl_name = {} AND sql IS NOT NULL ORDER BY rowid",
                quote_literal(table)
            ))
            .map_err(query_error)?;
        let of_type = |wanted: &str| -> Vec<String> {
            schema
                .iter()
                .filter(|[kind, ..]| kind.as_deref() == Some(wanted))
                .filter_map(|[_, sql, ..]| sql.clone())
                .collect()
        };
        let Some(create_sql) = of_type("table").into_iter().next() else {
            return Err(format!("table {} does not exist", q(table)));
        };
        if create_sql
            .trim_start()
            .to_uppercase()
            .starts_with("CREATE VIRTUAL")
        {
            return Err(format!(
                "table {} is a virtual table; SQLite cannot rebuild it",
                q(table)
            ));
        }
        // `hidden` is 2 for a virtual generated column, 3 for a stored one.
        let columns = conn
            .query_texts(&format!(
                "SELECT name AS a, CAST(hidden AS text) AS b, NULL AS c, NULL AS d FROM pragma_table_xinfo({}) ORDER BY cid",
                quote_literal(table)
            ))
            .map_err(query_error)?
            .into_iter()
            .map(|[name, hidden, ..]| LiveColumn {
                name: name.unwrap_or_default(),
                generated: matches!(hidden.as_deref(), Some("2" | "3")),
            })
            .collect();
        Ok(LiveTable {
            create_sql,
            columns,
            indexes: of_type("index"),
            triggers: of_type("trigger"),
        })
    }

    fn column_names(&self) -> Vec<String> {
        self.columns
            .iter()
            .map(|column| column.name.clone())
            .collect()
    }
}
