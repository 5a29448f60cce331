//! A symbolic schema, and the simulation of ops on it.
//!
//! A migration is checked without the database and without the earlier migrations, so the schema
//! is *open*: the first time an op touches an object, the simulation records what the op assumes
//! about it (a dropped column existed with the recorded type; a created index did not exist) as the
//! initial state. Running `upgrade` then `downgrade` must bring every touched object back to that
//! initial state; whatever differs is an op the downgrade left undone, or restored differently.
//!
//! Facts about an existing column are learned field by field (an `alter_column(…, set_not_null)`
//! teaches that the column was nullable), so a downgrade that forgets to undo an alteration is
//! caught even when the column's full definition is unknown.

use std::collections::BTreeMap;
use std::fmt::{self, Display, Formatter};

use crate::diagnostic::{CheckId, Diagnostic, Location, Part, Section};
use crate::model::{
    CheckConstraint, Column, ColumnChange, ColumnType, DefaultValue, ForeignKey, Generated, Index,
    List, Op, PrimaryKey, Text, UniqueConstraint,
};

/// An object of the schema, by name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Key {
    Table(String),
    Column(String, String),
    /// Indexes and constraints share one namespace: PostgreSQL backs unique and primary-key
    /// constraints with an index of the same name, and conventional names carry the table anyway.
    Named(String),
    Enum(String),
    EnumValue(String, String),
}

impl Display for Key {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Key::Table(table) => write!(f, "table `{table}`"),
            Key::Column(table, column) => write!(f, "column `{table}.{column}`"),
            Key::Named(name) => write!(f, "`{name}`"),
            Key::Enum(name) => write!(f, "enum `{name}`"),
            Key::EnumValue(name, value) => write!(f, "value {value:?} of enum `{name}`"),
        }
    }
}

/// What is known about a column; `None` is "not known yet".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnFacts {
    pub ty: Option<ColumnType>,
    pub nullable: Option<bool>,
    pub default: Option<Option<DefaultValue>>,
    pub identity: Option<bool>,
    /// `Some(None)`: known not to be generated.
    pub generated: Option<Option<Generated>>,
}

impl ColumnFacts {
    fn of(column: &Column) -> ColumnFacts {
        ColumnFacts {
            ty: Some(column.ty.clone()),
            nullable: Some(column.nullable),
            default: Some(column.default.clone()),
            identity: Some(column.identity),
            generated: Some(column.generated.clone()),
        }
    }
}

/// The definition of a present object, as far as it is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Facts {
    Unknown,
    Column(ColumnFacts),
    Index(Index),
    ForeignKey(ForeignKey),
    Check(CheckConstraint),
    Unique(UniqueConstraint),
    PrimaryKey { table: String, key: PrimaryKey },
}

impl Facts {
    fn table(&self) -> Option<&str> {
        match self {
            Facts::Index(index) => Some(&index.table),
            Facts::ForeignKey(fk) => Some(&fk.table),
            Facts::Check(check) => Some(&check.table),
            Facts::Unique(unique) => Some(&unique.table),
            Facts::PrimaryKey { table, .. } => Some(table),
            Facts::Unknown | Facts::Column(_) => None,
        }
    }

