//! Autogenerate: the ops that take the schema a chain builds to a target schema (a live
//! database's, a diesel `schema.rs`'s), written in their safe forms.
//!
//! A target may not see everything the chain defines: a diesel `schema.rs` has no indexes,
//! constraints or defaults. [`Sees`] says what the target can tell; what it cannot is never
//! taken as absent (no index is dropped because `schema.rs` does not list it).

mod columns;
mod constraints;

use std::collections::{BTreeMap, BTreeSet};

use super::Schema;
use crate::model::Op;
use crate::render::Dialect;

/// A schema to generate a migration towards, with what its source can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub schema: Schema,
    pub sees: Sees,
}

/// What a target's source can tell about a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sees {
    /// Column defaults.
    pub defaults: bool,
    /// Whether an integer column is an identity.
    pub identity: bool,
    /// Indexes, unique constraints, foreign keys and checks.
    pub constraints: bool,
    /// PostgreSQL enum types and their labels.
    pub enums: bool,
    /// The primary key's name (a diesel `table!` lists the key's columns only; MySQL calls
    /// every key `PRIMARY`).
    pub key_names: bool,
    /// The names of foreign keys (SQLite keeps none: a foreign key is its columns there).
    pub foreign_key_names: bool,
    /// How column types are compared.
    pub types: TypeDetail,
}

/// How precisely a target states column types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeDetail {
    /// As the chain writes them (`varchar(200)`, `numeric(10, 2)`).
    Exact,
    /// As a database of this backend stores them: two types it stores the same are the same
    /// (on SQLite, `timestamptz` and `text` are both `TEXT`).
    Catalog(Dialect),
    /// As diesel names them for this backend (`Varchar`, `Int8`): two types diesel names the
    /// same are the same.
    Diesel(Dialect),
}

impl Sees {
    /// Another chain's schema: everything, as written.
    pub const EVERYTHING: Sees = Sees {
        defaults: true,
        identity: true,
        constraints: true,
        enums: true,
        key_names: true,
        foreign_key_names: true,
        types: TypeDetail::Exact,
    };

    /// A live database of `dialect`: its catalogs tell everything the chain defines, in its own
    /// words (no enum types outside PostgreSQL, no constraint names but checks' on SQLite, no
    /// primary key names outside PostgreSQL).
    pub const fn database(dialect: Dialect) -> Sees {
        Sees {
            enums: matches!(dialect, Dialect::Postgres),
            key_names: matches!(dialect, Dialect::Postgres),
            foreign_key_names: !matches!(dialect, Dialect::Sqlite),
            types: TypeDetail::Catalog(dialect),
            ..Sees::EVERYTHING
        }
    }

    /// A diesel `schema.rs`: tables, columns, their diesel types and nullability, and the
    /// primary key's columns.
    pub const fn diesel(dialect: Dialect) -> Sees {
        Sees {
            defaults: false,
            identity: false,
            constraints: false,
            enums: false,
            key_names: false,
            foreign_key_names: false,
            types: TypeDetail::Diesel(dialect),
        }
    }
}

/// What the user decided that no schema can tell: which drop and add are one rename.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    pub renames: Vec<Rename>,
}

/// `--rename users=accounts` (a table) or `--rename users.name=full_name` (a column of the
/// table, named as the target names it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rename {
    Table {
        from: String,
        to: String,
    },
    Column {
        table: String,
        from: String,
        to: String,
    },
}

/// As `--rename` takes it: `users=accounts`, `users.name=full_name`.
impl std::fmt::Display for Rename {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rename::Table { from, to } => write!(f, "{from}={to}"),
            Rename::Column { table, from, to } => write!(f, "{table}.{from}={to}"),
        }
    }
}

impl Rename {
    /// The question to ask about it, in words.
    pub fn question(&self) -> String {
        match self {
            Rename::Table { from, to } => {
                format!("table {from} is dropped and table {to} created: was {from} renamed to {to}?")
            }
            Rename::Column { table, from, to } => format!(
                "column {table}.{from} is dropped and {table}.{to} added: was {from} renamed to {to}?"
            ),
        }
    }

