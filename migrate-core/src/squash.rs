//! Squash: one migration equal to the fold of a linear range of the chain, marked as replacing
//! the migrations of the range (`replaces: [...]`).
//!
//! A new database runs the squash alone; a database that applied every migration of the range
//! counts it as applied (the runtime reads their rows as its own), and the children of the range
//! keep naming the last of them, which now means the squash ([`crate::graph::Replacements`]).
//!
//! The squash builds the schema the range builds, from the fold: the typed ops, which the fold
//! knows exactly, become the ops that create the result ([`crate::fold::Schema::ops`]), in
//! `migration!` syntax ([`crate::canonical`]). What the fold cannot see is carried or listed:
//! `insert_rows` whose table and columns are still there at the end of the range (renames
//! followed) are carried after the schema, and `execute` statements verbatim, each with a comment
//! asking for review (their SQL may name what a later migration of the range renamed); `run`,
//! `backfill` and `delete_rows` change rows that a new database does not have and that a database
//! which applied the range already changed, so they are left out, each one listed. The squash is
//! checked like `migration!` and `migrations!()` check it before a line is written: the rules it
//! breaks because the range broke them are waived on its op, and anything else is an error.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Display, Formatter};

use crate::check::{check, Config, DowngradeDef, MigrationDef, Waiver};
use crate::diagnostic::Section;
use crate::fold;
use crate::graph::{self, GraphError};
use crate::inverse::Inverse;
use crate::model::{Migration, Op, Rows};

/// A squash of a range, ready to be written as a file ([`Squash::source`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Squash {
    /// The parents of the range's first migration.
    pub parents: Vec<String>,
    /// The range, oldest first.
    pub replaces: Vec<String>,
    /// The ops that build the range's schema, then the carried data steps.
    pub upgrade: Vec<Op>,
    /// Where each op of `upgrade` was carried from (`None` for the schema's own ops).
    pub carried_from: Vec<Option<String>>,
    /// The waivers the squash needs: rules its ops break because the range's did.
    pub waivers: Vec<Waiver>,
    /// Why the squash cannot be downgraded, when one of its carried ops cannot be undone.
    pub irreversible: Option<String>,
    /// The steps of the range that the squash does not hold, in the order they ran.
    pub left_out: Vec<LeftOut>,
    /// The SQL texts of the schema (a check's condition, a partial index's `where:`, a generated
    /// column's expression) rewritten for a column the range renamed after writing them, as
    /// PostgreSQL rewrites them: one line each, to review.
    pub rewritten: Vec<String>,
}

/// A step of the range the squash does not carry, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    pub migration: String,
    /// 1-based, in the migration's upgrade.
    pub op_number: usize,
    pub op: Op,
    pub reason: String,
}

impl Display for LeftOut {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} op {} `{}`: {}",
            self.migration, self.op_number, self.op, self.reason
        )
    }
}

/// Why a range cannot be squashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SquashError {
    Graph(Vec<GraphError>),
    /// An id the set does not have.
    Unknown(String),
    /// `from` does not come before `to` on `to`'s line of parents.
    NotAncestor {
        from: String,
        to: String,
    },
    /// A migration after `from` in the range merges branches.
    Merge {
        id: String,
        parents: Vec<String>,
    },
    /// A migration before `to` in the range has children outside it.
    Branch {
        id: String,
        children: Vec<String>,
    },
    /// A migration of the range is itself a squash.
    Nested {
        id: String,
    },
    /// The range does not start at the first migration: databases with rows would run it.
    NotFromRoot {
        from: String,
        parents: Vec<String>,
    },
    /// Raw SQL made or changed these tables: their definition is the SQL's.
    OpaqueTables {
        tables: Vec<String>,
    },
    /// A raw statement that runs outside any transaction, which a squash cannot hold with DDL.
    Concurrent {
        migration: String,
        op: String,
    },
    /// The squash would break rules a waiver cannot silence.
    WouldNotCompile {
        problems: Vec<String>,
    },
}

