//! A backfill's walk in primary-key order.
//!
//! The scan form of a batch (`UPDATE … WHERE ctid IN (SELECT ctid … WHERE <where:> LIMIT n)`,
//! MySQL's `UPDATE … WHERE <where:> LIMIT n`) finds its rows by reading the table from the start,
//! past every row the batches before it did: batches of 1,000 over a million rows read the table
//! some five hundred times, and a batch's time, with the locks it holds, grows with the rows
//! before it. When the chain knows the table's primary key, the backfill walks it instead: each
//! batch asks for the key of its last row (the greatest of `… WHERE key > last AND <where:>
//! ORDER BY key LIMIT n`) and updates that range, so each row is read about once and a batch
//! costs what its rows cost. A row the walk has passed that still matches, because another
//! session wrote it meanwhile, is left to the scan form, which the runtime runs after the walk
//! until no row matches.

use super::Dialect;
use crate::model::{ColumnType, Op, Scalar};
use crate::schema::Simulation;

/// The most key columns a walk reads back: the runtime's text queries return four columns.
const MAX_KEY_COLUMNS: usize = 4;

/// How a backfill walks its table's primary key ([`Step::Backfill`](super::Step::Backfill)).
///
/// ```
/// use migrate_core::model::{Column, ColumnType, Op, PrimaryKey, Scalar, Table};
/// use migrate_core::render::{render_ops, Dialect, Step};
///
/// let column = |name: &'static str, scalar| Column {
///     name: name.into(),
///     ty: ColumnType::Scalar(scalar),
///     nullable: true,
///     default: None,
///     identity: false,
///     generated: None,
/// };
/// let users = Op::CreateTable(Table {
///     name: "users".into(),
///     columns: vec![column("id", Scalar::BigInt), column("role", Scalar::Text)].into(),
///     primary_key: Some(PrimaryKey { name: "pk_users".into(), columns: vec!["id".into()].into() }),
/// });
/// let backfill = Op::Backfill {
///     table: "users".into(),
///     set: "role = 'member'".into(),
///     filter: "role IS NULL".into(),
///     batch_size: 1_000,
/// };
/// let steps = render_ops(&[users, backfill], Dialect::Postgres);
/// let [Step::Backfill { keyset: Some(walk), .. }] = steps[1].as_slice() else { panic!() };
/// // The batch after the one that ended at id 1000, up to the id its last row has.
/// assert_eq!(
///     walk.update(Some(&["1000".into()]), &["2000".into()]),
///     r#"UPDATE "users" SET role = 'member' WHERE "id" > 1000 AND "id" <= 2000 AND (role IS NULL)"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyset {
    dialect: Dialect,
    table: String,
    /// Each key column, quoted, and whether its values are integers, written bare so that MySQL
    /// compares them as integers (a quoted one it compares as a floating-point number).
    key: Vec<(String, bool)>,
    set: String,
    filter: String,
    batch_size: u32,
}