    /// The old and the new name, as `table.column` for a column: what one rename uses up.
    fn names(&self) -> [String; 2] {
        match self {
            Rename::Table { from, to } => [from.clone(), to.clone()],
            Rename::Column { table, from, to } => {
                [format!("{table}.{from}"), format!("{table}.{to}")]
            }
        }
    }
}

/// Of `hints`, those `accept` says yes to, in order, skipping a hint whose old or new name an
/// accepted one already took.
///
/// ```
/// use migrate_core::fold::autogenerate::{choose_renames, Rename};
///
/// let hints: Vec<Rename> = ["users.name=full_name", "users.name=nickname", "users.bio=about"]
///     .iter().map(|hint| hint.parse().unwrap()).collect();
/// let chosen = choose_renames(&hints, |_| true);
/// assert_eq!(chosen.iter().map(ToString::to_string).collect::<Vec<_>>(), ["users.name=full_name", "users.bio=about"]);
/// ```
pub fn choose_renames(hints: &[Rename], mut accept: impl FnMut(&Rename) -> bool) -> Vec<Rename> {
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut chosen = Vec::new();
    for hint in hints {
        let names = hint.names();
        if names.iter().any(|name| taken.contains(name)) {
            continue;
        }
        if accept(hint) {
            taken.extend(names);
            chosen.push(hint.clone());
        }
    }
    chosen
}

impl std::str::FromStr for Rename {
    type Err = String;

    /// ```
    /// use migrate_core::fold::autogenerate::Rename;
    ///
    /// assert_eq!("users=accounts".parse(), Ok(Rename::Table { from: "users".into(), to: "accounts".into() }));
    /// assert_eq!(
    ///     "users.name=full_name".parse(),
    ///     Ok(Rename::Column { table: "users".into(), from: "name".into(), to: "full_name".into() })
    /// );
    /// assert!("users".parse::<Rename>().is_err());
    /// ```
    fn from_str(text: &str) -> Result<Rename, String> {
        let wrong = || format!("`{text}` is not `old=new` (a table) or `table.old=new` (a column)");
        let (from, to) = text.split_once('=').ok_or_else(wrong)?;
        let (from, to) = (from.trim(), to.trim());
        let word = |name: &str| !name.is_empty() && !name.contains(['.', '=', ' ']);
        match from.split_once('.') {
            Some((table, column)) if word(table) && word(column) && word(to) => {
                Ok(Rename::Column {
                    table: table.to_owned(),
                    from: column.to_owned(),
                    to: to.to_owned(),
                })
            }
            None if word(from) && word(to) => Ok(Rename::Table {
                from: from.to_owned(),
                to: to.to_owned(),
            }),
            _ => Err(wrong()),
        }
    }
}

/// The migrations that take the chain to the target: one, or two when ops that must run outside
/// a transaction (an index built `concurrently` on an existing table) are needed, which go in a
/// migration of their own after it; and a first one when such a drop must come before the rest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Index drops that run outside a transaction, before the columns they cover are dropped.
    pub before: Vec<Step>,
    pub main: Vec<Step>,
    /// Indexes built `concurrently` on existing tables, then the constraints that need them.
    pub after: Vec<Step>,
    /// What the target has that no op can write, one sentence each: never skipped silently.
    pub unwritten: Vec<String>,
    /// Drops and adds that may be renames, which are never guessed: each as the `--rename` that
    /// would say so.
    pub rename_hints: Vec<Rename>,
    /// The renames of [`Options`] that name what is not there, one sentence each: the plan
    /// ignores them, and a caller should refuse it.
    pub refused: Vec<String>,
}

impl Plan {
    /// Whether the chain already builds the target (as far as the target can tell).
    pub fn is_empty(&self) -> bool {
        self.before.is_empty() && self.main.is_empty() && self.after.is_empty()
    }