impl Display for SquashError {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            SquashError::Graph(errors) => write!(
                f,
                "the migration graph is invalid: {}",
                errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
            ),
            SquashError::Unknown(id) => write!(f, "no migration has the id {id:?}"),
            SquashError::NotAncestor { from, to } => write!(
                f,
                "{from} is not an ancestor of {to}: a squash replaces a run of migrations, each the parent of the next, from the first to the last"
            ),
            SquashError::Merge { id, parents } => write!(
                f,
                "{id} merges {}: a squash replaces one line of migrations, so the range must start at or after the merge",
                parents.join(" and ")
            ),
            SquashError::Branch { id, children } => write!(
                f,
                "{id} has children outside the range ({}): they would build on the whole squash instead of on {id}; end the range at {id}, or merge the branches first",
                children.join(", ")
            ),
            SquashError::Nested { id } => write!(
                f,
                "{id} replaces migrations itself: a database may record it as those, which a squash of it could not recognise; squash a range that starts after it"
            ),
            SquashError::NotFromRoot { from, parents } => write!(
                f,
                "a squash must start at the first migration: {from} has parents ({}), so the squash would run on databases that have rows, where it must do what each migration of the range did (a rename as a rename, a backfill, a data step), which the schema at its end does not say; squash from the first migration",
                parents.join(", ")
            ),
            SquashError::OpaqueTables { tables } => write!(
                f,
                "raw SQL of the range makes or changes {}, whose definition is the SQL's: a squash cannot rebuild {}; end the range before that `execute`",
                tables.iter().map(|table| format!("`{table}`")).collect::<Vec<_>>().join(", "),
                if tables.len() == 1 { "it" } else { "them" }
            ),
            SquashError::Concurrent { migration, op } => write!(
                f,
                "{migration} runs `{op}` outside any transaction, which cannot share the squash's with the rest: end the range before {migration}"
            ),
            SquashError::WouldNotCompile { problems } => write!(
                f,
                "the squash would not compile:\n{}",
                problems.iter().map(|problem| format!("  {problem}")).collect::<Vec<_>>().join("\n")
            ),
        }
    }
}

impl std::error::Error for SquashError {}