    /// Renames every table and column the definition mentions, as PostgreSQL does when a table
    /// or column is renamed under an index or constraint. `column` gets the current table name.
    fn map_names(&mut self, table: &dyn Fn(&str) -> String, column: &dyn Fn(&str, &str) -> String) {
        fn columns(list: &mut List<Text>, owner: &str, column: &dyn Fn(&str, &str) -> String) {
            *list = list
                .iter()
                .map(|name| Text::from(column(owner, name)))
                .collect();
        }
        match self {
            Facts::Index(index) => {
                columns(&mut index.columns, &index.table, column);
                index.table = table(&index.table).into();
            }
            Facts::ForeignKey(fk) => {
                columns(&mut fk.columns, &fk.table, column);
                columns(&mut fk.referenced_columns, &fk.referenced_table, column);
                fk.table = table(&fk.table).into();
                fk.referenced_table = table(&fk.referenced_table).into();
            }
            Facts::Unique(unique) => {
                columns(&mut unique.columns, &unique.table, column);
                unique.table = table(&unique.table).into();
            }
            Facts::PrimaryKey { table: owner, key } => {
                columns(&mut key.columns, owner, column);
                *owner = table(owner);
            }
            Facts::Check(check) => check.table = table(&check.table).into(),
            Facts::Unknown | Facts::Column(_) => {}
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    Absent,
    Present(Facts),
}

/// The simulation: initial assumptions, current state, and which op touched what.
#[derive(Debug, Default, Clone)]
pub struct Simulation {
    initial: BTreeMap<Key, State>,
    current: BTreeMap<Key, State>,
    /// The first upgrade op that touched each key, to blame when it is not restored.
    first_touch: BTreeMap<Key, usize>,
    /// The last downgrade op that touched each key, to blame when it restores something else.
    last_restore: BTreeMap<Key, usize>,
    /// Current table name → the name it had initially, for tables renamed so far.
    renamed_tables: BTreeMap<String, String>,
    /// (current table, current column) → the column's initial name, for columns renamed so far.
    renamed_columns: BTreeMap<(String, String), String>,
    problems: Vec<Diagnostic>,
    at: Option<Section>,
    /// Set for the fold of a whole chain: see [`Simulation::closed`].
    closed: Option<Closed>,
    /// When each present object was created: the order of a table's columns. A renamed object
    /// keeps its place, as PostgreSQL keeps a renamed column's.
    created: BTreeMap<Key, u64>,
    /// Each enum's labels in their order, which `add_enum_value(…, before:/after:)` decides.
    enum_labels: BTreeMap<String, Vec<String>>,
}

/// A closed schema starts empty: an object no op created does not exist, except one that raw SQL
/// run earlier names, whose state is the author's promise as in an open schema.
#[derive(Debug, Default, Clone)]
struct Closed {
    /// Lowercase identifiers written in the `execute` statements applied so far.
    named_by_raw_sql: std::collections::BTreeSet<String>,
}

impl Closed {
    fn is_opaque(&self, key: &Key) -> bool {
        let named = |name: &str| self.named_by_raw_sql.contains(&name.to_lowercase());
        match key {
            Key::Table(table) | Key::Column(table, _) => named(table),
            Key::Named(name) | Key::Enum(name) | Key::EnumValue(name, _) => named(name),
        }
    }

    fn learn(&mut self, sql: &str) {
        let words = sql
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|word| !word.is_empty())
            .map(str::to_lowercase);
        self.named_by_raw_sql.extend(words);
    }
}

impl Simulation {
    pub fn new() -> Simulation {
        Simulation::default()
    }

    /// A simulation of a whole chain from an empty database: referring to an object that no
    /// earlier op created is a problem, not an assumption.
    pub fn closed() -> Simulation {
        Simulation {
            closed: Some(Closed::default()),
            ..Simulation::default()
        }
    }

    /// Drops the problems found so far, keeping the state: the fold reports each migration's own.
    pub fn take_problems(&mut self) -> Vec<Diagnostic> {
        std::mem::take(&mut self.problems)
    }