    /// The migrations to write, in order, each with what its id adds to the slug.
    pub fn migrations(&self) -> Vec<(&'static str, &[Step])> {
        [
            ("_prepare", self.before.as_slice()),
            ("", self.main.as_slice()),
            ("_concurrently", self.after.as_slice()),
        ]
        .into_iter()
        .filter(|(_, steps)| !steps.is_empty())
        .collect()
    }
}

/// One op of a generated migration, with what the reader should know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub op: Op,
    /// A comment written above the op.
    pub note: Option<String>,
    /// For a backfill: the value is the user's to decide, and the op is written with
    /// `set: todo("…")`, which the macro refuses with this text until it is replaced.
    pub decide: Option<String>,
}

impl Step {
    fn op(op: Op) -> Step {
        Step {
            op,
            note: None,
            decide: None,
        }
    }

    fn noted(op: Op, note: impl Into<String>) -> Step {
        Step {
            note: Some(note.into()),
            ..Step::op(op)
        }
    }

    /// The op as `migration!` source: one or more lines, indented, each ending in `;`.
    ///
    /// ```
    /// use migrate_core::fold::autogenerate::{plan, Options, Sees, Target};
    /// use migrate_core::fold::Schema;
    /// use migrate_core::model::{Column, ColumnType, Scalar, Table};
    ///
    /// let column = |name: &'static str, nullable| Column { name: name.into(), ty: ColumnType::Scalar(Scalar::Integer), nullable, default: None, identity: false, generated: None };
    /// let table = |columns: Vec<Column>| Table { name: "users".into(), columns: columns.into(), primary_key: None };
    /// let chain = Schema { tables: vec![table(vec![column("id", false)])], ..Schema::default() };
    /// let target = Target { schema: Schema { tables: vec![table(vec![column("id", false), column("age", false)])], ..Schema::default() }, sees: Sees::EVERYTHING };
    ///
    /// let plan = plan(&chain, &target, &Options::default());
    /// let source: String = plan.main.iter().map(|step| step.source()).collect();
    /// assert_eq!(source, "    // A NOT NULL column is added nullable, filled, then constrained: decide the value existing rows get.\n    add_column(users, age: integer nullable);\n    backfill(users, set: todo(\"the value of users.age for the rows that exist: `set: \\\"age = …\\\"`\"), where: \"age IS NULL\", batch: 1000);\n    alter_column(users, age, set_not_null);\n");
    /// ```
    pub fn source(&self) -> String {
        let mut out = String::new();
        if let Some(note) = &self.note {
            for line in note.lines() {
                out.push_str(&format!("    // {line}\n"));
            }
        }
        match (&self.op, &self.decide) {
            (
                Op::Backfill {
                    table,
                    filter,
                    batch_size,
                    ..
                },
                Some(question),
            ) => out.push_str(&format!(
                "    backfill({table}, set: todo({question:?}), where: {filter:?}, batch: {batch_size});\n"
            )),
            // A table is written one column per line, as people write it.
            (Op::CreateTable(table), _) => {
                out.push_str(&format!("    create_table({}, {{\n", table.name));
                for column in table.columns.iter() {
                    out.push_str(&format!("        {column},\n"));
                }
                match &table.primary_key {
                    Some(key) => out.push_str(&format!(
                        "    }}, primary_key: {}({}));\n",
                        key.name,
                        key.columns.join(", ")
                    )),
                    None => out.push_str("    });\n"),
                }
            }
            (op, _) => out.push_str(&format!("    {op};\n")),
        }
        out
    }
}

/// Where a step goes: before the main migration, in it, or after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    /// Index drops outside a transaction, before the columns they cover are dropped.
    Before,
    Main,
    /// Index builds outside a transaction, then the constraints they serve.
    After,
}

/// The rank of a step within its phase, so that what an op needs comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    CreateEnum,
    Rename,
    CreateTable,
    DropConstraint,
    AddColumn,
    AlterColumn,
    DropColumn,
    DropTable,
    DropEnum,
    AddIndex,
    AddConstraint,
}

