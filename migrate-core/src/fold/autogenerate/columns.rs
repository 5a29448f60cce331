//! The tables, their columns and primary keys, and enums: created, dropped, altered, or listed
//! when no op changes what differs.

use std::collections::BTreeSet;

use super::{Differ, Phase, Rank, Step, TypeDetail};
use crate::fold::drift::{default_key, normalize_default, type_key, DefaultKey};
use crate::model::{
    Column, ColumnChange, ColumnType, DefaultValue, EnumPosition, EnumType, Op, PrimaryKey, Scalar,
    Table, Text,
};
use crate::render::Dialect;

/// Enums, tables and columns.
impl Differ<'_> {
    pub(super) fn enums(&mut self) {
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
    pub(super) fn labels(&mut self, before: &EnumType, after: &[Text]) {
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

    pub(super) fn tables(&mut self) {
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

    pub(super) fn columns(&mut self, before: &Table, after: &Table) {
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

    pub(super) fn add_column(&mut self, table: &Text, column: &Column) {
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

    pub(super) fn column_changes(&mut self, table: &Text, was: &Column, now: &Column) {
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

    pub(super) fn enum_of(&self, name: &str, target: bool) -> Option<EnumType> {
        let enums = match target {
            true => &self.target.schema.enums,
            false => &self.chain.enums,
        };
        enums.iter().find(|e| e.name == name).cloned()
    }

    /// A new column of an enum the chain does not have by that name: where a target cannot name
    /// its enums (MySQL), the chain's enum with the same labels, or one created here.
    pub(super) fn column_enum(&mut self, column: &Column) -> Column {
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

    pub(super) fn primary_key(&mut self, before: &Table, after: &Table) {
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

    pub(super) fn same_type(&self, was: &Column, now: &Column) -> bool {
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

    pub(super) fn same_default(
        &self,
        was: Option<&DefaultValue>,
        now: Option<&DefaultValue>,
    ) -> bool {
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
