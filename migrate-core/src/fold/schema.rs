//! The schema a chain builds: what the fold holds once every migration up to a revision is
//! applied, as plain definitions, for `migrate schema`, the diesel `schema` module and the
//! comparison with a live database.

use std::collections::{BTreeMap, BTreeSet};

use crate::graph::{self, GraphError};
use crate::model::{
    CheckConstraint, Column, EnumType, ForeignKey, Index, Migration, Op, PrimaryKey, Table,
    UniqueConstraint,
};
use crate::schema::{Facts, Key, Simulation};

/// Every object a chain builds, tables and enums in the order they were created.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    /// Tables with columns in their order (a renamed column keeps its place).
    pub tables: Vec<Table>,
    pub enums: Vec<EnumType>,
    pub indexes: Vec<Index>,
    pub foreign_keys: Vec<ForeignKey>,
    pub checks: Vec<CheckConstraint>,
    pub uniques: Vec<UniqueConstraint>,
    /// Tables that raw SQL made or changed: their definition is the SQL's, unknown here.
    pub opaque: Vec<String>,
    /// Every identifier the `execute` statements of the migrations wrote, lowercase: the objects
    /// they may have made.
    pub raw_sql_names: Vec<String>,
}

impl Schema {
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|table| table.name == name)
    }

    /// The schema as ops that build it on an empty database: enums, tables, then indexes and
    /// constraints.
    pub fn ops(&self) -> Vec<Op> {
        let mut ops: Vec<Op> = self.enums.iter().cloned().map(Op::CreateEnum).collect();
        ops.extend(self.tables.iter().cloned().map(Op::CreateTable));
        ops.extend(self.indexes.iter().cloned().map(Op::CreateIndex));
        ops.extend(self.uniques.iter().cloned().map(Op::AddUnique));
        ops.extend(self.checks.iter().cloned().map(Op::AddCheck));
        ops.extend(self.foreign_keys.iter().cloned().map(Op::AddForeignKey));
        ops
    }
}

/// The schema after `at` and everything it depends on; after every migration when `at` is `None`.
///
/// ```
/// # use migrate_core::check::{check, Config, DowngradeDef, MigrationDef};
/// # use migrate_core::model::{Column, ColumnType, Op, Scalar};
/// # let migration = |id: &str, parents: &[&str], upgrade: Vec<Op>| check(MigrationDef {
/// #     id: id.into(), parents: parents.iter().map(|p| p.to_string()).collect(), replaces: vec![], doc: String::new(),
/// #     upgrade, downgrade: DowngradeDef::Computed, lock_timeout_ms: None, statement_timeout_ms: None, waivers: vec![], adopted_names: false,
/// # }, &Config::default()).0;
/// # let column = |name: &'static str| Column { name: name.into(), ty: ColumnType::Scalar(Scalar::Text), nullable: true, default: None, identity: false, generated: None };
/// # let table = migrate_core::model::Table { name: "users".into(), columns: vec![column("email")].into(), primary_key: None };
/// let first = migration("0001_create_users", &[], vec![Op::CreateTable(table)]);
/// let second = migration("0002_add_name", &["0001_create_users"], vec![Op::AddColumn { table: "users".into(), column: column("name") }]);
///
/// let schema = migrate_core::fold::schema(&[&first, &second], None).unwrap();
/// let names: Vec<&str> = schema.tables[0].columns.iter().map(|c| c.name.as_ref()).collect();
/// assert_eq!(names, ["email", "name"]);
/// let before = migrate_core::fold::schema(&[&first, &second], Some("0001_create_users")).unwrap();
/// assert_eq!(before.tables[0].columns.len(), 1);
/// ```
pub fn schema(migrations: &[&Migration], at: Option<&str>) -> Result<Schema, Vec<GraphError>> {
    let simulation = match at {
        Some(at) => simulation_at(migrations, at, true)?,
        None => {
            let mut simulation = Simulation::closed();
            for migration in graph::order(migrations)? {
                apply(&mut simulation, migration);
            }
            simulation
        }
    };
    Ok(of(&simulation))
}