/// The steps that take `chain` (the fold at the head) to `target`, in safe forms.
///
/// ```
/// use migrate_core::fold::autogenerate::{plan, Options, Sees, Target};
/// use migrate_core::fold::Schema;
/// use migrate_core::model::{Column, ColumnType, Index, Scalar, Table};
///
/// let column = |name: &'static str| Column { name: name.into(), ty: ColumnType::Scalar(Scalar::Text), nullable: true, default: None, identity: false, generated: None };
/// let users = Table { name: "users".into(), columns: vec![column("email")].into(), primary_key: None };
/// let chain = Schema { tables: vec![users.clone()], ..Schema::default() };
/// let index = Index { name: "ix_users_email".into(), table: "users".into(), columns: vec!["email".into()].into(), unique: false, predicate: None, concurrently: false };
/// let target = Target { schema: Schema { tables: vec![users], indexes: vec![index], ..Schema::default() }, sees: Sees::EVERYTHING };
///
/// let plan = plan(&chain, &target, &Options::default());
/// // The table has rows: the index is built concurrently, in a migration of its own.
/// assert!(plan.main.is_empty());
/// assert_eq!(plan.after[0].op.to_string(), "create_index(ix_users_email, users(email), concurrently)");
/// ```
pub fn plan(chain: &Schema, target: &Target, options: &Options) -> Plan {
    Differ::new(chain, target, options).run()
}

struct Differ<'a> {
    chain: &'a Schema,
    target: &'a Target,
    sees: Sees,
    /// Chain table name → target table name, for the tables renamed.
    renamed_tables: BTreeMap<String, String>,
    /// (target table, chain column) → target column, for the columns renamed.
    renamed_columns: BTreeMap<(String, String), String>,
    /// Target tables the chain does not have: created here, so without rows.
    new_tables: BTreeSet<String>,
    /// (chain table, column) dropped here.
    dropped_columns: BTreeSet<(String, String)>,
    dropped_tables: BTreeSet<String>,
    /// Enums whose labels were compared, or created, through a column (MySQL, where an enum is a
    /// column's own type).
    enums_through_columns: BTreeSet<String>,
    steps: Vec<(Phase, Rank, Step)>,
    plan: Plan,
}

