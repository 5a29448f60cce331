//! Targets and plans: which migrations an upgrade or downgrade runs, in which order.

use std::collections::{BTreeSet, HashMap};
use std::fmt::{self, Display, Formatter};
use std::str::FromStr;

use migrate_core::diagnostic::did_you_mean;
use migrate_core::graph::Replacements;
use migrate_core::model::Migration;

use crate::Error;

/// Where to upgrade or downgrade to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The single head; an error when the graph has several.
    Head,
    /// Every head.
    Heads,
    /// Nothing applied.
    Base,
    /// `+N` (upgrade N more) or `-N` (downgrade N).
    Relative(i64),
    /// An id, or a unique prefix of one.
    Revision(String),
}

impl FromStr for Target {
    type Err = std::convert::Infallible;

    /// `head`, `heads`, `base`, `+2`, `-1`, or a revision.
    ///
    /// ```
    /// use migrate_runtime::Target;
    /// assert_eq!("+2".parse::<Target>(), Ok(Target::Relative(2)));
    /// assert_eq!("0003".parse::<Target>(), Ok(Target::Revision("0003".into())));
    /// ```
    fn from_str(text: &str) -> Result<Target, Self::Err> {
        Ok(match text {
            "head" => Target::Head,
            "heads" => Target::Heads,
            "base" => Target::Base,
            _ if (text.starts_with('+') || text.starts_with('-')) && text.len() > 1 => {
                match text.parse::<i64>() {
                    Ok(n) => Target::Relative(n),
                    Err(_) => Target::Revision(text.to_owned()),
                }
            }
            _ => Target::Revision(text.to_owned()),
        })
    }
}

impl Display for Target {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Target::Head => f.write_str("head"),
            Target::Heads => f.write_str("heads"),
            Target::Base => f.write_str("base"),
            Target::Relative(n) => write!(f, "{n:+}"),
            Target::Revision(id) => f.write_str(id),
        }
    }
}

/// The ordered graph, with the lookups planning needs.
pub(crate) struct Graph<'a> {
    ordered: &'a [&'static Migration],
    position: HashMap<&'a str, usize>,
    /// Which migration stands for each id a squash replaced.
    replacements: Replacements<'static>,
}

