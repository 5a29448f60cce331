//! Indexes and constraints: compared by name (by columns where the target keeps no name), their
//! text by presence where the server rewrites it, built concurrently on tables with rows.

use std::collections::BTreeSet;

use super::{Differ, Phase, Rank, Step, TypeDetail};
use crate::fold::drift::mysql_referential_action;
use crate::fold::Schema;
use crate::model::{ForeignKey, Index, Op, Text, UniqueConstraint};
use crate::render::Dialect;

/// Indexes and constraints.
impl<'a> Differ<'a> {
    /// The chain's indexes as the target sees them: on SQLite and MySQL a unique constraint is a
    /// unique index, so it is compared as one (and dropped as the constraint it is).
    pub(super) fn chain_indexes(&self) -> Vec<(Index, Option<&'a UniqueConstraint>)> {
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

    pub(super) fn uniques_are_indexes(&self) -> bool {
        matches!(
            self.sees.types,
            TypeDetail::Catalog(Dialect::Sqlite | Dialect::Mysql)
        )
    }

    /// An index of the chain in the target's words: its table and columns renamed.
    pub(super) fn renamed_index(&self, index: &Index) -> Index {
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

    pub(super) fn same_index(&self, was: &Index, now: &Index) -> bool {
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

    pub(super) fn indexes(&mut self) {
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

    pub(super) fn create_index(&mut self, index: &Index) {
        let live = self.is_existing(&index.table);
        let index = Index {
            concurrently: live,
            ..index.clone()
        };
        let phase = if live { Phase::After } else { Phase::Main };
        self.push(phase, Rank::AddIndex, Step::op(Op::CreateIndex(index)));
    }

    pub(super) fn drop_index(&mut self, index: &Index, unique: Option<&UniqueConstraint>) {
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

    pub(super) fn uniques(&mut self) {
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

    pub(super) fn checks(&mut self) {
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
    pub(super) fn add_constraint(&mut self, table: &str, op: Op) {
        let phase = if self.is_existing(table) && self.has_after_indexes() {
            Phase::After
        } else {
            Phase::Main
        };
        self.push(phase, Rank::AddConstraint, Step::op(op));
    }

    pub(super) fn has_after_indexes(&self) -> bool {
        self.steps
            .iter()
            .any(|(phase, rank, _)| *phase == Phase::After && *rank == Rank::AddIndex)
    }

    /// A foreign key of the chain in the target's words.
    pub(super) fn fk_key(
        &self,
        fk: &ForeignKey,
        chain: bool,
    ) -> (String, Vec<String>, String, Vec<String>) {
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

    pub(super) fn same_fk(&self, was: &ForeignKey, now: &ForeignKey) -> bool {
        self.fk_key(was, true) == self.fk_key(now, false)
            && actions_agree(was, now, self.sees.types)
    }

    pub(super) fn foreign_keys(&mut self) {
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
