//! The operations a migration is made of, modelled on Alembic's `op.*`.
//!
//! Drops carry the definition of what they drop (`was:` in the macro), so every schema op has an
//! inverse that can be computed rather than trusted.

use super::{Column, ColumnType, DefaultValue, List, Text};
use crate::render::Dialect;

/// One step of a migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    CreateTable(Table),
    /// Drops a table; the payload is its full definition, so the inverse can re-create it.
    DropTable(Table),
    AddColumn {
        table: Text,
        column: Column,
    },
    /// Drops a column; `column` is its recorded definition.
    DropColumn {
        table: Text,
        column: Column,
    },
    RenameTable {
        from: Text,
        to: Text,
    },
    RenameColumn {
        table: Text,
        from: Text,
        to: Text,
    },
    AlterColumn {
        table: Text,
        column: Text,
        change: ColumnChange,
    },
    CreateIndex(Index),
    /// Drops an index; the payload is its definition.
    DropIndex(Index),
    AddForeignKey(ForeignKey),
    DropForeignKey(ForeignKey),
    AddCheck(CheckConstraint),
    DropCheck(CheckConstraint),
    AddUnique(UniqueConstraint),
    DropUnique(UniqueConstraint),
    /// Gives a table that has none a primary key; on a table with rows, PostgreSQL builds its
    /// index concurrently first and SQLite rebuilds the table.
    AddPrimaryKey {
        table: Text,
        key: PrimaryKey,
    },
    /// Removes a table's primary key; `key` is its definition.
    DropPrimaryKey {
        table: Text,
        key: PrimaryKey,
    },
    CreateEnum(EnumType),
    DropEnum(EnumType),
    AddEnumValue {
        enum_name: Text,
        value: Text,
        position: Option<EnumPosition>,
    },
    /// Removes a label, recording where it was (`after:`/`before:` a neighbour, or nothing for the
    /// last) so its inverse puts it back there. Every column of the enum is converted to the
    /// shorter type; a row that holds the label fails the conversion.
    DropEnumValue {
        enum_name: Text,
        value: Text,
        position: Option<EnumPosition>,
    },
    /// Rows the migration writes (lookup values, seed data): one `INSERT`. Its inverse,
    /// `delete_rows`, deletes exactly these rows, found by their literal values.
    InsertRows(Rows),
    /// Deletes the rows given, each found by its literal values; the inverse inserts them again.
    DeleteRows(Rows),
    /// Raw SQL; without `down` it has no inverse.
    Execute {
        up: RawSql,
        down: Option<RawSql>,
    },
    /// A batched `UPDATE`: one short transaction per batch until no row matches `filter`.
    Backfill {
        table: Text,
        set: Text,
        filter: Text,
        batch_size: u32,
    },
    /// A Rust function that receives the connection; `up`/`down` are the paths as written.
    RunRust {
        up: Text,
        down: Option<Text>,
    },
}

/// The name of each op as written in `migration!`, without payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OpKind {
    CreateTable,
    DropTable,
    AddColumn,
    DropColumn,
    RenameTable,
    RenameColumn,
    AlterColumn,
    CreateIndex,
    DropIndex,
    AddForeignKey,
    DropForeignKey,
    AddCheck,
    DropCheck,
    AddUnique,
    DropUnique,
    AddPrimaryKey,
    DropPrimaryKey,
    CreateEnum,
    DropEnum,
    AddEnumValue,
    DropEnumValue,
    InsertRows,
    DeleteRows,
    Execute,
    Backfill,
    RunRust,
}