/// Squashes the range `from` … `to` (exact ids, `from` an ancestor of `to` or `to` itself) of
/// `migrations`, checked with `config`: the migration that replaces it, or why it cannot.
///
/// ```
/// use migrate_core::check::{check, Config, DowngradeDef, MigrationDef};
/// use migrate_core::model::{Column, ColumnType, Op, PrimaryKey, Scalar, Table};
///
/// let migration = |id: &str, parents: &[&str], upgrade: Vec<Op>| check(MigrationDef {
///     id: id.into(), parents: parents.iter().map(|p| p.to_string()).collect(), replaces: vec![],
///     doc: String::new(), upgrade, downgrade: DowngradeDef::Computed, lock_timeout_ms: None,
///     statement_timeout_ms: None, waivers: vec![], adopted_names: false,
/// }, &Config::default()).0;
/// let column = |name: &'static str, scalar| Column {
///     name: name.into(), ty: ColumnType::Scalar(scalar), nullable: false, default: None,
///     identity: false, generated: None,
/// };
/// let users = Table {
///     name: "users".into(),
///     columns: vec![Column { identity: true, ..column("id", Scalar::BigInt) }].into(),
///     primary_key: Some(PrimaryKey { name: "pk_users".into(), columns: vec!["id".into()].into() }),
/// };
/// let first = migration("0001_create_users", &[], vec![Op::CreateTable(users)]);
/// let second = migration("0002_add_email", &["0001_create_users"], vec![Op::AddColumn {
///     table: "users".into(),
///     column: Column { nullable: true, ..column("email", Scalar::Text) },
/// }]);
///
/// let squash = migrate_core::squash::squash(
///     &[&first, &second], "0001_create_users", "0002_add_email", &Config::default(),
/// ).unwrap();
/// assert_eq!(squash.replaces, ["0001_create_users", "0002_add_email"]);
/// assert_eq!(
///     migrate_core::canonical::block(&squash.upgrade),
///     "    create_table(users, { id: bigint identity, email: text nullable }, primary_key: pk_users(id));\n"
/// );
/// assert!(squash.left_out.is_empty());
/// assert!(squash.source("0003_squash", "Users.").contains("replaces: [\n        \"0001_create_users\",\n"));
/// ```
pub fn squash(
    migrations: &[&Migration],
    from: &str,
    to: &str,
    config: &Config,
) -> Result<Squash, SquashError> {
    let ordered = graph::order(migrations).map_err(SquashError::Graph)?;
    let range = range(&ordered, from, to)?;
    let first = range[0];
    if !first.parents.is_empty() {
        return before_the_range(first);
    }
    for migration in &range {
        for (index, op) in migration.upgrade.iter().enumerate() {
            if matches!(op, Op::Execute { .. }) && op.is_concurrent() {
                return Err(SquashError::Concurrent {
                    migration: migration.id.to_string(),
                    op: migration.upgrade[index].to_string(),
                });
            }
        }
    }
    let schema = fold::schema(&ordered, Some(to)).map_err(SquashError::Graph)?;
    if !schema.opaque.is_empty() {
        return Err(SquashError::OpaqueTables {
            tables: schema.opaque.clone(),
        });
    }
    let mut texts = Texts::default();
    for migration in &range {
        for op in migration.upgrade.iter() {
            texts.follow(op, &migration.id);
        }
    }
    let mut upgrade: Vec<Op> = schema
        .ops()
        .into_iter()
        .map(|op| texts.renamed(op))
        .collect();
    let mut carried_from = vec![None; upgrade.len()];
    let mut left_out = Vec::new();
    for (position, migration) in range.iter().enumerate() {
        for (index, op) in migration.upgrade.iter().enumerate() {
            let later = later_ops(&range, position, index);
            let carried = match op {
                Op::InsertRows(rows) => match still_there(rows, later, &schema) {
                    Ok(rows) => Some(Op::InsertRows(rows)),
                    Err(reason) => {
                        left_out.push(left(migration, index, op, reason));
                        None
                    }
                },
                Op::Execute { .. } => Some(op.clone()),
                Op::RunRust { up, .. } => {
                    left_out.push(left(migration, index, op, format!("a Rust data step (`{up}`): it changes rows a new database does not have, and a database that applied {} ran it already", migration.id)));
                    None
                }
                Op::Backfill { .. } => {
                    left_out.push(left(migration, index, op, format!("a backfill: it fills rows a new database does not have, and a database that applied {} ran it already", migration.id)));
                    None
                }
                Op::DeleteRows(_) => {
                    left_out.push(left(migration, index, op, format!("it deletes rows a new database does not have, and a database that applied {} deleted them already", migration.id)));
                    None
                }
                _ => None,
            };
            if let Some(op) = carried {
                upgrade.push(op);
                carried_from.push(Some(migration.id.to_string()));
            }
        }
    }
    let irreversible =
        upgrade
            .iter()
            .zip(&carried_from)
            .find_map(|(op, from)| match (op.inverse(), from) {
                (Inverse::Impossible(why), Some(from)) => Some(format!(
                    "`{op}`, carried from {from}, cannot be undone: {why}"
                )),
                _ => None,
            });
    let mut squash = Squash {
        parents: Vec::new(),
        replaces: range.iter().map(|m| m.id.to_string()).collect(),
        upgrade,
        carried_from,
        waivers: Vec::new(),
        irreversible,
        left_out,
        rewritten: texts.rewritten,
    };
    squash.waivers = waivers(&squash, &ordered, &range, config)?;
    Ok(squash)
}

/// The SQL texts of the schema's objects as the range's renames leave them. The fold keeps a
/// check's condition, a partial index's `where:` and a generated column's expression as written;
/// PostgreSQL rewrites them when a column they name is renamed, and so must the squash, which
/// writes them on the columns' last names.
#[derive(Debug, Default)]
struct Texts {
    /// A check's or partial index's name → its table and text.
    named: BTreeMap<String, (String, String)>,
    /// A generated column (table, column) → its expression.
    generated: BTreeMap<(String, String), String>,
    rewritten: Vec<String>,
}