    /// The identifiers the raw SQL applied so far wrote, lowercase.
    pub fn raw_sql_names(&self) -> Vec<String> {
        self.closed
            .as_ref()
            .map(|closed| closed.named_by_raw_sql.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Whether the table is only assumed to exist (raw SQL made it): its definition is the SQL's.
    pub fn is_opaque_table(&self, table: &str) -> bool {
        !self.created.contains_key(&Key::Table(table.to_owned()))
    }

    /// Every present object with what is known of it, in the order they were created.
    pub fn present(&self) -> Vec<(&Key, &Facts)> {
        let mut objects: Vec<(&Key, &Facts, u64)> = self
            .current
            .iter()
            .filter_map(|(key, state)| match state {
                State::Present(facts) => Some((
                    key,
                    facts,
                    self.created.get(key).copied().unwrap_or(u64::MAX),
                )),
                State::Absent => None,
            })
            .collect();
        objects.sort_by_key(|(_, _, place)| *place);
        objects
            .into_iter()
            .map(|(key, facts, _)| (key, facts))
            .collect()
    }

    /// Whether an index, unique constraint or primary key of `table` starts with `columns`, or
    /// the table is opaque (raw SQL may have indexed it).
    pub fn has_index_leading_with(&self, table: &str, columns: &[&str]) -> bool {
        if self.is_opaque_table(table) {
            return true;
        }
        let leads = |indexed: &[crate::model::Text]| {
            indexed.len() >= columns.len()
                && indexed.iter().zip(columns).all(|(a, b)| a.as_ref() == *b)
        };
        self.current.values().any(|state| match state {
            State::Present(Facts::Index(index)) => index.table == table && leads(&index.columns),
            State::Present(Facts::Unique(unique)) => {
                unique.table == table && leads(&unique.columns)
            }
            State::Present(Facts::PrimaryKey { table: owner, key }) => {
                owner == table && leads(&key.columns)
            }
            _ => false,
        })
    }

    /// The names of the checks on `table` whose condition names `column` (as a whole word).
    pub fn checks_naming(&self, table: &str, column: &str) -> Vec<&str> {
        let names = |expr: &str| {
            expr.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|word| word.trim_matches('"').eq_ignore_ascii_case(column))
        };
        self.current
            .values()
            .filter_map(|state| match state {
                State::Present(Facts::Check(check))
                    if check.table == table && names(&check.expr) =>
                {
                    Some(check.name.as_ref())
                }
                _ => None,
            })
            .collect()
    }

    /// The labels of enum `name` in their order, when the chain made the enum.
    pub fn enum_labels(&self, name: &str) -> Option<&[String]> {
        self.enum_labels.get(name).map(Vec::as_slice)
    }

    /// Whether enum `name` has `value`; `None` when the enum itself is not known to exist.
    pub fn enum_has(&self, name: &str, value: &str) -> Option<bool> {
        match self.current.get(&Key::Enum(name.to_owned())) {
            Some(State::Present(_)) => Some(matches!(
                self.current
                    .get(&Key::EnumValue(name.to_owned(), value.to_owned())),
                Some(State::Present(_))
            )),
            _ => None,
        }
    }

    /// The definition of a column as far as the simulation knows it.
    pub fn column(&self, table: &str, column: &str) -> Option<&ColumnFacts> {
        match self
            .current
            .get(&Key::Column(table.to_owned(), column.to_owned()))
        {
            Some(State::Present(Facts::Column(facts))) => Some(facts),
            _ => None,
        }
    }

    /// The primary key of `table`, when the chain made it.
    pub fn primary_key(&self, table: &str) -> Option<&PrimaryKey> {
        self.current.values().find_map(|state| match state {
            State::Present(Facts::PrimaryKey { table: owner, key }) if owner == table => Some(key),
            _ => None,
        })
    }

    /// Applies one op at `section`, recording its problems.
    pub fn apply_at(&mut self, op: &Op, section: Section) {
        self.at = Some(section);
        self.apply(op);
        self.at = None;
    }

    /// Applies `ops` of one section, recording problems (unknown references, duplicates).
    pub fn run(&mut self, ops: &[Op], section: fn(usize) -> Section) {
        for (index, op) in ops.iter().enumerate() {
            self.at = Some(section(index));
            self.apply(op);
        }
        self.at = None;
    }

    /// The problems found so far.
    pub fn into_problems(self) -> Vec<Diagnostic> {
        self.problems
    }

    /// After `upgrade` then `downgrade`: every object whose state is not the initial one.
    ///
    /// Each entry names the key, its initial and final state, the upgrade op that first touched it
    /// and the downgrade op that last did.
    pub fn unrestored(&self) -> Vec<Unrestored> {
        let mut out = Vec::new();
        for (to, from) in &self.renamed_tables {
            out.push(Unrestored {
                key: Key::Table(from.clone()),
                initial: State::Present(Facts::Unknown),
                now: State::Absent,
                upgrade_op: self.first_touch.get(&Key::Table(from.clone())).copied(),
                downgrade_op: None,
                renamed_to: Some(to.clone()),
            });
        }
        if !out.is_empty() {
            return out;
        }
        for (key, initial) in &self.initial {
            let Some(now) = self.current.get(key) else {
                continue;
            };
            if !same(initial, now) {
                out.push(Unrestored {
                    key: key.clone(),
                    initial: initial.clone(),
                    now: now.clone(),
                    upgrade_op: self.first_touch.get(key).copied(),
                    downgrade_op: self.last_restore.get(key).copied(),
                    renamed_to: None,
                });
            }
        }
        out
    }

    fn initial_table(&self, table: &str) -> String {
        self.renamed_tables
            .get(table)
            .cloned()
            .unwrap_or_else(|| table.to_owned())
    }

    fn initial_column(&self, table: &str, column: &str) -> String {
        self.renamed_columns
            .get(&(table.to_owned(), column.to_owned()))
            .cloned()
            .unwrap_or_else(|| column.to_owned())
    }

    fn initial_key(&self, key: &Key) -> Key {
        match key {
            Key::Table(table) => Key::Table(self.initial_table(table)),
            Key::Column(table, column) => Key::Column(
                self.initial_table(table),
                self.initial_column(table, column),
            ),
            other => other.clone(),
        }
    }

    /// Renames every reference to tables and columns in the current definitions.
    fn rename_references(
        &mut self,
        table: &dyn Fn(&str) -> String,
        column: &dyn Fn(&str, &str) -> String,
    ) {
        for state in self.current.values_mut() {
            if let State::Present(facts) = state {
                facts.map_names(table, column);
            }
        }
    }

    fn touch(&mut self, key: &Key) {
        match self.at {
            Some(Section::Upgrade(index)) => {
                self.first_touch.entry(key.clone()).or_insert(index);
            }
            Some(Section::Downgrade(index)) => {
                self.last_restore.insert(key.clone(), index);
            }
            _ => {}
        }
    }

    fn problem(&mut self, check: CheckId, part: Part, message: String) {
        if let Some(section) = self.at {
            self.problems.push(Diagnostic::new(
                check,
                Location::new(section, part),
                message,
            ));
        }
    }

    /// The current state, assuming `assumed` if the object was never touched.
    fn state(&mut self, key: &Key, assumed: State) -> State {
        if let Some(state) = self.current.get(key) {
            return state.clone();
        }
        if self
            .closed
            .as_ref()
            .is_some_and(|closed| !closed.is_opaque(key))
        {
            self.current.insert(key.clone(), State::Absent);
            return State::Absent;
        }
        let initial = self.initial_key(key);
        // What is assumed now is written in current names; the initial state uses initial ones.
        let mut assumed_initially = assumed.clone();
        if let State::Present(facts) = &mut assumed_initially {
            facts.map_names(&|table| self.initial_table(table), &|table, column| {
                self.initial_column(table, column)
            });
        }
        self.initial.entry(initial).or_insert(assumed_initially);
        self.current.insert(key.clone(), assumed.clone());
        assumed
    }

    fn set(&mut self, key: Key, state: State) {
        self.touch(&key);
        self.current.insert(key, state);
    }

    /// Requires `key` to exist; returns its facts.
    fn require(&mut self, key: &Key, assumed: Facts, part: Part) -> Option<Facts> {
        match self.state(key, State::Present(assumed)) {
            State::Present(facts) => {
                self.touch(key);
                Some(facts)
            }
            State::Absent => {
                let message = match self.closed {
                    Some(_) => format!(
                        "{key} does not exist at this point of the chain: no earlier op of this or an earlier migration creates it, or one dropped or renamed it"
                    ),
                    None => format!("{key} does not exist at this point of the migration"),
                };
                self.problem(CheckId::UnknownReference, part, message);
                None
            }
        }
    }

    /// Requires `key` not to exist, then creates it with `facts`.
    fn create(&mut self, key: Key, facts: Facts, part: Part) {
        self.created.insert(key.clone(), self.created.len() as u64);
        if let State::Present(_) = self.state(&key, State::Absent) {
            let message = match self.closed {
                Some(_) => format!("{key} already exists at this point of the chain: an earlier migration created it"),
                None => format!("{key} already exists at this point of the migration"),
            };
            self.problem(CheckId::DuplicateName, part, message);
        }
        self.set(key, State::Present(facts));
    }

    /// Requires `key` to exist as `facts`, then removes it.
    fn drop_known(&mut self, key: Key, facts: Facts, part: Part) {
        if let Some(current) = self.require(&key, facts.clone(), part) {
            if !same(
                &State::Present(current.clone()),
                &State::Present(facts.clone()),
            ) {
                let at_this_point = match self.closed {
                    Some(_) => "the chain built",
                    None => "it has at this point",
                };
                self.problem(
                    CheckId::DowngradeNotInverse,
                    part,
                    format!(
                        "the definition recorded for {key} is not the one {at_this_point}: {}",
                        difference(&current, &facts)
                    ),
                );
            }
        }
        self.set(key, State::Absent);
    }

    fn require_table(&mut self, table: &str) -> bool {
        self.require(&Key::Table(table.to_owned()), Facts::Unknown, Part::Table)
            .is_some()
    }

    fn require_columns(&mut self, table: &str, columns: &[crate::model::Text]) {
        for (position, column) in columns.iter().enumerate() {
            let key = Key::Column(table.to_owned(), column.to_string());
            self.require(
                &key,
                Facts::Column(ColumnFacts::default()),
                Part::Column(position),
            );
        }
    }

    fn apply(&mut self, op: &Op) {
        match op {
            Op::CreateTable(table) => {
                self.create(
                    Key::Table(table.name.to_string()),
                    Facts::Unknown,
                    Part::Table,
                );
                for (position, column) in table.columns.iter().enumerate() {
                    self.create(
                        Key::Column(table.name.to_string(), column.name.to_string()),
                        Facts::Column(ColumnFacts::of(column)),
                        Part::Column(position),
                    );
                }
                if let Some(pk) = &table.primary_key {
                    self.require_columns(&table.name, &pk.columns);
                    self.create(
                        Key::Named(pk.name.to_string()),
                        Facts::PrimaryKey {
                            table: table.name.to_string(),
                            key: pk.clone(),
                        },
                        Part::Name,
                    );
                }
            }
            Op::DropTable(table) => {
                for (position, column) in table.columns.iter().enumerate() {
                    self.drop_known(
                        Key::Column(table.name.to_string(), column.name.to_string()),
                        Facts::Column(ColumnFacts::of(column)),
                        Part::Column(position),
                    );
                }
                if let Some(pk) = &table.primary_key {
                    self.drop_known(
                        Key::Named(pk.name.to_string()),
                        Facts::PrimaryKey {
                            table: table.name.to_string(),
                            key: pk.clone(),
                        },
                        Part::Name,
                    );
                }
                self.drop_table_dependents(&table.name);
                self.drop_known(
                    Key::Table(table.name.to_string()),
                    Facts::Unknown,
                    Part::Table,
                );
            }
            Op::AddColumn { table, column } => {
                self.require_table(table);
                self.create(
                    Key::Column(table.to_string(), column.name.to_string()),
                    Facts::Column(ColumnFacts::of(column)),
                    Part::Column(0),
                );
            }
            Op::DropColumn { table, column } => {
                self.require_table(table);
                self.drop_known(
                    Key::Column(table.to_string(), column.name.to_string()),
                    Facts::Column(ColumnFacts::of(column)),
                    Part::Column(0),
                );
            }
            Op::RenameTable { from, to } => self.rename_table(from, to),
            Op::RenameColumn { table, from, to } => {
                self.require_table(table);
                let old = Key::Column(table.to_string(), from.to_string());
                let facts = self
                    .require(&old, Facts::Column(ColumnFacts::default()), Part::Column(0))
                    .unwrap_or(Facts::Unknown);
                self.set(old.clone(), State::Absent);
                let new = Key::Column(table.to_string(), to.to_string());
                self.create(new.clone(), facts, Part::Name);
                if let Some(place) = self.created.get(&old).copied() {
                    self.created.insert(new, place);
                }
                let (owner, from, to) = (table.to_string(), from.to_string(), to.to_string());
                self.rename_references(&|table| table.to_owned(), &|table, column| {
                    if table == owner && column == from {
                        to.clone()
                    } else {
                        column.to_owned()
                    }
                });
                let origin = self
                    .renamed_columns
                    .remove(&(owner.clone(), from.clone()))
                    .unwrap_or(from);
                if origin != to {
                    self.renamed_columns.insert((owner, to), origin);
                }
            }
            Op::AlterColumn {
                table,
                column,
                change,
            } => {
                self.require_table(table);
                let key = Key::Column(table.to_string(), column.to_string());
                if self
                    .require(&key, Facts::Column(ColumnFacts::default()), Part::Column(0))
                    .is_some()
                {
                    self.alter(&key, change);
                }
            }
            Op::CreateIndex(index) => {
                if self.require_table(&index.table) {
                    self.require_columns(&index.table, &index.columns);
                }
                let mut facts = index.clone();
                // How an index is built or dropped is not part of what it is.
                facts.concurrently = false;
                self.create(
                    Key::Named(index.name.to_string()),
                    Facts::Index(facts),
                    Part::Name,
                );
            }
            Op::DropIndex(index) => {
                let mut facts = index.clone();
                facts.concurrently = false;
                self.drop_known(
                    Key::Named(index.name.to_string()),
                    Facts::Index(facts),
                    Part::Name,
                );
            }
            Op::AddForeignKey(fk) => {
                if self.require_table(&fk.table) {
                    self.require_columns(&fk.table, &fk.columns);
                }
                let referenced = Key::Table(fk.referenced_table.to_string());
                if self
                    .require(&referenced, Facts::Unknown, Part::Table)
                    .is_some()
                {
                    self.require_columns(&fk.referenced_table, &fk.referenced_columns);
                }
                self.create(
                    Key::Named(fk.name.to_string()),
                    Facts::ForeignKey(fk.clone()),
                    Part::Name,
                );
            }
            Op::DropForeignKey(fk) => self.drop_known(
                Key::Named(fk.name.to_string()),
                Facts::ForeignKey(fk.clone()),
                Part::Name,
            ),
            Op::AddCheck(check) => {
                self.require_table(&check.table);
                self.create(
                    Key::Named(check.name.to_string()),
                    Facts::Check(check.clone()),
                    Part::Name,
                );
            }
            Op::DropCheck(check) => self.drop_known(
                Key::Named(check.name.to_string()),
                Facts::Check(check.clone()),
                Part::Name,
            ),
            Op::AddUnique(unique) => {
                if self.require_table(&unique.table) {
                    self.require_columns(&unique.table, &unique.columns);
                }
                self.create(
                    Key::Named(unique.name.to_string()),
                    Facts::Unique(unique.clone()),
                    Part::Name,
                );
            }
            Op::DropUnique(unique) => self.drop_known(
                Key::Named(unique.name.to_string()),
                Facts::Unique(unique.clone()),
                Part::Name,
            ),
            Op::InsertRows(rows) | Op::DeleteRows(rows) => {
                if self.require_table(&rows.table) {
                    self.require_columns(&rows.table, &rows.columns);
                }
            }
            Op::AddPrimaryKey { table, key } => {
                if self.require_table(table) {
                    self.require_columns(table, &key.columns);
                }
                let existing = self.current.iter().find_map(|(_, state)| match state {
                    State::Present(Facts::PrimaryKey { table: owner, key }) if owner == table => {
                        Some(key.name.clone())
                    }
                    _ => None,
                });
                if let Some(existing) = existing {
                    self.problem(
                        CheckId::DuplicateName,
                        Part::Name,
                        format!("table `{table}` already has a primary key, `{existing}`: a table has one; `drop_primary_key` it first"),
                    );
                }
                self.create(
                    Key::Named(key.name.to_string()),
                    Facts::PrimaryKey {
                        table: table.to_string(),
                        key: key.clone(),
                    },
                    Part::Name,
                );
            }
            Op::DropPrimaryKey { table, key } => self.drop_known(
                Key::Named(key.name.to_string()),
                Facts::PrimaryKey {
                    table: table.to_string(),
                    key: key.clone(),
                },
                Part::Name,
            ),
            Op::CreateEnum(ty) => {
                self.enum_labels.insert(
                    ty.name.to_string(),
                    ty.values.iter().map(ToString::to_string).collect(),
                );
                self.create(Key::Enum(ty.name.to_string()), Facts::Unknown, Part::Name);
                for value in ty.values.iter() {
                    self.create(
                        Key::EnumValue(ty.name.to_string(), value.to_string()),
                        Facts::Unknown,
                        Part::Name,
                    );
                }
            }
            Op::DropEnum(ty) => {
                self.enum_labels.remove(ty.name.as_ref());
                for value in ty.values.iter() {
                    self.drop_known(
                        Key::EnumValue(ty.name.to_string(), value.to_string()),
                        Facts::Unknown,
                        Part::Name,
                    );
                }
                self.drop_known(Key::Enum(ty.name.to_string()), Facts::Unknown, Part::Name);
            }
            Op::AddEnumValue {
                enum_name,
                value,
                position,
            } => {
                if let Some(labels) = self.enum_labels.get_mut(enum_name.as_ref()) {
                    let at = match position {
                        Some(crate::model::EnumPosition::Before(other)) => {
                            labels.iter().position(|label| label == other.as_ref())
                        }
                        Some(crate::model::EnumPosition::After(other)) => labels
                            .iter()
                            .position(|label| label == other.as_ref())
                            .map(|at| at + 1),
                        None => None,
                    };
                    labels.insert(at.unwrap_or(labels.len()), value.to_string());
                }
                self.require(
                    &Key::Enum(enum_name.to_string()),
                    Facts::Unknown,
                    Part::Name,
                );
                self.create(
                    Key::EnumValue(enum_name.to_string(), value.to_string()),
                    Facts::Unknown,
                    Part::Name,
                );
            }
            Op::DropEnumValue {
                enum_name, value, ..
            } => {
                if let Some(labels) = self.enum_labels.get_mut(enum_name.as_ref()) {
                    labels.retain(|label| label != value.as_ref());
                }
                self.require(
                    &Key::Enum(enum_name.to_string()),
                    Facts::Unknown,
                    Part::Name,
                );
                self.drop_known(
                    Key::EnumValue(enum_name.to_string(), value.to_string()),
                    Facts::Unknown,
                    Part::Value(0),
                );
            }
            Op::Backfill { table, .. } => {
                self.require_table(table);
            }
            // Raw SQL and Rust code are opaque: their effect is the author's promise. In a closed
            // schema, what the SQL names becomes open.
            Op::Execute { up, .. } => {
                if let Some(closed) = &mut self.closed {
                    for (_, sql) in up.texts() {
                        closed.learn(sql);
                    }
                }
            }
            Op::RunRust { .. } => {}
        }
    }

    /// Dropping a table drops its indexes and constraints with it.
    fn drop_table_dependents(&mut self, table: &str) {
        let dependents: Vec<Key> = self
            .current
            .iter()
            .filter_map(|(key, state)| match (key, state) {
                (Key::Named(_), State::Present(facts)) if facts.table() == Some(table) => {
                    Some(key.clone())
                }
                (Key::Column(owner, _), State::Present(_)) if owner == table => Some(key.clone()),
                _ => None,
            })
            .collect();
        for key in dependents {
            self.set(key, State::Absent);
        }
    }

    fn rename_table(&mut self, from: &str, to: &str) {
        if !self.require_table(from) {
            return;
        }
        self.create(Key::Table(to.to_owned()), Facts::Unknown, Part::Name);
        self.set(Key::Table(from.to_owned()), State::Absent);
        let moved: Vec<(Key, State)> = self
            .current
            .iter()
            .filter(|(key, _)| matches!(key, Key::Column(table, _) if table == from))
            .map(|(key, state)| (key.clone(), state.clone()))
            .collect();
        for (key, state) in moved {
            if let Key::Column(_, column) = &key {
                self.current.remove(&key);
                let new = Key::Column(to.to_owned(), column.clone());
                if let Some(place) = self.created.get(&key).copied() {
                    self.created.insert(new.clone(), place);
                }
                self.current.insert(new, state);
            }
        }
        if let Some(place) = self.created.get(&Key::Table(from.to_owned())).copied() {
            self.created.insert(Key::Table(to.to_owned()), place);
        }
        let (old, new) = (from.to_owned(), to.to_owned());
        self.rename_references(
            &|table| {
                if table == old {
                    new.clone()
                } else {
                    table.to_owned()
                }
            },
            &|_, column| column.to_owned(),
        );
        self.renamed_columns = std::mem::take(&mut self.renamed_columns)
            .into_iter()
            .map(|((table, column), origin)| {
                let table = if table == from { to.to_owned() } else { table };
                ((table, column), origin)
            })
            .collect();
        let origin = self
            .renamed_tables
            .remove(from)
            .unwrap_or_else(|| from.to_owned());
        if origin != to {
            self.renamed_tables.insert(to.to_owned(), origin);
        }
    }

    fn alter(&mut self, key: &Key, change: &ColumnChange) {
        let Some(State::Present(Facts::Column(mut facts))) = self.current.get(key).cloned() else {
            return;
        };
        // What the change tells about the column before it: learned as initial when unknown,
        // compared when known.
        let mut learned = ColumnFacts::default();
        let mut mismatch = None;
        match change {
            ColumnChange::SetType { to, from, .. } => {
                match &facts.ty {
                    None => learned.ty = Some(from.clone()),
                    Some(ty) if ty != from => mismatch = Some(format!("from: {from}")),
                    Some(_) => {}
                }
                facts.ty = Some(to.clone());
            }
            ColumnChange::SetNotNull | ColumnChange::DropNotNull => {
                let was_nullable = matches!(change, ColumnChange::SetNotNull);
                if facts.nullable.is_none() {
                    learned.nullable = Some(was_nullable);
                }
                facts.nullable = Some(!was_nullable);
            }
            ColumnChange::SetDefault { to, from } => {
                match &facts.default {
                    None => learned.default = Some(from.clone()),
                    Some(default) if default != from => {
                        let from = from.as_ref().map_or("none".to_owned(), ToString::to_string);
                        mismatch = Some(format!("from: {from}"));
                    }
                    Some(_) => {}
                }
                facts.default = Some(Some(to.clone()));
            }
            ColumnChange::DropDefault { was } => {
                match &facts.default {
                    None => learned.default = Some(Some(was.clone())),
                    Some(default) if default.as_ref() != Some(was) => {
                        mismatch = Some(format!("was: {was}"));
                    }
                    Some(_) => {}
                }
                facts.default = Some(None);
            }
        }
        if let Some(State::Present(Facts::Column(initial))) =
            self.initial.get_mut(&self.initial_key(key))
        {
            if initial.ty.is_none() {
                initial.ty = learned.ty;
            }
            if initial.nullable.is_none() {
                initial.nullable = learned.nullable;
            }
            if initial.default.is_none() {
                initial.default = learned.default;
            }
        }
        if let Some(mismatch) = mismatch {
            let now = describe(&Facts::Column(match self.current.get(key) {
                Some(State::Present(Facts::Column(now))) => now.clone(),
                _ => ColumnFacts::default(),
            }));
            self.problem(
                CheckId::DowngradeNotInverse,
                Part::Whole,
                match self.closed {
                    Some(_) => {
                        format!("`{mismatch}` does not match {key} as the chain built it ({now})")
                    }
                    None => {
                        format!("`{mismatch}` does not match {key} as it is at this point ({now})")
                    }
                },
            );
        }
        self.set(key.clone(), State::Present(Facts::Column(facts)));
    }
}

/// Two states are the same when every fact known on both sides agrees.
fn same(a: &State, b: &State) -> bool {
    match (a, b) {
        (State::Absent, State::Absent) => true,
        (State::Present(Facts::Column(a)), State::Present(Facts::Column(b))) => {
            fn agree<T: PartialEq>(a: &Option<T>, b: &Option<T>) -> bool {
                match (a, b) {
                    (Some(a), Some(b)) => a == b,
                    _ => true,
                }
            }
            agree(&a.ty, &b.ty)
                && agree(&a.nullable, &b.nullable)
                && agree(&a.default, &b.default)
                && agree(&a.identity, &b.identity)
                && agree(&a.generated, &b.generated)
        }
        (State::Present(Facts::Unknown), State::Present(_))
        | (State::Present(_), State::Present(Facts::Unknown)) => true,
        (State::Present(a), State::Present(b)) => a == b,
        _ => false,
    }
}

/// How `now` differs from `before`, for messages: the differing column facts, or both definitions.
pub fn difference(before: &Facts, now: &Facts) -> String {
    let (Facts::Column(before), Facts::Column(now)) = (before, now) else {
        return format!("`{}` where it was `{}`", describe(now), describe(before));
    };
    let mut parts = Vec::new();
    if let (Some(a), Some(b)) = (&before.ty, &now.ty) {
        if a != b {
            parts.push(format!("type `{b}` where it was `{a}`"));
        }
    }
    if let (Some(a), Some(b)) = (before.nullable, now.nullable) {
        if a != b {
            let word = |nullable| if nullable { "nullable" } else { "not null" };
            parts.push(format!("{} where it was {}", word(b), word(a)));
        }
    }
    if let (Some(a), Some(b)) = (&before.default, &now.default) {
        if a != b {
            let word = |default: &Option<DefaultValue>| match default {
                Some(default) => format!("`default({default})`"),
                None => "no default".to_owned(),
            };
            parts.push(format!("{} where it was {}", word(b), word(a)));
        }
    }
    if let (Some(a), Some(b)) = (before.identity, now.identity) {
        if a != b {
            parts.push(
                if b {
                    "identity where it was not"
                } else {
                    "no identity where it was one"
                }
                .to_owned(),
            );
        }
    }
    if let (Some(a), Some(b)) = (&before.generated, &now.generated) {
        if a != b {
            parts.push(format!(
                "{} where it was {}",
                generated_words(b),
                generated_words(a)
            ));
        }
    }
    parts.join(", ")
}

fn generated_words(generated: &Option<Generated>) -> String {
    match generated {
        Some(generated) => format!("`{generated}`"),
        None => "not generated".to_owned(),
    }
}

/// A short description of a definition, for messages.
pub fn describe(facts: &Facts) -> String {
    match facts {
        Facts::Unknown => "an existing object".to_owned(),
        Facts::Column(column) => {
            let mut parts = Vec::new();
            if let Some(ty) = &column.ty {
                parts.push(ty.to_string());
            }
            match column.nullable {
                Some(true) => parts.push("nullable".to_owned()),
                Some(false) => parts.push("not null".to_owned()),
                None => {}
            }
            match &column.default {
                Some(Some(default)) => parts.push(format!("default({default})")),
                Some(None) => parts.push("no default".to_owned()),
                None => {}
            }
            if column.identity == Some(true) {
                parts.push("identity".to_owned());
            }
            if let Some(Some(generated)) = &column.generated {
                parts.push(generated.to_string());
            }
            parts.join(" ")
        }
        Facts::Index(index) => Op::CreateIndex(index.clone()).to_string(),
        Facts::ForeignKey(fk) => Op::AddForeignKey(fk.clone()).to_string(),
        Facts::Check(check) => Op::AddCheck(check.clone()).to_string(),
        Facts::Unique(unique) => Op::AddUnique(unique.clone()).to_string(),
        Facts::PrimaryKey { table, key } => {
            format!(
                "primary_key: {}({}) on {table}",
                key.name,
                key.columns.join(", ")
            )
        }
    }
}

/// An object that `upgrade` then `downgrade` did not bring back to its initial state.
#[derive(Debug, Clone)]
pub struct Unrestored {
    pub key: Key,
    pub initial: State,
    pub now: State,
    pub upgrade_op: Option<usize>,
    pub downgrade_op: Option<usize>,
    /// Set when a renamed table was not renamed back.
    pub renamed_to: Option<String>,
}