impl OpKind {
    pub const ALL: &'static [OpKind] = &[
        OpKind::CreateTable,
        OpKind::DropTable,
        OpKind::AddColumn,
        OpKind::DropColumn,
        OpKind::RenameTable,
        OpKind::RenameColumn,
        OpKind::AlterColumn,
        OpKind::CreateIndex,
        OpKind::DropIndex,
        OpKind::AddForeignKey,
        OpKind::DropForeignKey,
        OpKind::AddCheck,
        OpKind::DropCheck,
        OpKind::AddUnique,
        OpKind::DropUnique,
        OpKind::AddPrimaryKey,
        OpKind::DropPrimaryKey,
        OpKind::CreateEnum,
        OpKind::DropEnum,
        OpKind::AddEnumValue,
        OpKind::DropEnumValue,
        OpKind::InsertRows,
        OpKind::DeleteRows,
        OpKind::Execute,
        OpKind::Backfill,
        OpKind::RunRust,
    ];

    /// The op's name in `migration!`.
    pub fn name(self) -> &'static str {
        match self {
            OpKind::CreateTable => "create_table",
            OpKind::DropTable => "drop_table",
            OpKind::AddColumn => "add_column",
            OpKind::DropColumn => "drop_column",
            OpKind::RenameTable => "rename_table",
            OpKind::RenameColumn => "rename_column",
            OpKind::AlterColumn => "alter_column",
            OpKind::CreateIndex => "create_index",
            OpKind::DropIndex => "drop_index",
            OpKind::AddForeignKey => "add_foreign_key",
            OpKind::DropForeignKey => "drop_foreign_key",
            OpKind::AddCheck => "add_check",
            OpKind::DropCheck => "drop_check",
            OpKind::AddUnique => "add_unique",
            OpKind::DropUnique => "drop_unique",
            OpKind::AddPrimaryKey => "add_primary_key",
            OpKind::DropPrimaryKey => "drop_primary_key",
            OpKind::CreateEnum => "create_enum",
            OpKind::DropEnum => "drop_enum",
            OpKind::AddEnumValue => "add_enum_value",
            OpKind::DropEnumValue => "drop_enum_value",
            OpKind::InsertRows => "insert_rows",
            OpKind::DeleteRows => "delete_rows",
            OpKind::Execute => "execute",
            OpKind::Backfill => "backfill",
            OpKind::RunRust => "run",
        }
    }

    pub fn from_name(name: &str) -> Option<OpKind> {
        OpKind::ALL.iter().copied().find(|kind| kind.name() == name)
    }
}

impl Op {
    pub fn kind(&self) -> OpKind {
        match self {
            Op::CreateTable(_) => OpKind::CreateTable,
            Op::DropTable(_) => OpKind::DropTable,
            Op::AddColumn { .. } => OpKind::AddColumn,
            Op::DropColumn { .. } => OpKind::DropColumn,
            Op::RenameTable { .. } => OpKind::RenameTable,
            Op::RenameColumn { .. } => OpKind::RenameColumn,
            Op::AlterColumn { .. } => OpKind::AlterColumn,
            Op::CreateIndex(_) => OpKind::CreateIndex,
            Op::DropIndex(_) => OpKind::DropIndex,
            Op::AddForeignKey(_) => OpKind::AddForeignKey,
            Op::DropForeignKey(_) => OpKind::DropForeignKey,
            Op::AddCheck(_) => OpKind::AddCheck,
            Op::DropCheck(_) => OpKind::DropCheck,
            Op::AddUnique(_) => OpKind::AddUnique,
            Op::DropUnique(_) => OpKind::DropUnique,
            Op::AddPrimaryKey { .. } => OpKind::AddPrimaryKey,
            Op::DropPrimaryKey { .. } => OpKind::DropPrimaryKey,
            Op::CreateEnum(_) => OpKind::CreateEnum,
            Op::DropEnum(_) => OpKind::DropEnum,
            Op::AddEnumValue { .. } => OpKind::AddEnumValue,
            Op::DropEnumValue { .. } => OpKind::DropEnumValue,
            Op::InsertRows(_) => OpKind::InsertRows,
            Op::DeleteRows(_) => OpKind::DeleteRows,
            Op::Execute { .. } => OpKind::Execute,
            Op::Backfill { .. } => OpKind::Backfill,
            Op::RunRust { .. } => OpKind::RunRust,
        }
    }

    /// Whether the op must run outside any transaction (`CREATE INDEX CONCURRENTLY` and friends):
    /// a `concurrently` index op, or raw SQL holding a statement PostgreSQL refuses inside a
    /// transaction block.
    pub fn is_concurrent(&self) -> bool {
        match self {
            Op::CreateIndex(index) | Op::DropIndex(index) => index.concurrently,
            Op::Execute { up, .. } => up
                .on(Dialect::Postgres)
                .is_some_and(|sql| crate::statements::needs_no_transaction(sql)),
            _ => false,
        }
    }

