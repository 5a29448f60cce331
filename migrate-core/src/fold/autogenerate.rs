//! Autogenerate: the ops that take the schema a chain builds to a target schema (a live
//! database's, a diesel `schema.rs`'s), written in their safe forms.
//!
//! A target may not see everything the chain defines: a diesel `schema.rs` has no indexes,
//! constraints or defaults. [`Sees`] says what the target can tell; what it cannot is never
//! taken as absent (no index is dropped because `schema.rs` does not list it).

use std::collections::{BTreeMap, BTreeSet};

use super::drift::{
    default_key, mysql_referential_action, normalize_default, type_key, DefaultKey,
};
use super::Schema;
use crate::model::{
    Column, ColumnChange, ColumnType, DefaultValue, EnumPosition, EnumType, ForeignKey, Index, Op,
    PrimaryKey, Scalar, Table, Text, UniqueConstraint,
};
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

/// Enums, tables and columns.
impl Differ<'_> {
    fn enums(&mut self) {
        if !self.sees.enums {
            return;
        }
        for ty in &self.target.schema.enums {
            let Some(before) = self.chain.enums.iter().find(|e| e.name == ty.name) else {
                if self.raw(&ty.name) {
                    continue;
                }
                self.push(
                    Phase::Main,
                    Rank::CreateEnum,
                    Step::op(Op::CreateEnum(ty.clone())),
                );
                continue;
            };
            self.labels(before, &ty.values);
        }
        for ty in &self.chain.enums {
            if !self.target.schema.enums.iter().any(|e| e.name == ty.name) {
                self.push(
                    Phase::Main,
                    Rank::DropEnum,
                    Step::op(Op::DropEnum(ty.clone())),
                );
            }
        }
    }

    /// The labels `after` lists that enum `before` lacks are added in place; those it has that
    /// `after` lacks are dropped; a different order is listed, since no op reorders labels.
    fn labels(&mut self, before: &EnumType, after: &[Text]) {
        let kept: Vec<&Text> = before
            .values
            .iter()
            .filter(|value| after.contains(value))
            .collect();
        let in_target_order: Vec<&Text> = after
            .iter()
            .filter(|value| before.values.contains(value))
            .collect();
        if kept != in_target_order {
            self.plan.unwritten.push(format!(
                "enum {}: its labels are ordered ({}) in the target but ({}) in the migrations; no op reorders labels",
                before.name,
                after.join(", "),
                before.values.join(", ")
            ));
        }
        for (index, value) in after.iter().enumerate() {
            if before.values.contains(value) {
                continue;
            }
            // Placed after the label before it, or first before the label after it.
            let position = match index.checked_sub(1) {
                Some(previous) => Some(EnumPosition::After(after[previous].clone())),
                None => after.get(1).cloned().map(EnumPosition::Before),
            };
            let position = match (&position, after.last() == Some(value)) {
                (Some(EnumPosition::After(_)), true) => None,
                _ => position,
            };
            self.push(
                Phase::Main,
                Rank::CreateEnum,
                Step::op(Op::AddEnumValue {
                    enum_name: before.name.clone(),
                    value: value.clone(),
                    position,
                }),
            );
        }
        for (index, value) in before.values.iter().enumerate() {
            if after.contains(value) {
                continue;
            }
            let position = match before.values.get(index + 1) {
                _ if index + 1 == before.values.len() => None,
                Some(next) if index == 0 => Some(EnumPosition::Before(next.clone())),
                _ => Some(EnumPosition::After(before.values[index - 1].clone())),
            };
            self.push(
                Phase::Main,
                Rank::DropEnum,
                Step::noted(
                    Op::DropEnumValue {
                        enum_name: before.name.clone(),
                        value: value.clone(),
                        position,
                    },
                    "A row that holds this label makes the conversion fail.",
                ),
            );
        }
    }

    fn tables(&mut self) {
        for table in &self.target.schema.tables {
            if self.opaque(&table.name) {
                continue;
            }
            let chain_name = self
                .renamed_tables
                .iter()
                .find(|(_, to)| **to == *table.name)
                .map_or(table.name.to_string(), |(from, _)| from.clone());
            match self.chain.table(&chain_name) {
                None if self.raw(&table.name) => {}
                None => {
                    self.new_tables.insert(table.name.to_string());
                    let mut table = table.clone();
                    let columns: Vec<Column> =
                        table.columns.iter().map(|c| self.column_enum(c)).collect();
                    table.columns = columns.into();
                    if table.primary_key.is_some() && !self.sees.key_names {
                        table.primary_key = table.primary_key.map(|key| PrimaryKey {
                            name: format!("pk_{}", table.name).into(),
                            ..key
                        });
                    }
                    self.push(
                        Phase::Main,
                        Rank::CreateTable,
                        Step::op(Op::CreateTable(table)),
                    );
                }
                Some(before) => self.columns(before, table),
            }
        }
        let chain_tables: Vec<&Table> = self.chain.tables.iter().collect();
        for table in chain_tables {
            let name = self.target_name(&table.name);
            if self.opaque(&table.name) || self.target.schema.table(&name).is_some() {
                continue;
            }
            self.dropped_tables.insert(table.name.to_string());
            self.push(
                Phase::Main,
                Rank::DropTable,
                Step::noted(
                    Op::DropTable(table.clone()),
                    format!(
                        "Drops the table and its rows. If it was renamed, run again with --rename {}=<new name>.",
                        table.name
                    ),
                ),
            );
        }
    }

    fn columns(&mut self, before: &Table, after: &Table) {
        let table = after.name.clone();
        let mut matched: BTreeSet<String> = BTreeSet::new();
        for column in after.columns.iter() {
            let was = before
                .columns
                .iter()
                .find(|c| self.target_column(&before.name, &c.name) == *column.name);
            match was {
                None => {
                    let column = self.column_enum(column);
                    self.add_column(&table, &column);
                }
                Some(was) => {
                    matched.insert(was.name.to_string());
                    self.column_changes(&table, was, column);
                }
            }
        }
        for column in before.columns.iter() {
            if matched.contains(column.name.as_ref()) {
                continue;
            }
            self.dropped_columns
                .insert((before.name.to_string(), column.name.to_string()));
            let mut column = column.clone();
            if column.generated.is_some() {
                column.default = None;
            }
            self.push(
                Phase::Main,
                Rank::DropColumn,
                Step::noted(
                    Op::DropColumn {
                        table: table.clone(),
                        column: column.clone(),
                    },
                    format!(
                        "Drops the column and its values. If it was renamed, run again with --rename {table}.{}=<new name>.",
                        column.name
                    ),
                ),
            );
        }
        self.primary_key(before, after);
    }

    fn add_column(&mut self, table: &Text, column: &Column) {
        let required = !column.nullable
            && column
                .default
                .as_ref()
                .is_none_or(|d| *d == DefaultValue::Null)
            && !column.identity
            && column.generated.is_none();
        let mut column = column.clone();
        if !self.sees.defaults && required {
            // A diesel `schema.rs` cannot say whether the column has a default.
            column.default = None;
        }
        if !required {
            self.push(
                Phase::Main,
                Rank::AddColumn,
                Step::op(Op::AddColumn {
                    table: table.clone(),
                    column,
                }),
            );
            return;
        }
        let name = column.name.clone();
        column.nullable = true;
        self.push(
            Phase::Main,
            Rank::AddColumn,
            Step::noted(
                Op::AddColumn {
                    table: table.clone(),
                    column,
                },
                "A NOT NULL column is added nullable, filled, then constrained: decide the value existing rows get.",
            ),
        );
        self.push(
            Phase::Main,
            Rank::AddColumn,
            Step {
                decide: Some(format!(
                    "the value of {table}.{name} for the rows that exist: `set: \"{name} = …\"`"
                )),
                ..Step::op(Op::Backfill {
                    table: table.clone(),
                    set: format!("{name} = NULL").into(),
                    filter: format!("{name} IS NULL").into(),
                    batch_size: 1000,
                })
            },
        );
        self.push(
            Phase::Main,
            Rank::AddColumn,
            Step::op(Op::AlterColumn {
                table: table.clone(),
                column: name,
                change: ColumnChange::SetNotNull,
            }),
        );
    }

    fn column_changes(&mut self, table: &Text, was: &Column, now: &Column) {
        let column = now.name.clone();
        let alter = |change| Op::AlterColumn {
            table: table.clone(),
            column: column.clone(),
            change,
        };
        if self.sees.identity && was.identity != now.identity {
            self.plan.unwritten.push(format!(
                "column {table}.{column} is {} in the target but {} in the migrations; no op changes that: add a new column and move the values",
                identity_words(now.identity),
                identity_words(was.identity)
            ));
        }
        if was.generated.is_some() != now.generated.is_some()
            || was.generated.as_ref().map(|g| g.stored) != now.generated.as_ref().map(|g| g.stored)
        {
            self.plan.unwritten.push(format!(
                "column {table}.{column} is {} in the target but {} in the migrations; no op changes that: add a new column and drop the old one",
                generated_words(now),
                generated_words(was)
            ));
        }
        let enum_labels = match (&was.ty, &now.ty) {
            (ColumnType::Scalar(Scalar::Enum(before)), ColumnType::Scalar(Scalar::Enum(after)))
                if !self.sees.enums =>
            {
                self.enum_of(before, false).zip(self.enum_of(after, true))
            }
            _ => None,
        };
        if let Some((before, after)) = enum_labels {
            // MySQL: the column's labels are its enum's.
            if self.enums_through_columns.insert(before.name.to_string()) {
                self.labels(&before, &after.values);
            }
        } else if !self.same_type(was, now) {
            self.push(
                Phase::Main,
                Rank::AlterColumn,
                Step::op(alter(ColumnChange::SetType {
                    to: now.ty.clone(),
                    from: was.ty.clone(),
                    using: None,
                })),
            );
        }
        if self.sees.defaults
            && now.generated.is_none()
            && !self.same_default(was.default.as_ref(), now.default.as_ref())
        {
            let change = match (&was.default, &now.default) {
                (Some(was), None) => Some(ColumnChange::DropDefault { was: was.clone() }),
                (was, Some(to)) => Some(ColumnChange::SetDefault {
                    to: to.clone(),
                    from: was.clone(),
                }),
                (None, None) => None,
            };
            if let Some(change) = change {
                self.push(Phase::Main, Rank::AlterColumn, Step::op(alter(change)));
            }
        }
        // An identity is NOT NULL whatever the source says (SQLite's `INTEGER PRIMARY KEY`).
        if was.nullable != now.nullable && !(was.identity && now.identity) {
            let step = if now.nullable {
                Step::op(alter(ColumnChange::DropNotNull))
            } else {
                Step::noted(
                    alter(ColumnChange::SetNotNull),
                    format!("Fails if a row holds NULL in {column}: backfill it first."),
                )
            };
            self.push(Phase::Main, Rank::AlterColumn, step);
        }
    }

    fn enum_of(&self, name: &str, target: bool) -> Option<EnumType> {
        let enums = match target {
            true => &self.target.schema.enums,
            false => &self.chain.enums,
        };
        enums.iter().find(|e| e.name == name).cloned()
    }

    /// A new column of an enum the chain does not have by that name: where a target cannot name
    /// its enums (MySQL), the chain's enum with the same labels, or one created here.
    fn column_enum(&mut self, column: &Column) -> Column {
        let ColumnType::Scalar(Scalar::Enum(name)) = &column.ty else {
            return column.clone();
        };
        if self.sees.enums || self.enum_of(name, false).is_some() {
            return column.clone();
        }
        let Some(target) = self.enum_of(name, true) else {
            return column.clone();
        };
        let same_labels = self.chain.enums.iter().find(|e| e.values == target.values);
        let name = match same_labels {
            Some(existing) => existing.name.clone(),
            None => {
                if self.enums_through_columns.insert(target.name.to_string()) {
                    self.push(
                        Phase::Main,
                        Rank::CreateEnum,
                        Step::op(Op::CreateEnum(target.clone())),
                    );
                }
                target.name.clone()
            }
        };
        Column {
            ty: ColumnType::Scalar(Scalar::Enum(name)),
            ..column.clone()
        }
    }

    fn primary_key(&mut self, before: &Table, after: &Table) {
        let columns =
            |key: &Option<PrimaryKey>, table: &Table, chain: bool| -> Option<Vec<String>> {
                key.as_ref().map(|key| {
                    key.columns
                        .iter()
                        .map(|c| match chain {
                            true => self.target_column(&table.name, c),
                            false => c.to_string(),
                        })
                        .collect()
                })
            };
        let was = columns(&before.primary_key, before, true);
        let now = columns(&after.primary_key, after, false);
        let names_differ = self.sees.key_names
            && before.primary_key.as_ref().map(|k| &k.name)
                != after.primary_key.as_ref().map(|k| &k.name);
        let table = after.name.clone();
        if was == now {
            if names_differ && was.is_some() {
                self.plan.unwritten.push(format!(
                    "the primary key of {table} has another name in the target; no op renames a key"
                ));
            }
            return;
        }
        if let Some(key) = &before.primary_key {
            self.push(
                Phase::Main,
                Rank::DropConstraint,
                Step::op(Op::DropPrimaryKey {
                    table: table.clone(),
                    key: key.clone(),
                }),
            );
        }
        if let Some(key) = &after.primary_key {
            let key = match self.sees.key_names {
                true => key.clone(),
                false => PrimaryKey {
                    name: format!("pk_{table}").into(),
                    columns: key.columns.clone(),
                },
            };
            self.push(
                Phase::After,
                Rank::AddIndex,
                Step::op(Op::AddPrimaryKey { table, key }),
            );
        }
    }

    fn same_type(&self, was: &Column, now: &Column) -> bool {
        match self.sees.types {
            TypeDetail::Exact => was.ty == now.ty,
            TypeDetail::Catalog(dialect) => {
                type_key(&was.ty, dialect, &self.chain.enums)
                    == type_key(&now.ty, dialect, &self.target.schema.enums)
            }
            // `print-schema` calls SQLite's `INTEGER PRIMARY KEY` (a `bigint identity`) `Integer`.
            TypeDetail::Diesel(Dialect::Sqlite)
                if was.identity && now.ty == ColumnType::Scalar(Scalar::Integer) =>
            {
                true
            }
            TypeDetail::Diesel(dialect) => crate::render::diesel_types_agree(was, now, dialect),
        }
    }

    fn same_default(&self, was: Option<&DefaultValue>, now: Option<&DefaultValue>) -> bool {
        let was = was.filter(|d| **d != DefaultValue::Null);
        let now = now.filter(|d| **d != DefaultValue::Null);
        let dialect = match self.sees.types {
            TypeDetail::Catalog(dialect) => dialect,
            _ => return was == now,
        };
        let key = |default: &DefaultValue| match default {
            DefaultValue::Sql(text) => normalize_default(text),
            default => match default_key(default, dialect) {
                DefaultKey::Text(text) => text,
                DefaultKey::None | DefaultKey::Any => String::new(),
            },
        };
        match (was, now) {
            (None, None) => true,
            // The server rewrites an `sql("…")` default's text: any default matches it.
            (Some(DefaultValue::Sql(_)), Some(_)) => true,
            (Some(was), Some(now)) => key(was) == key(now),
            _ => false,
        }
    }
}