impl Texts {
    fn follow(&mut self, op: &Op, migration: &str) {
        match op {
            Op::AddCheck(check) => {
                self.named.insert(
                    check.name.to_string(),
                    (check.table.to_string(), check.expr.to_string()),
                );
            }
            Op::CreateIndex(index) => {
                if let Some(predicate) = &index.predicate {
                    self.named.insert(
                        index.name.to_string(),
                        (index.table.to_string(), predicate.to_string()),
                    );
                }
            }
            Op::CreateTable(table) => {
                for column in table.columns.iter() {
                    self.column(&table.name, column);
                }
            }
            Op::AddColumn { table, column } => self.column(table, column),
            Op::RenameTable { from, to } => {
                for (owner, _) in self.named.values_mut() {
                    if owner == from {
                        *owner = to.to_string();
                    }
                }
                self.generated = std::mem::take(&mut self.generated)
                    .into_iter()
                    .map(|((table, column), expr)| match table == **from {
                        true => ((to.to_string(), column), expr),
                        false => ((table, column), expr),
                    })
                    .collect();
            }
            Op::RenameColumn { table, from, to } => {
                let renamed = |what: String, text: &mut String, rewritten: &mut Vec<String>| {
                    let new = rename_word(text, from, to);
                    if new != *text {
                        rewritten.push(format!(
                            "{what}: `{text}` → `{new}` ({migration} renamed {table}.{from} to {to})"
                        ));
                        *text = new;
                    }
                };
                for (name, (owner, text)) in &mut self.named {
                    if owner == table {
                        renamed(format!("`{name}`"), text, &mut self.rewritten);
                    }
                }
                let mut generated = BTreeMap::new();
                for ((owner, column), mut text) in std::mem::take(&mut self.generated) {
                    let mut column = column;
                    if owner == **table {
                        if column == **from {
                            column = to.to_string();
                        }
                        let what = format!("the expression of `{owner}.{column}`");
                        renamed(what, &mut text, &mut self.rewritten);
                    }
                    generated.insert((owner, column), text);
                }
                self.generated = generated;
            }
            _ => {}
        }
    }

    fn column(&mut self, table: &str, column: &crate::model::Column) {
        if let Some(generated) = &column.generated {
            self.generated.insert(
                (table.to_owned(), column.name.to_string()),
                generated.expr.to_string(),
            );
        }
    }

    /// `op` of the schema with its texts as the renames left them; an index built on a table
    /// that is new here, so not `concurrently` (the fold keeps how it was first built).
    fn renamed(&self, op: Op) -> Op {
        let named = |name: &str| self.named.get(name).map(|(_, text)| text.clone().into());
        match op {
            Op::AddCheck(mut check) => {
                if let Some(text) = named(&check.name) {
                    check.expr = text;
                }
                Op::AddCheck(check)
            }
            Op::CreateIndex(mut index) => {
                index.concurrently = false;
                if index.predicate.is_some() {
                    index.predicate = named(&index.name).or(index.predicate);
                }
                Op::CreateIndex(index)
            }
            Op::CreateTable(mut table) => {
                let columns: Vec<crate::model::Column> = table
                    .columns
                    .iter()
                    .cloned()
                    .map(|mut column| {
                        let key = (table.name.to_string(), column.name.to_string());
                        if let (Some(generated), Some(text)) =
                            (&mut column.generated, self.generated.get(&key))
                        {
                            generated.expr = text.clone().into();
                        }
                        column
                    })
                    .collect();
                table.columns = columns.into();
                Op::CreateTable(table)
            }
            op => op,
        }
    }
}

/// `sql` with the identifier `from` (bare, in any case, or double-quoted) written `to`; string
/// literals are left alone.
fn rename_word(sql: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        match c {
            '\'' => {
                out.push(c);
                for (_, c) in chars.by_ref() {
                    out.push(c);
                    if c == '\'' {
                        break;
                    }
                }
            }
            '"' => {
                let mut name = String::new();
                for (_, c) in chars.by_ref() {
                    if c == '"' {
                        break;
                    }
                    name.push(c);
                }
                let name = if name == from { to } else { name.as_str() };
                out.push('"');
                out.push_str(name);
                out.push('"');
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut end = start + c.len_utf8();
                while let Some(&(at, next)) = chars.peek() {
                    if !(next.is_alphanumeric() || next == '_' || next == '$') {
                        break;
                    }
                    end = at + next.len_utf8();
                    chars.next();
                }
                let word = &sql[start..end];
                out.push_str(if word.eq_ignore_ascii_case(from) {
                    to
                } else {
                    word
                });
            }
            c => out.push(c),
        }
    }
    out
}