    /// The table the op works on, when it works on exactly one.
    pub fn table(&self) -> Option<&str> {
        Some(match self {
            Op::CreateTable(table) | Op::DropTable(table) => &table.name,
            Op::AddColumn { table, .. }
            | Op::DropColumn { table, .. }
            | Op::RenameColumn { table, .. }
            | Op::AlterColumn { table, .. }
            | Op::Backfill { table, .. }
            | Op::AddPrimaryKey { table, .. }
            | Op::DropPrimaryKey { table, .. } => table,
            Op::RenameTable { from, .. } => from,
            Op::CreateIndex(index) | Op::DropIndex(index) => &index.table,
            Op::AddForeignKey(fk) | Op::DropForeignKey(fk) => &fk.table,
            Op::AddCheck(check) | Op::DropCheck(check) => &check.table,
            Op::AddUnique(unique) | Op::DropUnique(unique) => &unique.table,
            Op::InsertRows(rows) | Op::DeleteRows(rows) => &rows.table,
            Op::CreateEnum(_)
            | Op::DropEnum(_)
            | Op::AddEnumValue { .. }
            | Op::DropEnumValue { .. }
            | Op::Execute { .. }
            | Op::RunRust { .. } => return None,
        })
    }
}

/// For each op, whether the table it works on was created earlier in `ops`.
///
/// A table created in the same migration has no rows and no readers yet, so lock, scan and
/// rewrite concerns do not apply to it: the checks let it be, and the renderer uses the plain
/// form instead of the online one.
pub fn on_new_table(ops: &[Op]) -> Vec<bool> {
    Unpublished::default().track(ops)
}

/// The tables created in a PostgreSQL transaction that has not committed yet.
///
/// No other session can see them, so they have no readers to block and no rows but the
/// transaction's own: an index on one is built in the plain form, a constraint is added validated,
/// as on a table created in the same migration. The runtime lets the migrations that follow one
/// that opened such a transaction join it as long as they [`admit`](Unpublished::admits) it, so
/// a fresh database is built in one transaction, as `psql -1` would, with no lock held on any
/// table another session can use.
///
/// ```
/// use migrate_core::model::{Column, ColumnType, Index, Op, Scalar, Table, Unpublished};
///
/// let id = Column { name: "id".into(), ty: ColumnType::Scalar(Scalar::BigInt), nullable: false, default: None, identity: true, generated: None };
/// let create = Op::CreateTable(Table { name: "posts".into(), columns: vec![id].into(), primary_key: None });
/// let index = Op::CreateIndex(Index { name: "ix_posts_id".into(), table: "posts".into(), columns: vec!["id".into()].into(), unique: false, predicate: None, concurrently: true });
///
/// let mut unpublished = Unpublished::default();
/// assert!(unpublished.admits(std::slice::from_ref(&create)));
/// assert_eq!(unpublished.track(&[create]), vec![false]);
/// // A later migration's index on `posts`: the table is still the transaction's own.
/// assert!(unpublished.admits(std::slice::from_ref(&index)));
/// assert_eq!(unpublished.track(&[index.clone()]), vec![true]);
/// // Once the transaction has committed, the same index is built concurrently.
/// assert!(!Unpublished::default().admits(&[index]));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unpublished {
    tables: Vec<String>,
}

impl Unpublished {
    /// Whether `ops` can run in the transaction that created these tables without making it hold
    /// a lock on anything another session can see: each op creates a table or an enum type, or
    /// works on a table created before it in the transaction (a foreign key's referenced table
    /// too), in a form that can run in a transaction. Raw SQL, Rust steps, backfills and enum
    /// changes are never admitted: what they touch, or whether they can share the transaction,
    /// is not known from the op.
    pub fn admits(&self, ops: &[Op]) -> bool {
        let mut created = self.clone();
        let unpublished = |created: &Unpublished, table: &str| created.contains(table);
        ops.iter().all(|op| {
            let admitted = match op {
                Op::CreateTable(_) | Op::CreateEnum(_) => true,
                Op::AddForeignKey(fk) | Op::DropForeignKey(fk) => {
                    unpublished(&created, &fk.table)
                        && (fk.referenced_table == fk.table
                            || unpublished(&created, &fk.referenced_table))
                }
                Op::Backfill { .. }
                | Op::Execute { .. }
                | Op::RunRust { .. }
                | Op::DropEnum(_)
                | Op::AddEnumValue { .. }
                | Op::DropEnumValue { .. } => false,
                op => op.table().is_some_and(|table| unpublished(&created, table)),
            };
            created.track(std::slice::from_ref(op));
            admitted
        })
    }