/// The closed simulation of the schema the ancestors of migration `at` build, with `at` itself
/// when `including`: what a renderer that needs the schema (MySQL's) starts from.
pub fn simulation_at(
    migrations: &[&Migration],
    at: &str,
    including: bool,
) -> Result<Simulation, Vec<GraphError>> {
    let ordered = graph::order(migrations)?;
    let replacements = graph::Replacements::of(&ordered);
    let by_id: BTreeMap<&str, &Migration> = ordered.iter().map(|m| (m.id.as_ref(), *m)).collect();
    let at = replacements.resolve(at);
    let mut included = BTreeSet::new();
    let mut stack: Vec<&str> = match (including, by_id.get(at)) {
        (true, _) => vec![at],
        (false, Some(migration)) => replacements.parents(migration),
        (false, None) => Vec::new(),
    };
    while let Some(id) = stack.pop() {
        if let Some(migration) = by_id.get(id) {
            if included.insert(migration.id.as_ref()) {
                stack.extend(replacements.parents(migration));
            }
        }
    }
    let mut simulation = Simulation::closed();
    for migration in ordered {
        if included.contains(migration.id.as_ref()) {
            apply(&mut simulation, migration);
        }
    }
    Ok(simulation)
}

/// Applies `migration`'s upgrade to `simulation`, dropping the problems (the fold reports them).
pub fn apply(simulation: &mut Simulation, migration: &Migration) {
    for (index, op) in migration.upgrade.iter().enumerate() {
        simulation.apply_at(op, crate::diagnostic::Section::Upgrade(index));
    }
    simulation.take_problems();
}

/// The definitions a simulation holds.
fn of(simulation: &Simulation) -> Schema {
    let mut schema = Schema::default();
    let mut columns: BTreeMap<&str, Vec<Column>> = BTreeMap::new();
    let mut opaque: BTreeSet<String> = BTreeSet::new();
    let mut tables: Vec<&str> = Vec::new();
    let mut enum_values: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut enums: Vec<&str> = Vec::new();
    for (key, facts) in simulation.present() {
        match (key, facts) {
            (Key::Table(name), _) => tables.push(name),
            (Key::Column(table, name), Facts::Column(column)) => {
                match (&column.ty, column.nullable) {
                    (Some(ty), Some(nullable)) => columns.entry(table).or_default().push(Column {
                        name: name.clone().into(),
                        ty: ty.clone(),
                        nullable,
                        default: column.default.clone().flatten(),
                        identity: column.identity.unwrap_or(false),
                        generated: column.generated.clone().flatten(),
                    }),
                    _ => {
                        opaque.insert(table.clone());
                    }
                }
            }
            (Key::Column(table, _), _) => {
                opaque.insert(table.clone());
            }
            (Key::Enum(name), _) => enums.push(name),
            (Key::EnumValue(name, value), _) => {
                enum_values.entry(name).or_default().push(value.clone())
            }
            (Key::Named(_), Facts::Index(index)) => schema.indexes.push(index.clone()),
            (Key::Named(_), Facts::ForeignKey(fk)) => schema.foreign_keys.push(fk.clone()),
            (Key::Named(_), Facts::Check(check)) => schema.checks.push(check.clone()),
            (Key::Named(_), Facts::Unique(unique)) => schema.uniques.push(unique.clone()),
            (Key::Named(_), Facts::PrimaryKey { .. } | Facts::Column(_) | Facts::Unknown) => {}
        }
    }
    let primary_keys: BTreeMap<&str, PrimaryKey> = simulation
        .present()
        .into_iter()
        .filter_map(|(_, facts)| match facts {
            Facts::PrimaryKey { table, key } => Some((table.as_str(), key.clone())),
            _ => None,
        })
        .collect();
    for name in tables {
        if simulation.is_opaque_table(name) {
            opaque.insert(name.to_owned());
        }
        schema.tables.push(Table {
            name: name.to_owned().into(),
            columns: columns.remove(name).unwrap_or_default().into(),
            primary_key: primary_keys.get(name).cloned(),
        });
    }
    for name in enums {
        // The order `before:`/`after:` gave, where the chain made the enum; else creation order.
        let values: Vec<String> = match simulation.enum_labels(name) {
            Some(labels) => labels.to_vec(),
            None => enum_values.remove(name).unwrap_or_default(),
        };
        schema.enums.push(EnumType {
            name: name.to_owned().into(),
            values: values
                .into_iter()
                .map(Into::into)
                .collect::<Vec<_>>()
                .into(),
        });
    }
    schema.opaque = opaque.into_iter().collect();
    schema.raw_sql_names = simulation.raw_sql_names();
    schema
}