/// A range that does not start at the first migration: the databases that would run the squash
/// (those before the range) have rows, and the fold's schema says what the range built, not how
/// to get there with them (a rename is a drop and an add to it, a backfill nothing).
fn before_the_range(first: &Migration) -> Result<Squash, SquashError> {
    Err(SquashError::NotFromRoot {
        from: first.id.to_string(),
        parents: first.parents.iter().map(ToString::to_string).collect(),
    })
}

/// The migrations from `from` to `to`, oldest first, when they are one line of the graph.
fn range<'a>(
    ordered: &[&'a Migration],
    from: &str,
    to: &str,
) -> Result<Vec<&'a Migration>, SquashError> {
    let replacements = graph::Replacements::of(ordered);
    let by_id: BTreeMap<&str, &'a Migration> =
        ordered.iter().map(|m| (m.id.as_ref(), *m)).collect();
    let get = |id: &str| {
        by_id
            .get(id)
            .copied()
            .ok_or_else(|| SquashError::Unknown(id.to_owned()))
    };
    get(from)?;
    let mut children: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for migration in ordered {
        for parent in replacements.parents(migration) {
            children.entry(parent).or_default().push(&migration.id);
        }
    }
    let mut range = vec![get(to)?];
    while range[range.len() - 1].id != from {
        let current = range[range.len() - 1];
        let parents = replacements.parents(current);
        match parents.as_slice() {
            [] => {
                return Err(SquashError::NotAncestor {
                    from: from.to_owned(),
                    to: to.to_owned(),
                })
            }
            [parent] => range.push(get(parent)?),
            parents => {
                return Err(SquashError::Merge {
                    id: current.id.to_string(),
                    parents: parents.iter().map(ToString::to_string).collect(),
                })
            }
        }
    }
    range.reverse();
    for pair in range.windows(2) {
        let [migration, next] = pair else { continue };
        let outside: Vec<String> = children
            .get(migration.id.as_ref())
            .into_iter()
            .flatten()
            .filter(|child| **child != next.id.as_ref())
            .map(ToString::to_string)
            .collect();
        if !outside.is_empty() {
            return Err(SquashError::Branch {
                id: migration.id.to_string(),
                children: outside,
            });
        }
    }
    if let Some(nested) = range.iter().find(|m| !m.replaces.is_empty()) {
        return Err(SquashError::Nested {
            id: nested.id.to_string(),
        });
    }
    Ok(range)
}

/// The ops of the range after op `index` of migration `position`.
fn later_ops<'a>(
    range: &'a [&Migration],
    position: usize,
    index: usize,
) -> impl Iterator<Item = &'a Op> {
    range[position].upgrade[index + 1..]
        .iter()
        .chain(range[position + 1..].iter().flat_map(|m| m.upgrade.iter()))
}

fn left(migration: &Migration, index: usize, op: &Op, reason: String) -> LeftOut {
    LeftOut {
        migration: migration.id.to_string(),
        op_number: index + 1,
        op: op.clone(),
        reason,
    }
}

/// `rows` under the names the range ends with, when their table and every column are still
/// there and no required column is missing from them; otherwise why not.
fn still_there<'a>(
    rows: &Rows,
    later: impl Iterator<Item = &'a Op>,
    schema: &fold::Schema,
) -> Result<Rows, String> {
    let mut rows = rows.clone();
    let mut columns: Vec<String> = rows.columns.iter().map(ToString::to_string).collect();
    for op in later {
        match op {
            Op::RenameTable { from, to } if *from == rows.table => rows.table = to.clone(),
            Op::RenameColumn { table, from, to } if *table == rows.table => {
                for column in columns.iter_mut().filter(|column| **column == **from) {
                    *column = to.to_string();
                }
            }
            Op::DropTable(table) if table.name == rows.table => {
                return Err(format!(
                    "its table `{}` is dropped later in the range",
                    rows.table
                ))
            }
            Op::DropColumn { table, column }
                if *table == rows.table && columns.iter().any(|name| *name == column.name) =>
            {
                return Err(format!(
                    "its column `{}.{}` is dropped later in the range",
                    rows.table, column.name
                ));
            }
            _ => {}
        }
    }
    let Some(table) = schema.table(&rows.table) else {
        return Err(format!(
            "its table `{}` is not there at the end of the range",
            rows.table
        ));
    };
    if let Some(missing) = columns.iter().find(|name| {
        !table
            .columns
            .iter()
            .any(|column| column.name == name.as_str())
    }) {
        return Err(format!(
            "its column `{}.{missing}` is not there at the end of the range",
            rows.table
        ));
    }
    let required = table.columns.iter().find(|column| {
        !column.nullable
            && column.default.is_none()
            && !column.identity
            && column.generated.is_none()
            && !columns.iter().any(|name| *name == column.name)
    });
    if let Some(required) = required {
        return Err(format!(
            "its rows have no `{}`, which is required at the end of the range: a new database would refuse them",
            required.name
        ));
    }
    rows.columns = columns
        .into_iter()
        .map(Into::into)
        .collect::<Vec<_>>()
        .into();
    Ok(rows)
}

