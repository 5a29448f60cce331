//! The migration graph: ids, parents, heads, and a deterministic topological order.
//!
//! Shared by the runtime (`Migrator::new`) and the CLI; order ties are broken by id so every
//! machine applies independent branches in the same order.
//!
//! A migration that says `replaces: [...]` (a squash) stands for the migrations it lists once
//! their files are deleted: a parent naming one of them means the squash ([`Replacements`]), so
//! the children of a squashed range keep their text and their checksums. A set that holds both
//! the squash and a migration it replaces is refused, naming the files to delete.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Display, Formatter};

use crate::model::Migration;

/// A problem with the graph as a whole; each names the migrations involved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GraphError {
    DuplicateId(String),
    UnknownParent {
        id: String,
        parent: String,
    },
    Cycle(Vec<String>),
    /// Migration `id` replaces these migrations, which the set still holds.
    ReplacedPresent {
        id: String,
        replaced: Vec<String>,
    },
    /// Two or more migrations (`by`) replace the same migration.
    ReplacedTwice {
        replaced: String,
        by: Vec<String>,
    },
}

impl Display for GraphError {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            GraphError::DuplicateId(id) => write!(f, "two migrations have the id {id:?}; give one of them a new id"),
            GraphError::UnknownParent { id, parent } => write!(
                f,
                "migration {id:?} names parent {parent:?}, which is not registered; check the id, or that the crate defining it is linked"
            ),
            GraphError::Cycle(ids) => write!(f, "migrations form a cycle: {}", ids.join(" -> ")),
            GraphError::ReplacedPresent { id, replaced } => write!(
                f,
                "migration {id:?} replaces {}, which {} still registered; delete {} (a database part-way through them must first be upgraded by a build that still has them)",
                quoted(replaced),
                if replaced.len() == 1 { "is" } else { "are" },
                if replaced.len() == 1 { "it" } else { "them" },
            ),
            GraphError::ReplacedTwice { replaced, by } => write!(
                f,
                "migration {replaced:?} is replaced by {}: one squash replaces it, delete the others",
                quoted(by)
            ),
        }
    }
}

/// The errors of a graph that cannot be ordered.
pub type GraphErrors = Vec<GraphError>;

