//! Re-recording an applied migration that was edited on purpose: [`Migrator::repair`].
//!
//! An applied migration edited since is drift, and upgrades refuse it: the database was built by
//! the migration as it was. When the edit changes nothing the database has (the fix was also made
//! by hand, or the edit only restates what the schema already is), `repair` records the migration
//! as this build has it. It runs nothing, so the difference comes first: the definition recorded
//! when the migration was applied against this build's, both in the canonical text the checksums
//! hash, so what is shown is exactly what the checksums compare.

use std::collections::BTreeMap;

use migrate_core::model::Migration;

use crate::database::Database;
use crate::planner::Graph;
use crate::{lock, version_table, Error, Migrator};

/// An applied migration as the version table recorded it and as this build has it: what
/// [`Migrator::repair`] re-records.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AppliedEdit {
    pub id: String,
    /// The checksum recorded when it was applied.
    pub recorded_checksum: String,
    /// This build's checksum.
    pub checksum: String,
    /// Its canonical text as recorded when it was applied; `None` for a row recorded by a version
    /// of migrate that kept none.
    pub recorded_definition: Option<String>,
    /// This build's canonical text.
    pub definition: String,
}

impl AppliedEdit {
    /// Whether the migration was edited since it was applied: the checksums differ.
    pub fn is_edited(&self) -> bool {
        self.recorded_checksum != self.checksum
    }

    /// The recorded definition when it is the one the recorded checksum was taken of; `None`
    /// when there is none, or when the row was changed by hand since.
    pub fn applied_definition(&self) -> Option<&str> {
        self.recorded_definition.as_deref().filter(|definition| {
            migrate_core::checksum::of_canonical(definition) == self.recorded_checksum
        })
    }

    /// The definition as applied against this build's, line by line: `-` only as applied, `+`
    /// only in this build, two spaces in both. `None` without a trustworthy applied definition
    /// (see [`AppliedEdit::applied_definition`]).
    pub fn diff(&self) -> Option<String> {
        let before: Vec<&str> = self.applied_definition()?.lines().collect();
        let after: Vec<&str> = self.definition.lines().collect();
        Some(line_diff(&before, &after))
    }
}