    /// For each op, whether the table it works on was created before it in this transaction, in
    /// `ops` or earlier; the tables `ops` create (or rename) are recorded.
    pub fn track(&mut self, ops: &[Op]) -> Vec<bool> {
        ops.iter()
            .map(|op| {
                let new = op.table().is_some_and(|table| self.contains(table));
                match op {
                    Op::CreateTable(table) => self.tables.push(table.name.to_string()),
                    Op::DropTable(table) => self.tables.retain(|name| name != table.name.as_ref()),
                    Op::RenameTable { from, to } if self.contains(from) => {
                        self.tables.retain(|name| name != from.as_ref());
                        self.tables.push(to.to_string());
                    }
                    _ => {}
                }
                new
            })
            .collect()
    }

    fn contains(&self, table: &str) -> bool {
        self.tables.iter().any(|name| name == table)
    }
}

impl Op {
    /// Whether, on a table with rows, this op is done online in several short steps (validated
    /// constraints, a unique index built concurrently), which need their own transactions.
    pub fn is_online(&self) -> bool {
        matches!(
            self,
            Op::AddForeignKey(_)
                | Op::AddCheck(_)
                | Op::AddUnique(_)
                | Op::AddPrimaryKey { .. }
                | Op::AlterColumn {
                    change: ColumnChange::SetNotNull,
                    ..
                }
        )
    }

    /// Whether a step of this op must run outside any transaction, given whether its table is new.
    pub fn runs_outside_transaction(&self, on_new_table: bool) -> bool {
        self.is_concurrent()
            || (matches!(self, Op::AddUnique(_) | Op::AddPrimaryKey { .. }) && !on_new_table)
    }
}

