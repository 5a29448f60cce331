//! The migration graph: ids, parents, heads, and a deterministic topological order.
//!
//! Shared by the runtime (`Migrator::new`) and the CLI; order ties are broken by id so every
//! machine applies independent branches in the same order.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Display, Formatter};

use crate::model::Migration;

/// A problem with the graph as a whole; each names the migrations involved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GraphError {
    DuplicateId(String),
    UnknownParent { id: String, parent: String },
    Cycle(Vec<String>),
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
        }
    }
}

/// The errors of a graph that cannot be ordered.
pub type GraphErrors = Vec<GraphError>;

/// Orders `migrations` so that every parent comes before its children.
pub fn order<'a>(migrations: &[&'a Migration]) -> Result<Vec<&'a Migration>, Vec<GraphError>> {
    let mut errors = Vec::new();
    let mut by_id: BTreeMap<&str, &'a Migration> = BTreeMap::new();
    for migration in migrations {
        if by_id.insert(&migration.id, migration).is_some() {
            errors.push(GraphError::DuplicateId(migration.id.to_string()));
        }
    }
    for migration in by_id.values() {
        for parent in migration.parents.iter() {
            if !by_id.contains_key(parent.as_ref()) {
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
    let mut children: BTreeMap<&str, Vec<&'a Migration>> = BTreeMap::new();
    for migration in by_id.values() {
        for parent in migration.parents.iter() {
            children.entry(parent.as_ref()).or_default().push(migration);
        }
    }
    let mut pending: BTreeMap<&str, usize> = by_id
        .values()
        .map(|migration| (migration.id.as_ref(), migration.parents.len()))
        .collect();
    let mut ready: BTreeSet<&str> = pending
        .iter()
        .filter(|(_, count)| **count == 0)
        .map(|(id, _)| *id)
        .collect();
    let mut ordered = Vec::with_capacity(by_id.len());
    while let Some(id) = ready.pop_first() {
        pending.remove(id);
        ordered.push(by_id[id]);
        for child in children.get(id).into_iter().flatten() {
            // A child naming the same parent twice counts it twice, as `pending` did.
            if let Some(count) = pending.get_mut(child.id.as_ref()) {
                *count -= 1;
                if *count == 0 {
                    ready.insert(&child.id);
                }
            }
        }
    }
    if !pending.is_empty() {
        return Err(vec![GraphError::Cycle(
            pending.keys().map(|id| id.to_string()).collect(),
        )]);
    }
    Ok(ordered)
}

/// The migrations no other migration names as parent.
pub fn heads<'a>(migrations: &[&'a Migration]) -> Vec<&'a Migration> {
    let parents: BTreeSet<&str> = migrations
        .iter()
        .flat_map(|migration| migration.parents.iter().map(AsRef::as_ref))
        .collect();
    migrations
        .iter()
        .copied()
        .filter(|migration| !parents.contains(migration.id.as_ref()))
        .collect()
}