/// `before` turned into `after` by the fewest removed and added lines (a longest common
/// subsequence), each line prefixed by `-`, `+` or two spaces.
fn line_diff(before: &[&str], after: &[&str]) -> String {
    // common[i][j]: the length of the longest common subsequence of before[i..] and after[j..].
    let mut common = vec![vec![0usize; after.len() + 1]; before.len() + 1];
    for i in (0..before.len()).rev() {
        for j in (0..after.len()).rev() {
            common[i][j] = match before[i] == after[j] {
                true => common[i + 1][j + 1] + 1,
                false => common[i + 1][j].max(common[i][j + 1]),
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < before.len() || j < after.len() {
        if i < before.len() && j < after.len() && before[i] == after[j] {
            out.push_str(&format!("  {}\n", before[i]));
            (i, j) = (i + 1, j + 1);
        } else if i < before.len() && (j == after.len() || common[i + 1][j] >= common[i][j + 1]) {
            out.push_str(&format!("- {}\n", before[i]));
            i += 1;
        } else {
            out.push_str(&format!("+ {}\n", after[j]));
            j += 1;
        }
    }
    out
}

impl Migrator {
    /// How applied migration `revision` (an id or unique prefix) was recorded and how this build
    /// has it: what [`Migrator::repair`] would re-record. Reads only.
    ///
    /// Refuses a revision this build does not have, and one that is not applied.
    pub fn applied_edit<C: Database>(
        &self,
        conn: &mut C,
        revision: &str,
    ) -> Result<AppliedEdit, Error> {
        let migration = self.resolve(revision)?;
        let Some((recorded_checksum, recorded_definition)) =
            version_table::recorded(conn, &migration.id)?
        else {
            let squashed = self
                .applied(conn)?
                .into_iter()
                .find(|row| row.id == migration.id.as_ref() && !row.recorded_as.is_empty());
            return Err(match squashed {
                Some(row) => Error::RecordedAsReplaced {
                    id: row.id,
                    replaced: row.recorded_as,
                },
                None => Error::NotApplied {
                    id: migration.id.to_string(),
                },
            });
        };
        self.refuse_anothers(conn, migration)?;
        Ok(AppliedEdit {
            id: migration.id.to_string(),
            recorded_checksum,
            checksum: migration.checksum.to_string(),
            recorded_definition,
            definition: migrate_core::canonical::migration(migration),
        })
    }

    /// Records applied migration `revision` (an id or unique prefix) as this build has it, after
    /// it was edited on purpose: its checksum, and its definition, so upgrades no longer refuse
    /// it as drift. Runs nothing: the database must already have what the edit changes (`check`
    /// compares the live schema with what the migrations build). Under the migration lock.
    ///
    /// Returns what it re-recorded, the recorded definition included, to show what changed; when
    /// the migration was not edited ([`AppliedEdit::is_edited`] is false), nothing is written.
    /// Refuses a revision this build does not have, one that is not applied, and one that another
    /// set of migrations sharing the database recorded.
    ///
    /// ```
    /// # mod applied {
    /// #     migrate_runtime::migration! {
    /// #         id: "0001_create_users", parent: none,
    /// #         change { create_table(users, { id: bigint identity, email: text }, primary_key: pk_users(id)); }
    /// #     }
    /// #     migrate_runtime::migrations!();
    /// # }
    /// # mod edited {
    /// #     migrate_runtime::migration! {
    /// #         id: "0001_create_users", parent: none,
    /// #         change { create_table(users, { id: bigint identity, email: varchar(320) }, primary_key: pk_users(id)); }
    /// #     }
    /// #     migrate_runtime::migrations!();
    /// # }
    /// use migrate_runtime::{AnyConnection, Error, Migrator, Target};
    ///
    /// let mut conn = AnyConnection::establish(":memory:")?;
    /// Migrator::new(&applied::MIGRATIONS)?.upgrade(&mut conn, Target::Head)?;
    /// // A later build says `varchar(320)` where the applied migration said `text`.
    /// let migrator = Migrator::new(&edited::MIGRATIONS)?;
    /// assert!(matches!(migrator.upgrade(&mut conn, Target::Head), Err(Error::Drift { .. })));
    ///
    /// let repaired = migrator.repair(&mut conn, "0001")?;
    /// assert!(repaired.is_edited());
    /// let diff = repaired.diff().unwrap();
    /// assert!(diff.contains("\n-     create_table(users, { id: bigint identity, email: text }"), "{diff}");
    /// assert!(diff.contains("\n+     create_table(users, { id: bigint identity, email: varchar(320) }"), "{diff}");
    /// assert!(migrator.upgrade(&mut conn, Target::Head)?.is_empty());
    /// assert!(!migrator.repair(&mut conn, "0001")?.is_edited());
    /// # Ok::<(), migrate_runtime::Error>(())
    /// ```
    pub fn repair<C: Database>(&self, conn: &mut C, revision: &str) -> Result<AppliedEdit, Error> {
        let migration = self.resolve(revision)?;
        lock::with_lock(conn, self.lock_wait_setting(), |conn| {
            // A table an earlier version created gets its `definition` column here.
            version_table::ensure(conn)?;
            let edit = self.applied_edit(conn, &migration.id)?;
            if edit.is_edited() {
                conn.batch_execute(&version_table::rerecord_sql(migration, conn.dialect()))
                    .map_err(|source| Error::Database {
                        context: format!("re-recording migration {}", migration.id),
                        source,
                    })?;
            }
            Ok(edit)
        })
    }

    /// Refuses a row that another set of migrations sharing the database recorded under the same
    /// id: it is theirs, not an edit of ours.
    fn refuse_anothers<C: Database>(
        &self,
        conn: &mut C,
        migration: &Migration,
    ) -> Result<(), Error> {
        let owners: BTreeMap<String, Option<String>> =
            version_table::owners(conn)?.into_iter().collect();
        let Some(Some(owner)) = owners.get(migration.id.as_ref()) else {
            return Ok(());
        };
        let graph = Graph::new(self.migrations());
        // Rows of another owner that are all ours mean our migrations moved module.
        let another_set = owner != self.owner()
            && owners
                .iter()
                .any(|(id, of)| of.as_ref() == Some(owner) && graph.get(id).is_none());
        match another_set {
            true => Err(Error::SharedId {
                id: migration.id.to_string(),
                owner: owner.clone(),
                ours: self.owner().to_owned(),
            }),
            false => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::line_diff;

    #[test]
    fn a_line_diff_keeps_what_both_sides_share() {
        assert_eq!(
            line_diff(&["a", "b", "c", "d"], &["a", "x", "c", "d", "e"]),
            "  a\n- b\n+ x\n  c\n  d\n+ e\n"
        );
        assert_eq!(line_diff(&[], &["a"]), "+ a\n");
        assert_eq!(line_diff(&["a"], &[]), "- a\n");
        assert_eq!(line_diff(&["a", "b"], &["a", "b"]), "  a\n  b\n");
    }
}