/// A table definition: `create_table`, or what `drop_table` records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub name: Text,
    pub columns: List<Column>,
    pub primary_key: Option<PrimaryKey>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrimaryKey {
    pub name: Text,
    pub columns: List<Text>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub name: Text,
    pub table: Text,
    pub columns: List<Text>,
    pub unique: bool,
    /// The `WHERE` of a partial index.
    pub predicate: Option<Text>,
    pub concurrently: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    pub name: Text,
    pub table: Text,
    pub columns: List<Text>,
    pub referenced_table: Text,
    pub referenced_columns: List<Text>,
    pub on_delete: ReferentialAction,
    /// What a key update in the referenced table does; `no_action` unless written.
    pub on_update: ReferentialAction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferentialAction {
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl ReferentialAction {
    pub const ALL: &'static [ReferentialAction] = &[
        ReferentialAction::NoAction,
        ReferentialAction::Restrict,
        ReferentialAction::Cascade,
        ReferentialAction::SetNull,
        ReferentialAction::SetDefault,
    ];

    /// The spelling in `on_delete: cascade` and `on_update: cascade`.
    pub fn name(self) -> &'static str {
        match self {
            ReferentialAction::NoAction => "no_action",
            ReferentialAction::Restrict => "restrict",
            ReferentialAction::Cascade => "cascade",
            ReferentialAction::SetNull => "set_null",
            ReferentialAction::SetDefault => "set_default",
        }
    }

    pub fn from_name(name: &str) -> Option<ReferentialAction> {
        ReferentialAction::ALL
            .iter()
            .copied()
            .find(|action| action.name() == name)
    }

    pub fn sql(self) -> &'static str {
        match self {
            ReferentialAction::NoAction => "NO ACTION",
            ReferentialAction::Restrict => "RESTRICT",
            ReferentialAction::Cascade => "CASCADE",
            ReferentialAction::SetNull => "SET NULL",
            ReferentialAction::SetDefault => "SET DEFAULT",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckConstraint {
    pub name: Text,
    pub table: Text,
    /// The boolean SQL expression, as written.
    pub expr: Text,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UniqueConstraint {
    pub name: Text,
    pub table: Text,
    pub columns: List<Text>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumType {
    pub name: Text,
    pub values: List<Text>,
}

/// Where `add_enum_value` puts the new label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnumPosition {
    Before(Text),
    After(Text),
}

/// What `alter_column` changes. Every variant records the previous state, so it has an inverse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnChange {
    SetType {
        to: ColumnType,
        from: ColumnType,
        /// `USING` expression converting old values; none means an implicit cast.
        using: Option<Text>,
    },
    SetNotNull,
    DropNotNull,
    SetDefault {
        to: DefaultValue,
        /// The default before, or `None` when the column had none.
        from: Option<DefaultValue>,
    },
    DropDefault {
        was: DefaultValue,
    },
}

/// The SQL of an `execute`: one text every database runs, or one text per dialect, for the
/// statements databases spell differently (a trigger, a function, a generated column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawSql {
    Portable(Text),
    /// In [`Dialect::ALL`] order, each dialect at most once. A dialect left out has no SQL: the
    /// checks require every target of the crate, and the runtime refuses the others before
    /// running anything.
    PerDialect(List<(Dialect, Text)>),
}

impl RawSql {
    /// What runs on `dialect`, if anything is written for it.
    pub fn on(&self, dialect: Dialect) -> Option<&Text> {
        match self {
            RawSql::Portable(sql) => Some(sql),
            RawSql::PerDialect(texts) => texts
                .iter()
                .find(|(written, _)| *written == dialect)
                .map(|(_, sql)| sql),
        }
    }

    /// Every text, with its dialect (`None`: every dialect), in the order they are written.
    pub fn texts(&self) -> Vec<(Option<Dialect>, &Text)> {
        match self {
            RawSql::Portable(sql) => vec![(None, sql)],
            RawSql::PerDialect(texts) => texts.iter().map(|(d, sql)| (Some(*d), sql)).collect(),
        }
    }
}

/// One text of an `execute`, where it is among the op's values: the upgrade's texts, then the
/// `down:`'s, each in [`RawSql::texts`] order (the order the macro records their literals in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExecuteText<'a> {
    pub position: usize,
    pub down: bool,
    /// `None` when every dialect runs it.
    pub dialect: Option<Dialect>,
    pub sql: &'a Text,
}

impl ExecuteText<'_> {
    /// What the text is, for messages: "the SQL", "the `down:` SQL for sqlite".
    pub fn describe(&self) -> String {
        let side = if self.down {
            "the `down:` SQL"
        } else {
            "the SQL"
        };
        match self.dialect {
            Some(dialect) => format!("{side} for {}", dialect.name()),
            None => side.to_owned(),
        }
    }
}

/// The texts of `execute(up, down: down)`, in value-position order.
pub fn execute_texts<'a>(up: &'a RawSql, down: Option<&'a RawSql>) -> Vec<ExecuteText<'a>> {
    let sides = std::iter::once((false, up)).chain(down.map(|down| (true, down)));
    sides
        .flat_map(|(down, sql)| {
            sql.texts()
                .into_iter()
                .map(move |(dialect, sql)| (down, dialect, sql))
        })
        .enumerate()
        .map(|(position, (down, dialect, sql))| ExecuteText {
            position,
            down,
            dialect,
            sql,
        })
        .collect()
}

impl<T: Into<Text>> From<T> for RawSql {
    fn from(sql: T) -> RawSql {
        RawSql::Portable(sql.into())
    }
}

/// The rows of `insert_rows` and `delete_rows`: every row gives a value for each of `columns`, in
/// that order. Values are literals, `null`, or the functions and `sql("…")` defaults take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rows {
    pub table: Text,
    pub columns: List<Text>,
    pub values: List<List<DefaultValue>>,
}

impl Rows {
    /// The columns of `row` that can find it again, with their values: the literals and nulls
    /// (a function or `sql("…")` is evaluated anew each time).
    pub fn key_of<'a>(&'a self, row: &'a [DefaultValue]) -> Vec<(&'a Text, &'a DefaultValue)> {
        self.columns
            .iter()
            .zip(row)
            .filter(|(_, value)| !matches!(value, DefaultValue::Function(_) | DefaultValue::Sql(_)))
            .collect()
    }
}