fn quoted(ids: &[String]) -> String {
    ids.iter()
        .map(|id| format!("{id:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The migrations of a set that replace others, by the ids they replace: how a parent that names
/// a squashed migration finds the squash. Only ids the set does not hold are replaced; a set that
/// holds both is refused by [`order`].
///
/// ```
/// # use migrate_core::model::{Downgrade, Migration, Mode};
/// # let migration = |id: &'static str, parents: &[&'static str], replaces: &[&'static str]| Migration {
/// #     id: id.into(), parents: parents.iter().map(|p| (*p).into()).collect(),
/// #     replaces: replaces.iter().map(|r| (*r).into()).collect(), doc: "".into(),
/// #     upgrade: vec![].into(), downgrade: Downgrade::Ops(vec![].into()), mode: Mode::Transactional,
/// #     lock_timeout_ms: None, statement_timeout_ms: None, checksum: "".into(),
/// # };
/// use migrate_core::graph::{self, Replacements};
///
/// // 0003_squash replaced 0001 and 0002, whose files are gone; 0003_add_role was written on 0002.
/// let squash = migration("0003_squash", &[], &["0001_create_users", "0002_add_name"]);
/// let child = migration("0003_add_role", &["0002_add_name"], &[]);
/// let set = [&squash, &child];
///
/// let replacements = Replacements::of(&set);
/// assert_eq!(replacements.parents(&child), ["0003_squash"]);
/// assert_eq!(replacements.replacing("0001_create_users").map(|m| m.id.as_ref()), Some("0003_squash"));
/// let ids: Vec<&str> = graph::order(&set).unwrap().iter().map(|m| m.id.as_ref()).collect();
/// assert_eq!(ids, ["0003_squash", "0003_add_role"]);
/// assert_eq!(graph::heads(&set)[0].id, "0003_add_role");
///
/// // Until 0001 and 0002 are deleted, the set is refused.
/// let first = migration("0001_create_users", &[], &[]);
/// let errors = graph::order(&[&first, &squash, &child]).unwrap_err();
/// assert_eq!(
///     errors[0].to_string(),
///     "migration \"0003_squash\" replaces \"0001_create_users\", which is still registered; delete it (a database part-way through them must first be upgraded by a build that still has them)"
/// );
/// ```
#[derive(Debug, Clone, Default)]
pub struct Replacements<'a> {
    by_replaced: BTreeMap<&'a str, &'a Migration>,
}

impl<'a> Replacements<'a> {
    pub fn of(migrations: &[&'a Migration]) -> Replacements<'a> {
        let ids: BTreeSet<&str> = migrations.iter().map(|m| m.id.as_ref()).collect();
        let mut by_replaced = BTreeMap::new();
        for migration in migrations {
            for replaced in migration.replaces.iter() {
                if !ids.contains(replaced.as_ref()) {
                    by_replaced.entry(replaced.as_ref()).or_insert(*migration);
                }
            }
        }
        Replacements { by_replaced }
    }

    /// Whether no migration of the set replaces another.
    pub fn is_empty(&self) -> bool {
        self.by_replaced.is_empty()
    }

    /// The migration of the set that replaces `id`, when the set does not hold `id` itself.
    pub fn replacing(&self, id: &str) -> Option<&'a Migration> {
        self.by_replaced.get(id).copied()
    }

    /// `id`, or the id of the migration that replaces it.
    pub fn resolve<'b>(&self, id: &'b str) -> &'b str
    where
        'a: 'b,
    {
        match self.replacing(id) {
            Some(migration) => &migration.id,
            None => id,
        }
    }

    /// The ids of `migration`'s parents, each replaced one read as the migration replacing it.
    pub fn parents<'b>(&self, migration: &'b Migration) -> Vec<&'b str>
    where
        'a: 'b,
    {
        migration
            .parents
            .iter()
            .map(|parent| self.resolve(parent))
            .collect()
    }
}

/// Orders `migrations` so that every parent comes before its children.
pub fn order<'a>(migrations: &[&'a Migration]) -> Result<Vec<&'a Migration>, Vec<GraphError>> {
    let mut errors = Vec::new();
    let mut by_id: BTreeMap<&str, &'a Migration> = BTreeMap::new();
    for migration in migrations {
        if by_id.insert(&migration.id, migration).is_some() {
            errors.push(GraphError::DuplicateId(migration.id.to_string()));
        }
    }
    let mut replacers: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for migration in by_id.values() {
        let present: Vec<String> = migration
            .replaces
            .iter()
            .filter(|replaced| by_id.contains_key(replaced.as_ref()))
            .map(ToString::to_string)
            .collect();
        if !present.is_empty() {
            errors.push(GraphError::ReplacedPresent {
                id: migration.id.to_string(),
                replaced: present,
            });
        }
        for replaced in migration.replaces.iter() {
            let by = replacers.entry(replaced.as_ref()).or_default();
            if !by.contains(&migration.id.to_string()) {
                by.push(migration.id.to_string());
            }
        }
    }
    for (replaced, by) in replacers {
        if by.len() > 1 {
            errors.push(GraphError::ReplacedTwice {
                replaced: replaced.to_owned(),
                by,
            });
        }
    }
    let all: Vec<&'a Migration> = by_id.values().copied().collect();
    let replacements = Replacements::of(&all);
    for migration in by_id.values() {
        for parent in replacements.parents(migration) {
            if !by_id.contains_key(parent) {
                errors.push(GraphError::UnknownParent {
                    id: migration.id.to_string(),
                    parent: parent.to_string(),
                });
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Kahn's algorithm over positions in `all` (sorted by id), ties broken by the smallest id:
    // the order the start-up computes once per process, so it allocates once per migration.
    let position: std::collections::HashMap<&str, usize> = all
        .iter()
        .enumerate()
        .map(|(index, migration)| (migration.id.as_ref(), index))
        .collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); all.len()];
    let mut pending: Vec<usize> = vec![0; all.len()];
    for (index, migration) in all.iter().enumerate() {
        for parent in migration.parents.iter() {
            // A child naming the same parent twice counts it twice.
            children[position[replacements.resolve(parent)]].push(index);
            pending[index] += 1;
        }
    }
    let mut ready: BTreeSet<usize> = (0..all.len()).filter(|&i| pending[i] == 0).collect();
    let mut ordered = Vec::with_capacity(all.len());
    while let Some(index) = ready.pop_first() {
        ordered.push(all[index]);
        for &child in &children[index] {
            pending[child] -= 1;
            if pending[child] == 0 {
                ready.insert(child);
            }
        }
    }
    if ordered.len() < all.len() {
        return Err(vec![GraphError::Cycle(
            (0..all.len())
                .filter(|&i| pending[i] > 0)
                .map(|i| all[i].id.to_string())
                .collect(),
        )]);
    }
    Ok(ordered)
}

/// The migrations no other migration names as parent (a parent naming a replaced migration
/// names the one that replaces it).
pub fn heads<'a>(migrations: &[&'a Migration]) -> Vec<&'a Migration> {
    let replacements = Replacements::of(migrations);
    let parents: BTreeSet<&str> = migrations
        .iter()
        .flat_map(|migration| replacements.parents(migration))
        .collect();
    migrations
        .iter()
        .copied()
        .filter(|migration| !parents.contains(migration.id.as_ref()))
        .collect()
}
