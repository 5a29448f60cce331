//! The inverse of every op, and the downgrade computed from an upgrade.
//!
//! An op is either undone by another op, needs nothing undone (a backfill only changes data that
//! the structural inverse removes or keeps), or cannot be undone. The last case is never silently
//! turned into a no-op: the author must answer it with `irreversible("reason")`.

use crate::model::{ColumnChange, Op};

/// What undoes one op.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inverse {
    Op(Op),
    /// The op changes data only; the schema has nothing to undo.
    Nothing,
    /// The op cannot be undone; the text says why.
    Impossible(&'static str),
}

impl Op {
    /// The op that undoes this one.
    ///
    /// ```
    /// use migrate_core::model::Op;
    /// use migrate_core::inverse::Inverse;
    ///
    /// let rename = Op::RenameTable { from: "users".into(), to: "accounts".into() };
    /// assert_eq!(
    ///     rename.inverse(),
    ///     Inverse::Op(Op::RenameTable { from: "accounts".into(), to: "users".into() })
    /// );
    /// ```
    pub fn inverse(&self) -> Inverse {
        Inverse::Op(match self.clone() {
            Op::CreateTable(table) => Op::DropTable(table),
            Op::DropTable(table) => Op::CreateTable(table),
            Op::AddColumn { table, column } => Op::DropColumn { table, column },
            Op::DropColumn { table, column } => Op::AddColumn { table, column },
            Op::RenameTable { from, to } => Op::RenameTable { from: to, to: from },
            Op::RenameColumn { table, from, to } => Op::RenameColumn {
                table,
                from: to,
                to: from,
            },
            Op::AlterColumn {
                table,
                column,
                change,
            } => Op::AlterColumn {
                table,
                column,
                change: change.inverse(),
            },
            Op::CreateIndex(index) => Op::DropIndex(index),
            Op::DropIndex(index) => Op::CreateIndex(index),
            Op::AddForeignKey(fk) => Op::DropForeignKey(fk),
            Op::DropForeignKey(fk) => Op::AddForeignKey(fk),
            Op::AddCheck(check) => Op::DropCheck(check),
            Op::DropCheck(check) => Op::AddCheck(check),
            Op::AddUnique(unique) => Op::DropUnique(unique),
            Op::DropUnique(unique) => Op::AddUnique(unique),
            Op::AddPrimaryKey { table, key } => Op::DropPrimaryKey { table, key },
            Op::InsertRows(rows) => {
                if rows.values.iter().any(|row| rows.key_of(row).is_empty()) {
                    return Inverse::Impossible(
                        "a row whose every value is a function or `sql(\"…\")` cannot be found again to delete it",
                    );
                }
                Op::DeleteRows(rows)
            }
            Op::DeleteRows(rows) => Op::InsertRows(rows),
            Op::DropPrimaryKey { table, key } => Op::AddPrimaryKey { table, key },
            Op::CreateEnum(ty) => Op::DropEnum(ty),
            Op::DropEnum(ty) => Op::CreateEnum(ty),
            // Removing a label re-creates the type and rewrites every table using it, and fails
            // on a row that holds it: never computed, written (and waived) when wanted.
            Op::AddEnumValue { .. } => return Inverse::Impossible(
                "PostgreSQL cannot remove a value from an enum type without re-creating the type",
            ),
            Op::DropEnumValue {
                enum_name,
                value,
                position,
            } => Op::AddEnumValue {
                enum_name,
                value,
                position,
            },
            Op::Execute { up, down } => match down {
                Some(down) => Op::Execute {
                    up: down,
                    down: Some(up),
                },
                None => {
                    return Inverse::Impossible(
                        "raw SQL has no known inverse unless `down:` gives one",
                    )
                }
            },
            Op::Backfill { .. } => return Inverse::Nothing,
            Op::RunRust { up, down } => match down {
                Some(down) => Op::RunRust {
                    up: down,
                    down: Some(up),
                },
                None => {
                    return Inverse::Impossible(
                        "a Rust step has no known inverse unless `down:` gives one",
                    )
                }
            },
        })
    }
}

impl ColumnChange {
    /// The change that restores the column as it was.
    pub fn inverse(&self) -> ColumnChange {
        match self.clone() {
            ColumnChange::SetType { to, from, .. } => ColumnChange::SetType {
                to: from,
                from: to,
                using: None,
            },
            ColumnChange::SetNotNull => ColumnChange::DropNotNull,
            ColumnChange::DropNotNull => ColumnChange::SetNotNull,
            ColumnChange::SetDefault {
                to,
                from: Some(from),
            } => ColumnChange::SetDefault {
                to: from,
                from: Some(to),
            },
            ColumnChange::SetDefault { to, from: None } => ColumnChange::DropDefault { was: to },
            ColumnChange::DropDefault { was } => ColumnChange::SetDefault {
                to: was,
                from: None,
            },
        }
    }
}

/// The downgrade that undoes `upgrade`: the inverses in reverse order.
///
/// Fails with the index and reason of every op that cannot be undone.
pub fn downgrade_of(upgrade: &[Op]) -> Result<Vec<Op>, Vec<(usize, &'static str)>> {
    let mut ops = Vec::new();
    let mut impossible = Vec::new();
    for (index, op) in upgrade.iter().enumerate().rev() {
        match op.inverse() {
            Inverse::Op(inverse) => ops.push(inverse),
            Inverse::Nothing => {}
            Inverse::Impossible(why) => impossible.push((index, why)),
        }
    }
    if impossible.is_empty() {
        Ok(ops)
    } else {
        impossible.reverse();
        Err(impossible)
    }
}