impl Keyset {
    /// The walk for `op` when it is a backfill of a table whose primary key the chain made, of at
    /// most four columns whose values survive a round trip through text: integers, text, and, on
    /// PostgreSQL, uuid.
    pub(super) fn of(op: &Op, dialect: Dialect, schema: &Simulation) -> Option<Keyset> {
        let Op::Backfill {
            table,
            set,
            filter,
            batch_size,
        } = op
        else {
            return None;
        };
        let primary_key = schema.primary_key(table)?;
        if primary_key.columns.len() > MAX_KEY_COLUMNS {
            return None;
        }
        let key = primary_key
            .columns
            .iter()
            .map(|column| {
                let integer = match schema.column(table, column)?.ty.as_ref()? {
                    ColumnType::Scalar(Scalar::SmallInt | Scalar::Integer | Scalar::BigInt) => true,
                    ColumnType::Scalar(Scalar::Text | Scalar::Varchar(_)) => false,
                    ColumnType::Scalar(Scalar::Uuid) if dialect == Dialect::Postgres => false,
                    _ => return None,
                };
                Some((dialect.quote_ident(column), integer))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Keyset {
            dialect,
            table: dialect.quote_ident(table),
            key,
            set: set.to_string(),
            filter: filter.to_string(),
            batch_size: (*batch_size).max(1),
        })
    }

    /// The query for the key of the last row of the batch that follows the row keyed `after` (the
    /// first batch when `None`): one row of text columns `a`, `b`, `c`, `d`, the key's columns in
    /// order and `NULL` past them, or no row when no row after `after` matches.
    pub fn bound(&self, after: Option<&[String]>) -> String {
        let text = match self.dialect {
            Dialect::Postgres => "text",
            Dialect::Sqlite => "TEXT",
            Dialect::Mysql => "CHAR",
        };
        let columns: Vec<String> = ["a", "b", "c", "d"]
            .iter()
            .enumerate()
            .map(|(index, alias)| match self.key.get(index) {
                Some((column, _)) => format!("CAST({column} AS {text}) AS {alias}"),
                None => format!("CAST(NULL AS {text}) AS {alias}"),
            })
            .collect();
        let conditions: Vec<String> = after
            .map(|after| self.compare(">", &self.literals(after)))
            .into_iter()
            .chain([format!("({})", self.filter)])
            .collect();
        let names = self.names();
        let descending: Vec<String> = names.iter().map(|name| format!("{name} DESC")).collect();
        format!(
            "SELECT {} FROM (SELECT {} FROM {} WHERE {} ORDER BY {} LIMIT {}) AS batch ORDER BY {} LIMIT 1",
            columns.join(", "),
            names.join(", "),
            self.table,
            conditions.join(" AND "),
            names.join(", "),
            self.batch_size,
            descending.join(", ")
        )
    }

    /// The batch after the row keyed `after` (from the first row when `None`) up to and including
    /// the row keyed `through`, as [`Keyset::bound`] read the keys.
    pub fn update(&self, after: Option<&[String]>, through: &[String]) -> String {
        self.update_between(
            after.map(|after| self.literals(after)),
            self.literals(through),
        )
    }

    /// The key's column count: how many of [`Keyset::bound`]'s columns to read.
    pub fn width(&self) -> usize {
        self.key.len()
    }

    /// How `migrate sql` shows the walk: as comments, since the keys are the rows' (named in
    /// `<…>`), so that the script stays SQL a client can run.
    pub(super) fn display_sql(&self) -> String {
        let named = |what: &str| vec![format!("<{what}>"); self.key.len()];
        format!(
            "-- in primary-key order, {} rows a batch, until no row is left: each batch reads the key of its last row\n--   {};\n-- then updates the rows up to it\n--   {};",
            self.batch_size,
            self.bound(None),
            self.update_between(Some(named("last key")), named("its last row's key"))
        )
    }

    fn update_between(&self, after: Option<Vec<String>>, through: Vec<String>) -> String {
        let conditions: Vec<String> = after
            .map(|after| self.compare(">", &after))
            .into_iter()
            .chain([self.compare("<=", &through), format!("({})", self.filter)])
            .collect();
        format!(
            "UPDATE {} SET {} WHERE {}",
            self.table,
            self.set,
            conditions.join(" AND ")
        )
    }

    fn names(&self) -> Vec<&str> {
        self.key.iter().map(|(column, _)| column.as_str()).collect()
    }

    /// `key > values` (or another operator): a row comparison when the key has several columns.
    fn compare(&self, operator: &str, values: &[String]) -> String {
        match (self.names().as_slice(), values) {
            ([column], [value]) => format!("{column} {operator} {value}"),
            (names, values) => format!("({}) {operator} ({})", names.join(", "), values.join(", ")),
        }
    }

    /// A key as read back in text, as SQL literals: an integer bare when it is one, anything else
    /// quoted.
    fn literals(&self, values: &[String]) -> Vec<String> {
        self.key
            .iter()
            .zip(values)
            .map(
                |((_, integer), value)| match *integer && value.parse::<i64>().is_ok() {
                    true => value.clone(),
                    false => self.dialect.quote_literal(value),
                },
            )
            .collect()
    }
}