/// The waivers the squash needs, after checking it as `migration!` and `migrations!()` would:
/// each rule its ops break is waived on the op when it may be, and refused otherwise. Problems
/// of other migrations that the squash would add (its children fold on it) are refused too.
fn waivers(
    squash: &Squash,
    ordered: &[&Migration],
    range: &[&Migration],
    config: &Config,
) -> Result<Vec<Waiver>, SquashError> {
    let id = "9999_squash";
    let def = squash.def(id, String::new(), Vec::new());
    let (migration, local) = check(def, config);
    let replaced: BTreeSet<&str> = range.iter().map(|m| m.id.as_ref()).collect();
    let mut rest: Vec<&Migration> = ordered
        .iter()
        .copied()
        .filter(|m| !replaced.contains(m.id.as_ref()))
        .collect();
    let before: BTreeSet<(String, String)> =
        fold::fold_with(ordered, &config.targets, config.pedantic)
            .map_err(SquashError::Graph)?
            .into_iter()
            .map(|problem| (problem.migration, problem.diagnostic.message))
            .collect();
    rest.push(&migration);
    let (own, others): (Vec<_>, Vec<_>) = fold::fold_with(&rest, &config.targets, config.pedantic)
        .map_err(SquashError::Graph)?
        .into_iter()
        .partition(|problem| problem.migration == id);
    let mut by_op: BTreeMap<usize, Vec<crate::CheckId>> = BTreeMap::new();
    let mut problems = Vec::new();
    let diagnostics = local
        .into_iter()
        .chain(own.into_iter().map(|problem| problem.diagnostic));
    for diagnostic in diagnostics {
        match diagnostic.at.section {
            // A carried statement is checked by the compiler, whose reading of SQL (the
            // `sql-parser` feature) this build may not have: it answers for it there, at the
            // op the file asks to review, waiver included.
            Section::Upgrade(index) | Section::ComputedDowngrade(index)
                if matches!(squash.upgrade.get(index), Some(Op::Execute { .. })) => {}
            Section::Upgrade(index) if diagnostic.check.is_waivable() => {
                let checks = by_op.entry(index).or_default();
                if !checks.contains(&diagnostic.check) {
                    checks.push(diagnostic.check);
                }
            }
            _ => problems.push(diagnostic.to_string()),
        }
    }
    let children = others
        .into_iter()
        .filter(|problem| {
            !before.contains(&(
                problem.migration.clone(),
                problem.diagnostic.message.clone(),
            ))
        })
        .map(|problem| format!("{}: {}", problem.migration, problem.diagnostic));
    problems.extend(children);
    if !problems.is_empty() {
        return Err(SquashError::WouldNotCompile { problems });
    }
    let reason = format!(
        "the migrations this one replaces built it so ({} to {}): see their reasons there",
        squash.replaces[0],
        squash.replaces[squash.replaces.len() - 1]
    );
    Ok(by_op
        .into_iter()
        .map(|(index, checks)| Waiver {
            section: Section::Upgrade(index),
            checks,
            reason: reason.clone(),
        })
        .collect())
}

impl Squash {
    /// The squash as `migration!` reads it: what [`crate::check::check`] takes.
    pub fn def(&self, id: &str, doc: String, waivers: Vec<Waiver>) -> MigrationDef {
        MigrationDef {
            id: id.to_owned(),
            parents: self.parents.clone(),
            replaces: self.replaces.clone(),
            doc,
            upgrade: self.upgrade.clone(),
            downgrade: match &self.irreversible {
                Some(reason) => DowngradeDef::Irreversible(reason.clone()),
                None => DowngradeDef::Computed,
            },
            lock_timeout_ms: None,
            statement_timeout_ms: None,
            waivers,
            adopted_names: true,
        }
    }