impl<'a> Graph<'a> {
    pub(crate) fn new(ordered: &'a [&'static Migration]) -> Graph<'a> {
        let position = ordered
            .iter()
            .enumerate()
            .map(|(index, migration)| (migration.id.as_ref(), index))
            .collect();
        Graph {
            ordered,
            position,
            replacements: Replacements::of(ordered),
        }
    }

    /// The migration whose id is exactly `id`.
    pub(crate) fn get(&self, id: &str) -> Option<&'static Migration> {
        self.position.get(id).map(|&index| self.ordered[index])
    }

    /// The migration of this build that replaces `id` (a squash), when the build does not have
    /// `id` itself.
    pub(crate) fn replacing(&self, id: &str) -> Option<&'static Migration> {
        self.replacements.replacing(id)
    }

    /// Whether some migration of this build replaces others.
    pub(crate) fn has_replacements(&self) -> bool {
        !self.replacements.is_empty()
    }

    /// The migrations that replace others, in order.
    pub(crate) fn squashes(&self) -> impl Iterator<Item = &'static Migration> + '_ {
        self.ordered
            .iter()
            .copied()
            .filter(|migration| !migration.replaces.is_empty())
    }

    /// The ids of `migration`'s parents, a replaced one read as the squash that replaces it.
    pub(crate) fn parents(&self, migration: &'static Migration) -> Vec<&'static str> {
        self.replacements.parents(migration)
    }

    pub(crate) fn heads(&self) -> Vec<&'static Migration> {
        migrate_core::graph::heads(self.ordered)
    }

    /// The migration an id or unique id prefix names; the id of a migration a squash replaced
    /// names the squash.
    pub(crate) fn resolve(&self, revision: &str) -> Result<&'static Migration, Error> {
        if let Some(&index) = self.position.get(revision) {
            return Ok(self.ordered[index]);
        }
        if let Some(squash) = self.replacing(revision) {
            return Ok(squash);
        }
        let matches: Vec<&'static Migration> = self
            .ordered
            .iter()
            .copied()
            .filter(|migration| migration.id.starts_with(revision))
            .collect();
        match matches.as_slice() {
            [one] => Ok(one),
            [] => {
                let ids: Vec<&str> = self.ordered.iter().map(|m| m.id.as_ref()).collect();
                Err(Error::UnknownRevision {
                    revision: revision.to_owned(),
                    suggestion: did_you_mean(revision, &ids).map(str::to_owned),
                })
            }
            many => Err(Error::AmbiguousRevision {
                revision: revision.to_owned(),
                candidates: many.iter().map(|m| m.id.to_string()).collect(),
            }),
        }
    }

    /// `target` and everything it depends on.
    fn ancestors_of(&self, target: &Migration) -> BTreeSet<usize> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![self.position[target.id.as_ref()]];
        while let Some(index) = stack.pop() {
            if seen.insert(index) {
                for parent in self.parents(self.ordered[index]) {
                    stack.push(self.position[parent]);
                }
            }
        }
        seen
    }

    /// Everything that depends on `target`, without it.
    fn descendants_of(&self, target: &Migration) -> BTreeSet<usize> {
        let start = self.position[target.id.as_ref()];
        let mut seen = BTreeSet::new();
        for (index, migration) in self.ordered.iter().enumerate().skip(start + 1) {
            let depends = self.parents(migration).into_iter().any(|parent| {
                let parent = self.position[parent];
                parent == start || seen.contains(&parent)
            });
            if depends {
                seen.insert(index);
            }
        }
        seen
    }

    /// The migrations to apply, parents first.
    pub(crate) fn upgrade_plan(
        &self,
        applied: &BTreeSet<&str>,
        target: &Target,
    ) -> Result<Vec<&'static Migration>, Error> {
        let pending = |index: &usize| !applied.contains(self.ordered[*index].id.as_ref());
        let wanted: BTreeSet<usize> = match target {
            Target::Head => {
                let heads = self.heads();
                if heads.len() > 1 {
                    return Err(Error::MultipleHeads {
                        heads: heads.iter().map(|m| m.id.to_string()).collect(),
                    });
                }
                heads
                    .iter()
                    .flat_map(|head| self.ancestors_of(head))
                    .collect()
            }
            Target::Heads => (0..self.ordered.len()).collect(),
            Target::Revision(revision) => self.ancestors_of(self.resolve(revision)?),
            Target::Relative(n) if *n > 0 => {
                return Ok((0..self.ordered.len())
                    .filter(pending)
                    .take(*n as usize)
                    .map(|index| self.ordered[index])
                    .collect())
            }
            Target::Base | Target::Relative(_) => {
                return Err(Error::WrongDirection {
                    target: target.to_string(),
                    direction: "upgrade",
                })
            }
        };
        Ok(wanted
            .into_iter()
            .filter(pending)
            .map(|index| self.ordered[index])
            .collect())
    }

    /// The migrations to undo, children first.
    pub(crate) fn downgrade_plan(
        &self,
        applied: &BTreeSet<&str>,
        target: &Target,
    ) -> Result<Vec<&'static Migration>, Error> {
        let is_applied = |index: &usize| applied.contains(self.ordered[*index].id.as_ref());
        let mut undo: Vec<usize> = match target {
            Target::Base => (0..self.ordered.len()).filter(is_applied).collect(),
            Target::Revision(revision) => self
                .descendants_of(self.resolve(revision)?)
                .into_iter()
                .filter(is_applied)
                .collect(),
            Target::Relative(n) if *n < 0 => {
                let mut all: Vec<usize> = (0..self.ordered.len()).filter(is_applied).collect();
                let keep = all.len().saturating_sub(n.unsigned_abs() as usize);
                all.drain(..keep);
                all
            }
            Target::Head | Target::Heads | Target::Relative(_) => {
                return Err(Error::WrongDirection {
                    target: target.to_string(),
                    direction: "downgrade",
                })
            }
        };
        undo.reverse();
        Ok(undo.into_iter().map(|index| self.ordered[index]).collect())
    }
}