fn identity_words(identity: bool) -> &'static str {
    if identity {
        "an identity"
    } else {
        "not an identity"
    }
}

fn generated_words(column: &Column) -> &'static str {
    match &column.generated {
        None => "not generated",
        Some(generated) if generated.stored => "generated and stored",
        Some(_) => "generated and virtual",
    }
}

/// Indexes and constraints.
impl<'a> Differ<'a> {
    /// The chain's indexes as the target sees them: on SQLite and MySQL a unique constraint is a
    /// unique index, so it is compared as one (and dropped as the constraint it is).
    fn chain_indexes(&self) -> Vec<(Index, Option<&'a UniqueConstraint>)> {
        let chain: &'a Schema = self.chain;
        let mut indexes: Vec<(Index, Option<&'a UniqueConstraint>)> =
            chain.indexes.iter().map(|i| (i.clone(), None)).collect();
        if self.uniques_are_indexes() {
            for unique in &chain.uniques {
                indexes.push((
                    Index {
                        name: unique.name.clone(),
                        table: unique.table.clone(),
                        columns: unique.columns.clone(),
                        unique: true,
                        predicate: None,
                        concurrently: false,
                    },
                    Some(unique),
                ));
            }
        }
        indexes
    }

    fn uniques_are_indexes(&self) -> bool {
        matches!(
            self.sees.types,
            TypeDetail::Catalog(Dialect::Sqlite | Dialect::Mysql)
        )
    }

    /// An index of the chain in the target's words: its table and columns renamed.
    fn renamed_index(&self, index: &Index) -> Index {
        Index {
            table: self.target_name(&index.table).into(),
            columns: index
                .columns
                .iter()
                .map(|c| Text::from(self.target_column(&index.table, c)))
                .collect::<Vec<_>>()
                .into(),
            concurrently: false,
            ..index.clone()
        }
    }

    fn same_index(&self, was: &Index, now: &Index) -> bool {
        let was = self.renamed_index(was);
        // The server rewrites a predicate's text: only its presence compares.
        let predicates_agree = match self.sees.types {
            TypeDetail::Exact => was.predicate == now.predicate,
            _ => was.predicate.is_some() == now.predicate.is_some(),
        };
        was.table == now.table
            && was.columns == now.columns
            && was.unique == now.unique
            && predicates_agree
    }

    fn indexes(&mut self) {
        if !self.sees.constraints {
            return;
        }
        let chain = self.chain_indexes();
        for index in &self.target.schema.indexes {
            let known = chain.iter().any(|(was, _)| was.name == index.name);
            if self.opaque(&index.table) || (!known && self.raw(&index.name)) {
                continue;
            }
            match chain.iter().find(|(was, _)| was.name == index.name) {
                Some((was, _)) if self.same_index(was, index) => continue,
                Some((was, unique)) => {
                    let (was, unique) = (was.clone(), *unique);
                    self.drop_index(&was, unique);
                }
                None => {}
            }
            self.create_index(index);
        }
        for (index, unique) in &chain {
            if self.opaque(&index.table) {
                continue;
            }
            if !self
                .target
                .schema
                .indexes
                .iter()
                .any(|i| i.name == index.name)
            {
                self.drop_index(index, *unique);
            }
        }
    }

    fn create_index(&mut self, index: &Index) {
        let live = self.is_existing(&index.table);
        let index = Index {
            concurrently: live,
            ..index.clone()
        };
        let phase = if live { Phase::After } else { Phase::Main };
        self.push(phase, Rank::AddIndex, Step::op(Op::CreateIndex(index)));
    }

    fn drop_index(&mut self, index: &Index, unique: Option<&UniqueConstraint>) {
        if let Some(unique) = unique {
            self.push(
                Phase::Main,
                Rank::DropConstraint,
                Step::op(Op::DropUnique(unique.clone())),
            );
            return;
        }
        // Before the columns or the table it covers are dropped; after the rest otherwise.
        let covers_dropped = self.dropped_tables.contains(index.table.as_ref())
            || index.columns.iter().any(|c| {
                self.dropped_columns
                    .contains(&(index.table.to_string(), c.to_string()))
            });
        let phase = if covers_dropped {
            Phase::Before
        } else {
            Phase::After
        };
        let index = Index {
            concurrently: true,
            ..index.clone()
        };
        self.push(phase, Rank::DropConstraint, Step::op(Op::DropIndex(index)));
    }

    fn uniques(&mut self) {
        if !self.sees.constraints || self.uniques_are_indexes() {
            return;
        }
        for unique in &self.target.schema.uniques {
            let was = self.chain.uniques.iter().find(|u| u.name == unique.name);
            if self.opaque(&unique.table) || (was.is_none() && self.raw(&unique.name)) {
                continue;
            }
            if let Some(was) = was {
                let columns: Vec<String> = was
                    .columns
                    .iter()
                    .map(|c| self.target_column(&was.table, c))
                    .collect();
                let same = self.target_name(&was.table) == *unique.table
                    && columns
                        .iter()
                        .map(String::as_str)
                        .eq(unique.columns.iter().map(AsRef::as_ref));
                if same {
                    continue;
                }
                let was = was.clone();
                self.push(
                    Phase::Main,
                    Rank::DropConstraint,
                    Step::op(Op::DropUnique(was)),
                );
            }
            let phase = if self.is_existing(&unique.table) {
                Phase::After
            } else {
                Phase::Main
            };
            self.push(
                phase,
                Rank::AddIndex,
                Step::op(Op::AddUnique(unique.clone())),
            );
        }
        for unique in &self.chain.uniques {
            if !self.opaque(&unique.table)
                && !self
                    .target
                    .schema
                    .uniques
                    .iter()
                    .any(|u| u.name == unique.name)
            {
                self.push(
                    Phase::Main,
                    Rank::DropConstraint,
                    Step::op(Op::DropUnique(unique.clone())),
                );
            }
        }
    }

    fn checks(&mut self) {
        if !self.sees.constraints {
            return;
        }
        for check in &self.target.schema.checks {
            // Compared by name and table: the server rewrites the expression's text.
            let was = self.chain.checks.iter().find(|c| c.name == check.name);
            if self.opaque(&check.table) || (was.is_none() && self.raw(&check.name)) {
                continue;
            }
            match was {
                Some(was) if self.target_name(&was.table) == *check.table => continue,
                Some(was) => {
                    let was = was.clone();
                    self.push(
                        Phase::Main,
                        Rank::DropConstraint,
                        Step::op(Op::DropCheck(was)),
                    );
                }
                None => {}
            }
            self.add_constraint(&check.table, Op::AddCheck(check.clone()));
        }
        for check in &self.chain.checks {
            if !self.opaque(&check.table)
                && !self
                    .target
                    .schema
                    .checks
                    .iter()
                    .any(|c| c.name == check.name)
            {
                self.push(
                    Phase::Main,
                    Rank::DropConstraint,
                    Step::op(Op::DropCheck(check.clone())),
                );
            }
        }
    }

    /// A check or foreign key: with the rest on a new table; on an existing one after the
    /// indexes built concurrently, which a foreign key's checks need.
    fn add_constraint(&mut self, table: &str, op: Op) {
        let phase = if self.is_existing(table) && self.has_after_indexes() {
            Phase::After
        } else {
            Phase::Main
        };
        self.push(phase, Rank::AddConstraint, Step::op(op));
    }

    fn has_after_indexes(&self) -> bool {
        self.steps
            .iter()
            .any(|(phase, rank, _)| *phase == Phase::After && *rank == Rank::AddIndex)
    }

    /// A foreign key of the chain in the target's words.
    fn fk_key(&self, fk: &ForeignKey, chain: bool) -> (String, Vec<String>, String, Vec<String>) {
        let rename = |table: &str, column: &str| match chain {
            true => self.target_column(table, column),
            false => column.to_owned(),
        };
        let table = |name: &str| match chain {
            true => self.target_name(name),
            false => name.to_owned(),
        };
        (
            table(&fk.table),
            fk.columns.iter().map(|c| rename(&fk.table, c)).collect(),
            table(&fk.referenced_table),
            fk.referenced_columns
                .iter()
                .map(|c| rename(&fk.referenced_table, c))
                .collect(),
        )
    }

    fn same_fk(&self, was: &ForeignKey, now: &ForeignKey) -> bool {
        self.fk_key(was, true) == self.fk_key(now, false)
            && actions_agree(was, now, self.sees.types)
    }

    fn foreign_keys(&mut self) {
        if !self.sees.constraints {
            return;
        }
        let by_name = self.sees.foreign_key_names;
        let mut matched: BTreeSet<usize> = BTreeSet::new();
        let was_of = |differ: &Self, fk: &ForeignKey| {
            differ
                .chain
                .foreign_keys
                .iter()
                .position(|was| match by_name {
                    true => was.name == fk.name,
                    false => differ.fk_key(was, true) == differ.fk_key(fk, false),
                })
        };
        for fk in &self.target.schema.foreign_keys {
            let was = was_of(self, fk);
            if self.opaque(&fk.table) || (was.is_none() && by_name && self.raw(&fk.name)) {
                continue;
            }
            if let Some(position) = was {
                matched.insert(position);
                let was = self.chain.foreign_keys[position].clone();
                if self.same_fk(&was, fk) {
                    continue;
                }
                self.push(
                    Phase::Main,
                    Rank::DropConstraint,
                    Step::op(Op::DropForeignKey(was)),
                );
            }
            self.add_constraint(&fk.table, Op::AddForeignKey(fk.clone()));
        }
        for (position, fk) in self.chain.foreign_keys.iter().enumerate() {
            if !matched.contains(&position) && !self.opaque(&fk.table) {
                self.push(
                    Phase::Main,
                    Rank::DropConstraint,
                    Step::op(Op::DropForeignKey(fk.clone())),
                );
            }
        }
    }
}

/// `ON UPDATE` compares as the database keeps it: MySQL reads an unwritten one back as
/// `RESTRICT`, which InnoDB treats as `NO ACTION`.
fn actions_agree(was: &ForeignKey, now: &ForeignKey, types: TypeDetail) -> bool {
    match types {
        TypeDetail::Catalog(Dialect::Mysql) => {
            mysql_referential_action(was.on_update.sql())
                == mysql_referential_action(now.on_update.sql())
                && mysql_referential_action(was.on_delete.sql())
                    == mysql_referential_action(now.on_delete.sql())
        }
        _ => was.on_delete == now.on_delete && was.on_update == now.on_update,
    }
}