    /// The file of the squash: `migration!` with the id, the doc comment (`doc`, then what the
    /// squash replaces), the parents, `replaces`, `names: adopted` (the objects keep the names
    /// the replaced migrations gave them), and the ops, each carried one with a comment naming
    /// where it comes from and each waiver with its reason.
    pub fn source(&self, id: &str, doc: &str) -> String {
        let mut out = String::from("migrate_runtime::migration! {\n");
        for line in doc.trim().lines() {
            push_doc(&mut out, line);
        }
        if !doc.trim().is_empty() {
            out.push_str("    ///\n");
        }
        let first = &self.replaces[0];
        let last = &self.replaces[self.replaces.len() - 1];
        let about = format!("Replaces {first} to {last} (`migrate squash`): a new database runs this migration alone, and one that applied all of them counts it as applied.");
        for line in wrapped(&about, 92) {
            push_doc(&mut out, &line);
        }
        out.push_str(&format!("    id: {id:?},\n"));
        match self.parents.as_slice() {
            [] => out.push_str("    parent: none,\n"),
            [parent] => out.push_str(&format!("    parent: {parent:?},\n")),
            parents => {
                let list: Vec<String> = parents.iter().map(|p| format!("{p:?}")).collect();
                out.push_str(&format!("    parents: [{}],\n", list.join(", ")));
            }
        }
        out.push_str("    replaces: [\n");
        for replaced in &self.replaces {
            out.push_str(&format!("        {replaced:?},\n"));
        }
        out.push_str("    ],\n");
        out.push_str(
            "    // The objects keep the names the replaced migrations gave them (a renamed table\n    // keeps its constraints' names): they are not checked against the convention again.\n",
        );
        out.push_str("    names: adopted,\n");
        let keyword = match self.irreversible {
            Some(_) => "upgrade",
            None => "change",
        };
        out.push_str(&format!("    {keyword} {{\n"));
        let mut last_from: Option<&str> = None;
        for (index, (op, from)) in self.upgrade.iter().zip(&self.carried_from).enumerate() {
            match (from, op) {
                (Some(from), Op::Execute { .. }) => {
                    out.push_str(&format!("        // carried from {from}: review\n"));
                }
                (Some(from), _) if last_from != Some(from.as_str()) => {
                    out.push_str(&format!("        // carried from {from}\n"));
                }
                _ => {}
            }
            last_from = from.as_deref();
            if let Some(waiver) = self
                .waivers
                .iter()
                .find(|waiver| waiver.section == Section::Upgrade(index))
            {
                let checks: Vec<&str> = waiver.checks.iter().map(|check| check.as_str()).collect();
                out.push_str(&format!(
                    "        #[allow({}, reason = {:?})]\n",
                    checks.join(", "),
                    waiver.reason
                ));
            }
            out.push_str(&format!("        {};\n", written(op)));
        }
        out.push_str("    }\n");
        if let Some(reason) = &self.irreversible {
            out.push_str(&format!(
                "    downgrade {{\n        irreversible({reason:?});\n    }}\n"
            ));
        }
        out.push_str("}\n");
        out
    }
}

/// `text` in lines of at most `width` characters, broken between words.
fn wrapped(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

fn push_doc(out: &mut String, line: &str) {
    match line.trim_end() {
        "" => out.push_str("    ///\n"),
        line => out.push_str(&format!("    /// {line}\n")),
    }
}

/// An op as written in the file: a table with one column per line, every other op on one.
fn written(op: &Op) -> String {
    let Op::CreateTable(table) = op else {
        return op.to_string();
    };
    let mut out = format!("create_table({}, {{\n", table.name);
    for column in table.columns.iter() {
        out.push_str(&format!("            {column},\n"));
    }
    out.push_str("        }");
    if let Some(key) = &table.primary_key {
        out.push_str(&format!(
            ", primary_key: {}({})",
            key.name,
            key.columns.join(", ")
        ));
    }
    out.push(')');
    out
}