impl<'a> Differ<'a> {
    fn new(chain: &'a Schema, target: &'a Target, options: &Options) -> Differ<'a> {
        let mut differ = Differ {
            chain,
            target,
            sees: target.sees,
            renamed_tables: BTreeMap::new(),
            renamed_columns: BTreeMap::new(),
            new_tables: BTreeSet::new(),
            dropped_columns: BTreeSet::new(),
            dropped_tables: BTreeSet::new(),
            enums_through_columns: BTreeSet::new(),
            steps: Vec::new(),
            plan: Plan::default(),
        };
        differ.renames(options);
        differ
    }

    fn push(&mut self, phase: Phase, rank: Rank, step: Step) {
        self.steps.push((phase, rank, step));
    }

    /// The target's name for a chain table.
    fn target_name(&self, chain_table: &str) -> String {
        self.renamed_tables
            .get(chain_table)
            .cloned()
            .unwrap_or_else(|| chain_table.to_owned())
    }

    /// The target's name for a column of a chain table.
    fn target_column(&self, chain_table: &str, column: &str) -> String {
        let table = self.target_name(chain_table);
        self.renamed_columns
            .get(&(table, column.to_owned()))
            .cloned()
            .unwrap_or_else(|| column.to_owned())
    }

    /// Whether a target table existed before (the chain has it, under this or an old name), so
    /// it has rows and an op on it needs the online form.
    fn is_existing(&self, target_table: &str) -> bool {
        !self.new_tables.contains(target_table)
    }

    /// A table raw SQL of the chain made or changed: its definition is the SQL's, not compared.
    fn opaque(&self, table: &str) -> bool {
        self.chain.opaque.iter().any(|opaque| opaque == table)
    }

    /// An object the chain does not define whose name its raw SQL wrote: that SQL may well have
    /// made it, so it is not written again.
    fn raw(&self, name: &str) -> bool {
        self.chain
            .raw_sql_names
            .iter()
            .any(|raw| raw.eq_ignore_ascii_case(name))
    }

    fn renames(&mut self, options: &Options) {
        for rename in &options.renames {
            match rename {
                Rename::Table { from, to } => {
                    if self.chain.table(from).is_none() {
                        self.plan.refused.push(format!(
                            "--rename {from}={to}: the migrations have no table `{from}`"
                        ));
                    } else if self.target.schema.table(to).is_none() {
                        self.plan.refused.push(format!(
                            "--rename {from}={to}: the target has no table `{to}`"
                        ));
                    } else {
                        self.renamed_tables.insert(from.clone(), to.clone());
                        self.push(
                            Phase::Main,
                            Rank::Rename,
                            Step::op(Op::RenameTable {
                                from: from.clone().into(),
                                to: to.clone().into(),
                            }),
                        );
                    }
                }
                Rename::Column { table, from, to } => {
                    let chain_table = self
                        .renamed_tables
                        .iter()
                        .find(|(_, target)| *target == table)
                        .map_or(table.as_str(), |(chain, _)| chain.as_str());
                    let in_chain = self
                        .chain
                        .table(chain_table)
                        .is_some_and(|t| t.columns.iter().any(|c| c.name == from.as_str()));
                    let in_target = self
                        .target
                        .schema
                        .table(table)
                        .is_some_and(|t| t.columns.iter().any(|c| c.name == to.as_str()));
                    if !in_chain {
                        self.plan.refused.push(format!(
                            "--rename {table}.{from}={to}: the migrations have no column `{table}.{from}`"
                        ));
                    } else if !in_target {
                        self.plan.refused.push(format!(
                            "--rename {table}.{from}={to}: the target has no column `{table}.{to}`"
                        ));
                    } else {
                        self.renamed_columns
                            .insert((table.clone(), from.clone()), to.clone());
                        self.push(
                            Phase::Main,
                            Rank::Rename,
                            Step::op(Op::RenameColumn {
                                table: table.clone().into(),
                                from: from.clone().into(),
                                to: to.clone().into(),
                            }),
                        );
                    }
                }
            }
        }
    }

    fn run(mut self) -> Plan {
        self.enums();
        self.tables();
        self.indexes();
        self.uniques();
        self.checks();
        self.foreign_keys();
        self.finish()
    }

    fn finish(mut self) -> Plan {
        self.hint_renames();
        self.steps.sort_by_key(|(phase, rank, _)| (*phase, *rank));
        for (phase, _, step) in self.steps {
            match phase {
                Phase::Before => self.plan.before.push(step),
                Phase::Main => self.plan.main.push(step),
                Phase::After => self.plan.after.push(step),
            }
        }
        self.plan
    }

    /// A table dropped beside one created, or a column dropped beside one added to the same
    /// table, may be a rename: say how to tell.
    fn hint_renames(&mut self) {
        let ops = || self.steps.iter().map(|(_, _, step)| &step.op);
        let mut hints = Vec::new();
        for dropped in ops() {
            match dropped {
                Op::DropTable(old) => {
                    for created in ops() {
                        if let Op::CreateTable(new) = created {
                            hints.push(Rename::Table {
                                from: old.name.to_string(),
                                to: new.name.to_string(),
                            });
                        }
                    }
                }
                Op::DropColumn { table, column: old } => {
                    for added in ops() {
                        if let Op::AddColumn {
                            table: to,
                            column: new,
                        } = added
                        {
                            if to == table && self.same_type(old, new) {
                                hints.push(Rename::Column {
                                    table: table.to_string(),
                                    from: old.name.to_string(),
                                    to: new.name.to_string(),
                                });
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        self.plan.rename_hints = hints;
    }
}
